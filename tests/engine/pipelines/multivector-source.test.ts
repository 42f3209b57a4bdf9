import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolHierarchical } from '../../../src/lib/engine/compress/pool-hierarchical';
import type { MultiVectorCollection } from '../../../src/lib/engine/corpus/multivector-folder';
import { loadMultiVectorFolderFromDisk, writeMultiVectorFolder } from '../../../src/lib/engine/corpus/node-multivector-folder';
import type { MultiVectorDoc } from '../../../src/lib/engine/index/serialize';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { createColbertPipeline } from '../../../src/lib/engine/pipelines/late-interaction';
import { openMultiVectorSource, type MultiVectorSource } from '../../../src/lib/engine/pipelines/multivector-source';
import { uniformRandom } from '../../../src/lib/engine/random';
import type { Corpus, TokenMatrix } from '../../../src/lib/engine/types';
import { ToyColbert } from './toy-encoders';

const dir = mkdtempSync(join(tmpdir(), 'latelab-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function unitRows(rows: number, dim: number, random: () => number): TokenMatrix {
	const data = new Float32Array(rows * dim);
	for (let r = 0; r < rows; r++) {
		let s = 0;
		for (let k = 0; k < dim; k++) s += (data[r * dim + k] = random() - 0.5) ** 2;
		for (let k = 0; k < dim; k++) data[r * dim + k] /= Math.sqrt(s);
	}
	return { data, rows, dim };
}

const DIM = 8;
const random = uniformRandom(9);
const docVecs = Array.from({ length: 300 }, (_, i) => unitRows(3 + (i % 7), DIM, random));
const queryVecs = [unitRows(4, DIM, random), unitRows(5, DIM, random)];
let collection: MultiVectorCollection;

beforeAll(async () => {
	await writeMultiVectorFolder(dir, {
		manifest: { dim: DIM, kind: 'text' },
		documents: docVecs.map((m, i) => ({ record: { id: `d${i}`, title: '', text: `document ${i}` }, vectors: m })),
		queries: [
			{ record: { id: 'q1', title: '', text: 'first query' }, vectors: queryVecs[0] },
			{ record: { id: 'q2', title: '', text: '' }, vectors: queryVecs[1] }
		]
	});
	collection = await loadMultiVectorFolderFromDisk(dir);
});

async function all(source: MultiVectorSource): Promise<MultiVectorDoc[]> {
	const out: MultiVectorDoc[] = [];
	for await (const { first, docs } of source.documents()) {
		expect(first).toBe(out.length);
		out.push(...docs);
	}
	return out;
}

describe('openMultiVectorSource', () => {
	it('openMultiVectorSource(ctx of a vectors folder) hands out the stored vectors in batches, without an encoder', async () => {
		const source = await openMultiVectorSource({ corpus: collection.corpus, options: {} });
		expect(source.encoder).toBeUndefined();
		expect(source).toMatchObject({ dim: DIM, kind: 'text', pool: 1 });
		expect(source.ids.slice(0, 2)).toEqual(['d0', 'd1']);
		const docs = await all(source);
		expect(docs).toHaveLength(300);
		expect(Array.from(docs[299].matrix.data)).toEqual(Array.from(docVecs[299].data));
		// A second pass gives the same vectors.
		expect((await all(source))[5].matrix.rows).toBe(docVecs[5].rows);
	});

	it('source.queryVectors(q) looks precomputed query vectors up by id, else by exact text; unknown queries are BAD_ARGUMENT', async () => {
		const source = await openMultiVectorSource({ corpus: collection.corpus, options: {} });
		expect(Array.from((await source.queryVectors('q2')).data)).toEqual(Array.from(queryVecs[1].data));
		expect(Array.from((await source.queryVectors('first query')).data)).toEqual(Array.from(queryVecs[0].data));
		await expect(source.queryVectors('something else')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});

	it('openMultiVectorSource(ctx with pool 2) pools every document as poolHierarchical does, and reports a pool stage', async () => {
		const source = await openMultiVectorSource({ corpus: collection.corpus, options: { pool: 2 } });
		const docs = await all(source);
		docs.forEach((d, i) => {
			const expected = poolHierarchical(docVecs[i], 2).matrix;
			expect(d.matrix.rows).toBe(expected.rows);
			expect(d.tokens).toHaveLength(expected.rows);
		});
		expect(Array.from(docs[6].matrix.data)).toEqual(Array.from(poolHierarchical(docVecs[6], 2).matrix.data));
		expect(source.buildTimings.map((t) => t.stage)).toContain('pool');
		expect((await source.document(6)).matrix.rows).toBe(docs[6].matrix.rows);
	});

	it('openMultiVectorSource(ctx, { encoders }) encodes the corpus and queries with the ColBERT encoder', async () => {
		const colbert = new ToyColbert({ dim: 8 });
		const corpus: Corpus = { name: 't', docs: [{ id: 'a', title: '', text: 'red planet mars' }, { id: 'b', title: 'Fruit', text: 'apples' }], queries: [], qrels: new Map(), warnings: [] };
		const source = await openMultiVectorSource({ corpus, options: {} }, { encoders: { colbert } });
		expect(source.encoder).toBe(colbert);
		expect(source.buildTimings.map((t) => t.stage)).toEqual(['load-model', 'encode-corpus']);
		const docs = await all(source);
		const [expected] = await colbert.encodeDocuments(['red planet mars']);
		expect(Array.from(docs[0].matrix.data)).toEqual(Array.from(expected.matrix.data));
		expect(docs[0].tokens).toEqual(expected.tokens);
		expect((await all(source))[1].tokens).toEqual((await colbert.encodeDocuments(['Fruit apples']))[0].tokens);
		expect(Array.from((await source.queryVectors('red')).data)).toEqual(Array.from((await colbert.encodeQuery('red')).matrix.data));
	});

	it('a vectors folder with a ColBERT encoder: its own queries keep their stored vectors, free text is encoded by the model', async () => {
		const colbert = new ToyColbert({ dim: DIM });
		const source = await openMultiVectorSource({ corpus: collection.corpus, options: {} }, { encoders: { colbert } });
		expect(Array.from((await source.queryVectors('q1')).data)).toEqual(Array.from(queryVecs[0].data));
		expect(Array.from((await source.queryVectors('first query')).data)).toEqual(Array.from(queryVecs[0].data));
		const encoded = await colbert.encodeQuery('red planet');
		expect(Array.from((await source.queryVectors('red planet')).data)).toEqual(Array.from(encoded.matrix.data));
		// The explainers get the model's tokens for free text, and q0, q1, ... for the folder's own vectors.
		expect((await source.query('red planet')).tokens).toEqual(encoded.tokens);
		expect((await source.query('q2')).tokens).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
		// The documents stay the folder's: nothing is encoded.
		expect(Array.from((await all(source))[7].matrix.data)).toEqual(Array.from(docVecs[7].data));
		expect(colbert.encodedDocs).toBe(0);
		expect(source.buildTimings.map((t) => t.stage)).toEqual(['load-model']);
	});

	it('a vectors folder loads no model unless one is given, and says how to search free text', async () => {
		const load = () => Promise.reject(new Error('no model should load'));
		const source = await openMultiVectorSource({ corpus: collection.corpus, options: {} }, { load });
		await expect(source.queryVectors('red planet')).rejects.toThrow(/no precomputed vectors for query "red planet" .*--model colbert=/);
	});

	it('a named ColBERT model of another width than the folder is DIM_MISMATCH, naming both, and is disposed', async () => {
		const wide = new ToyColbert({ dim: 16, modelId: 'wide-colbert' });
		let disposed = 0;
		wide.dispose = async () => void disposed++;
		const failed = openMultiVectorSource({ corpus: collection.corpus, options: { models: { colbert: 'wide-colbert' } } }, { load: async () => wide });
		await expect(failed).rejects.toMatchObject({ code: 'DIM_MISMATCH' });
		await expect(failed).rejects.toThrow(/holds 8-dim vectors; the ColBERT model wide-colbert encodes queries to 16/);
		expect(disposed).toBe(1);
	});

	it('a handed-in ColBERT model of another width is left unused with a warning: the folder answers its own queries', async () => {
		const warnings: string[] = [];
		const source = await openMultiVectorSource({ corpus: collection.corpus, options: {}, onWarning: (w) => warnings.push(w) }, { encoders: { colbert: new ToyColbert({ dim: 16, modelId: 'wide-colbert' }) } });
		expect(warnings).toEqual([expect.stringMatching(/holds 8-dim vectors; the ColBERT model wide-colbert encodes queries to 16, so only the folder's own queries are searched/)]);
		expect(Array.from((await source.queryVectors('q2')).data)).toEqual(Array.from(queryVecs[1].data));
		await expect(source.queryVectors('red planet')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});

	it('a folder made by another model than the query encoder gets a warning', async () => {
		const other = mkdtempSync(join(tmpdir(), 'latelab-source-made-'));
		try {
			await writeMultiVectorFolder(other, {
				manifest: { dim: DIM, kind: 'text', model: 'maker/colbert' },
				documents: docVecs.slice(0, 3).map((m, i) => ({ record: { id: `d${i}`, title: '', text: '' }, vectors: m }))
			});
			const made = await loadMultiVectorFolderFromDisk(other);
			const warnings: string[] = [];
			await openMultiVectorSource({ corpus: made.corpus, options: {}, onWarning: (w) => warnings.push(w) }, { encoders: { colbert: new ToyColbert({ dim: DIM }) } });
			expect(warnings).toEqual([expect.stringMatching(/made by maker\/colbert; free-text queries are encoded by toy-colbert/)]);
			const same: string[] = [];
			await openMultiVectorSource({ corpus: made.corpus, options: {}, onWarning: (w) => same.push(w) }, { encoders: { colbert: new ToyColbert({ dim: DIM, modelId: 'maker/colbert' }) } });
			expect(same).toEqual([]);
		} finally {
			rmSync(other, { recursive: true, force: true });
		}
	});

	it('openMultiVectorSource(ctx with pool 0) is BAD_ARGUMENT', async () => {
		await expect(openMultiVectorSource({ corpus: collection.corpus, options: { pool: 0 } })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});
});

describe('colbert pipeline over a vectors folder', () => {
	it('createColbertPipeline(vectors-folder corpus).search(queryId, k) ranks by exact MaxSim of the stored vectors', async () => {
		const pipeline = await createColbertPipeline({ corpus: collection.corpus, options: { maxsimBackend: 'js' } });
		expect(pipeline.encoder).toBeUndefined();
		const r = await pipeline.search('q2', 5);
		const expected = docVecs.map((d, i) => ({ id: `d${i}`, score: maxSim(queryVecs[1], d) })).sort((a, b) => b.score - a.score).slice(0, 5);
		expect(r.hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
		r.hits.forEach((h, i) => expect(Math.abs(h.score - expected[i].score)).toBeLessThan(1e-5));
		const explanation = await pipeline.explain('q2', r.hits[0].id);
		expect(Math.abs(explanation.score - r.hits[0].score)).toBeLessThan(1e-5);
		await pipeline.dispose();
	});

	it('with a ColBERT encoder, search(free text) ranks the stored documents by MaxSim of the encoded query', async () => {
		const colbert = new ToyColbert({ dim: DIM });
		const pipeline = await createColbertPipeline({ corpus: collection.corpus, options: { maxsimBackend: 'js' } }, { encoders: { colbert } });
		const r = await pipeline.search('red planet', 5);
		const q = (await colbert.encodeQuery('red planet')).matrix;
		const expected = docVecs.map((d, i) => ({ id: `d${i}`, score: maxSim(q, d) })).sort((a, b) => b.score - a.score).slice(0, 5);
		expect(r.hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
		r.hits.forEach((h, i) => expect(Math.abs(h.score - expected[i].score)).toBeLessThan(1e-5));
		const explanation = await pipeline.explain('red planet', r.hits[0].id);
		expect(explanation.queryTokens).toEqual((await colbert.encodeQuery('red planet')).tokens);
		await pipeline.dispose();
	});
});
