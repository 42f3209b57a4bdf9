import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticCollection } from '../../src/lib/engine/corpus/synthetic-multivector';
import { writeMultiVectorFolder } from '../../src/lib/engine/corpus/node-multivector-folder';

/** A temporary folder (the caller removes it). */
export function tmp(prefix: string): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A small synthetic vectors folder (the SOURCE generator: topics, contextual noise, queries drawn from a
 * target document, qrels) written to disk: `docs` documents of ~`tokens` unit vectors of width `dim`.
 */
export async function syntheticFolder(dir: string, o: { docs: number; queries: number; dim: number; tokens: number; seed?: number; model?: string }): Promise<string> {
	const c = generateSyntheticCollection({ docs: o.docs, queries: o.queries, dim: o.dim, tokensPerDoc: o.tokens, seed: o.seed ?? 3 });
	await writeMultiVectorFolder(dir, {
		manifest: { dim: o.dim, kind: 'text', model: o.model ?? 'synthetic/test' },
		documents: c.documents.map((record, i) => ({ record, vectors: c.docVectors(i) })),
		queries: c.queries.map((record) => ({ record, vectors: c.queryVectors(record.id)! })),
		qrels: { test: c.corpus.qrels }
	});
	return dir;
}

/** A BEIR folder of short texts the tiny test models can encode (14 documents, 3 judged queries). */
export function textBeir(dir: string): string {
	const texts = [
		'red planet mars rover', 'the moon orbits the earth', 'apple banana cherry fruit salad', 'mars has two small moons',
		'jupiter is a gas giant', 'rivers flow to the sea', 'the rover drove across red dust', 'saturn rings are ice',
		'fresh fruit from the market', 'a telescope points at the planet', 'ocean waves and sea salt', 'planets orbit the sun',
		'dust storms on mars', 'bananas are yellow'
	];
	writeFileSync(join(dir, 'corpus.jsonl'), texts.map((text, i) => JSON.stringify({ _id: `t${i}`, title: '', text })).join('\n') + '\n');
	const queries = [{ _id: 'q1', text: 'red planet' }, { _id: 'q2', text: 'fruit' }, { _id: 'q3', text: 'sea' }];
	writeFileSync(join(dir, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
	mkdirSync(join(dir, 'qrels'), { recursive: true });
	writeFileSync(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\tt0\t1\nq1\tt3\t1\nq2\tt2\t1\nq3\tt10\t1\n');
	return dir;
}
