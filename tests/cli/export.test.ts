import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, fixtureModelDir } from '../fixtures/generate';
import { removeTempDirs, runCli } from './helpers';
import { syntheticFolder, textBeir, tmp } from './lancedb-helpers';

/**
 * `latelab export --format qdrant|opensearch`: checked by structure (every line parses, counts, dims,
 * ids round-trip, bodies in the documented shapes) and by recomputing here, from the exported vectors
 * only, what each engine would return for the exported query: Qdrant's max_sim (sum over query vectors
 * of the best cosine, or dot product for Dot) after its prefetch on the dense vector, and OpenSearch's
 * lateInteractionScore with innerproduct (nq * f(S / nq), f(x) = x + 1 for x >= 0, per the k-NN plugin)
 * after k-NN on the pooled vector. Both must give latelab's colbert ranking and MaxSim.
 */

const root = tmp('latelab-export-cli-');
afterAll(() => {
	rmSync(root, { recursive: true, force: true });
	removeTempDirs();
});

let vectors: string;
let docIds: string[];
beforeAll(async () => {
	vectors = await syntheticFolder(join(root, 'synth'), { docs: 60, queries: 6, dim: 16, tokens: 12, seed: 5 });
	docIds = readFileSync(join(vectors, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { _id: string })._id);
});

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const cos = (a: number[], b: number[]) => dot(a, b) / (norm(a) * norm(b));
/** sum_i max_j sim(q_i, d_j). */
const maxSimWith = (sim: (a: number[], b: number[]) => number, q: number[][], d: number[][]) => q.reduce((s, qi) => s + Math.max(...d.map((dj) => sim(qi, dj))), 0);
const topBy = <T>(items: T[], score: (t: T) => number, n: number) => items.map((t) => ({ t, s: score(t) })).sort((a, b) => b.s - a.s).slice(0, n);
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

type Hit = { id: string; score: number };
async function colbertTop(args: string[]): Promise<Hit[]> {
	const r = await runCli(['search', '--data', vectors, '--pipeline', 'colbert', '--json', '--quiet', ...args]);
	expect(r.code).toBe(0);
	return (JSON.parse(r.stdout) as { hits: Hit[] }).hits;
}

describe('latelab export --format qdrant', () => {
	it('writes the collection, one point per line (ids round-trip), the two-stage query; Qdrant max_sim recomputed from the files equals latelab', async () => {
		const out = join(root, 'qdrant');
		const r = await runCli(['export', '--format', 'qdrant', '--out', out, '--data', vectors, '--query-id', 'q2', '--depth', '60', '--json', '--quiet']);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout)).toMatchObject({ format: 'qdrant', documents: 60, batches: 1, distance: 'Cosine' });
		expect(readdirSync(out).sort()).toEqual(['README.md', 'collection.json', 'expected.json', 'points', 'query.json']);

		const collection = JSON.parse(readFileSync(join(out, 'collection.json'), 'utf8'));
		expect(collection).toEqual({
			vectors: {
				dense: { size: 16, distance: 'Cosine' },
				colbert: { size: 16, distance: 'Cosine', multivector_config: { comparator: 'max_sim' }, hnsw_config: { m: 0 } }
			}
		});
		const points = lines(join(out, 'points', 'batch-000000.jsonl')).map((l) => JSON.parse(l) as { id: number; vector: { dense: number[]; colbert: number[][] }; payload: { doc_id: string } });
		expect(points).toHaveLength(60);
		points.forEach((p, row) => {
			expect(p.id).toBe(row);
			expect(p.payload.doc_id).toBe(docIds[row]);
			expect(p.vector.dense).toHaveLength(16);
			expect(norm(p.vector.dense)).toBeCloseTo(1, 5);
			expect(p.vector.colbert.length).toBeGreaterThan(0);
			for (const v of p.vector.colbert) expect(v).toHaveLength(16);
		});

		const query = JSON.parse(readFileSync(join(out, 'query.json'), 'utf8'));
		expect(Object.keys(query).sort()).toEqual(['limit', 'prefetch', 'query', 'using', 'with_payload']);
		expect(query).toMatchObject({ prefetch: { using: 'dense', limit: 60 }, using: 'colbert', limit: 10 });
		expect(query.prefetch.query).toHaveLength(16);
		for (const v of query.query as number[][]) expect(v).toHaveLength(16);

		// What Qdrant does: prefetch by the dense vector (Cosine), then max_sim (Cosine) on the multivector.
		const candidates = topBy(points, (p) => cos(query.prefetch.query, p.vector.dense), query.prefetch.limit).map((x) => x.t);
		const qdrant = topBy(candidates, (p) => maxSimWith(cos, query.query, p.vector.colbert), query.limit);
		const latelab = await colbertTop(['--query-id', 'q2']);
		expect(qdrant.map((x) => x.t.payload.doc_id)).toEqual(latelab.map((h) => h.id));
		qdrant.forEach((x, i) => expect(x.s).toBeCloseTo(latelab[i].score, 4));
		const expected = JSON.parse(readFileSync(join(out, 'expected.json'), 'utf8'));
		expect(expected.hits.map((h: { id: string }) => h.id)).toEqual(latelab.map((h) => h.id));
		expected.hits.forEach((h: { engine: number; latelab: number }, i: number) => {
			expect(h.engine).toBeCloseTo(qdrant[i].s, 4);
			expect(h.latelab).toBeCloseTo(latelab[i].score, 4);
		});
		const readme = readFileSync(join(out, 'README.md'), 'utf8');
		const order = ['PUT "$QDRANT/collections/latelab"', 'points?wait=true', 'points/query'].map((s) => readme.indexOf(s));
		expect(order.every((at) => at >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('--opt pool=2 exports pooled vectors with Dot (what latelab scores them with), --opt storage=int8 maps onto Qdrant scalar quantisation with rescoring', async () => {
		const out = join(root, 'qdrant-pool');
		const r = await runCli(['export', '--format', 'qdrant', '--out', out, '--data', vectors, '--opt', 'pool=2', '--opt', 'storage=int8', '--query-id', 'q4', '--depth', '60', '--json', '--quiet']);
		expect(r.code).toBe(0);
		const collection = JSON.parse(readFileSync(join(out, 'collection.json'), 'utf8'));
		expect(collection.vectors.colbert).toMatchObject({ distance: 'Dot', quantization_config: { scalar: { type: 'int8', always_ram: true } } });
		const query = JSON.parse(readFileSync(join(out, 'query.json'), 'utf8'));
		expect(query.params).toEqual({ quantization: { rescore: true, oversampling: 2 } });
		const points = lines(join(out, 'points', 'batch-000000.jsonl')).map((l) => JSON.parse(l) as { vector: { dense: number[]; colbert: number[][] }; payload: { doc_id: string } });
		// Rescored with the originals, Qdrant's Dot max_sim is the exact dot-product MaxSim.
		const candidates = topBy(points, (p) => cos(query.prefetch.query, p.vector.dense), query.prefetch.limit).map((x) => x.t);
		const qdrant = topBy(candidates, (p) => maxSimWith(dot, query.query, p.vector.colbert), 10);
		const latelab = await colbertTop(['--opt', 'pool=2', '--query-id', 'q4']);
		expect(qdrant.map((x) => x.t.payload.doc_id)).toEqual(latelab.map((h) => h.id));
		qdrant.forEach((x, i) => expect(x.s).toBeCloseTo(latelab[i].score, 4));
	});
});

describe('latelab export --format opensearch', () => {
	it('writes the mapping, bulk NDJSON (action + source per document), the k-NN + lateInteractionScore body; the script score recomputed is nq + latelab MaxSim', async () => {
		const out = join(root, 'opensearch');
		const r = await runCli(['export', '--format', 'opensearch', '--out', out, '--data', vectors, '--query-id', 'q1', '--depth', '60', '--name', 'synth-16', '--json', '--quiet']);
		expect(r.code).toBe(0);
		expect(readdirSync(out).sort()).toEqual(['README.md', 'bulk', 'expected.json', 'index.json', 'search.json']);
		const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
		expect(index).toEqual({
			settings: { index: { knn: true } },
			mappings: {
				properties: {
					doc_id: { type: 'keyword' },
					title: { type: 'text' },
					text: { type: 'text' },
					pooled: { type: 'knn_vector', dimension: 16, method: { name: 'hnsw', engine: 'lucene', space_type: 'cosinesimil' } },
					colbert_vectors: { type: 'object', enabled: false }
				}
			}
		});
		const bulk = lines(join(out, 'bulk', 'batch-000000.ndjson')).map((l) => JSON.parse(l));
		expect(bulk).toHaveLength(120);
		const docs: { id: string; pooled: number[]; vectors: number[][] }[] = [];
		for (let i = 0; i < bulk.length; i += 2) {
			expect(bulk[i]).toEqual({ index: { _index: 'synth-16', _id: docIds[i / 2] } });
			expect(bulk[i + 1].doc_id).toBe(docIds[i / 2]);
			expect(bulk[i + 1].pooled).toHaveLength(16);
			for (const v of bulk[i + 1].colbert_vectors) expect(v).toHaveLength(16);
			docs.push({ id: bulk[i].index._id, pooled: bulk[i + 1].pooled, vectors: bulk[i + 1].colbert_vectors });
		}
		const search = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
		expect(search).toMatchObject({
			size: 10,
			query: {
				script_score: {
					query: { knn: { pooled: { k: 60 } } },
					script: { source: "lateInteractionScore(params.query_vectors, 'colbert_vectors', params._source, params.space_type)", params: { space_type: 'innerproduct' } }
				}
			}
		});
		const knnVector: number[] = search.query.script_score.query.knn.pooled.vector;
		const queryVectors: number[][] = search.query.script_score.script.params.query_vectors;
		expect(knnVector).toHaveLength(16);
		// OpenSearch: k-NN candidates (cosinesimil), then nq * f(S / nq) with S the dot-product MaxSim.
		const nq = queryVectors.length;
		const f = (x: number) => (x < 0 ? 1 / (1 - x) : x + 1);
		const candidates = topBy(docs, (d) => cos(knnVector, d.pooled), 60).map((x) => x.t);
		const opensearch = topBy(candidates, (d) => nq * f(maxSimWith(dot, queryVectors, d.vectors) / nq), search.size);
		const latelab = await colbertTop(['--query-id', 'q1']);
		expect(opensearch.map((x) => x.t.id)).toEqual(latelab.map((h) => h.id));
		opensearch.forEach((x, i) => expect(x.s - nq).toBeCloseTo(latelab[i].score, 4));
		const expected = JSON.parse(readFileSync(join(out, 'expected.json'), 'utf8'));
		expected.hits.forEach((h: { engine: number }, i: number) => expect(h.engine).toBeCloseTo(opensearch[i].s, 4));
		expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/PUT "\$OS\/synth-16"[\s\S]*_bulk[\s\S]*_refresh[\s\S]*_search/);
	});

	it('a text collection with the tiny ColBERT model and --query: expected.json holds the colbert top 10', async () => {
		const beir = textBeir(tmp('latelab-export-text-'));
		const model = fixtureModelDir(FIXTURE_MODELS.colbertFolded);
		const out = join(root, 'opensearch-text');
		const r = await runCli(['export', '--format', 'opensearch', '--out', out, '--data', beir, '--model', model, '--query', 'red planet', '--quiet']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^opensearch export in .*opensearch-text: 14 documents in 1 batches, query body and expected.json; see README.md there\n$/);
		const memory = await runCli(['search', '--data', beir, '--pipeline', 'colbert', '--model', model, '--query', 'red planet', '--json', '--quiet']);
		const latelab = (JSON.parse(memory.stdout) as { hits: Hit[] }).hits;
		const expected = JSON.parse(readFileSync(join(out, 'expected.json'), 'utf8'));
		expect(expected.hits.map((h: Hit) => h.id)).toEqual(latelab.map((h) => h.id));
		expected.hits.forEach((h: { latelab: number; engine: number }, i: number) => {
			expect(h.latelab).toBeCloseTo(latelab[i].score, 4);
			expect(h.engine).toBeCloseTo(expected.queryVectors + latelab[i].score, 4);
		});
		rmSync(beir, { recursive: true, force: true });
	});
});

describe('latelab export: bad input exits 2 with one line and changes nothing', () => {
	it('a non-empty --out without --force, --out under a file, an unknown format', async () => {
		const out = join(root, 'busy');
		mkdirSync(out);
		writeFileSync(join(out, 'keep.txt'), 'mine');
		const busy = await runCli(['export', '--format', 'qdrant', '--out', out, '--data', vectors]);
		expect(busy.code).toBe(2);
		expect(busy.stderr).toMatch(/^latelab: export folder .*busy exists and is not empty \(1 entries\); add --force to replace its contents\n$/);
		expect(readdirSync(out)).toEqual(['keep.txt']);
		const forced = await runCli(['export', '--format', 'qdrant', '--out', out, '--data', vectors, '--force', '--quiet']);
		expect(forced.code).toBe(0);
		expect(existsSync(join(out, 'keep.txt'))).toBe(false);
		expect(readdirSync(out).sort()).toEqual(['README.md', 'collection.json', 'points']);

		const file = join(root, 'plain-file');
		writeFileSync(file, 'x');
		const under = await runCli(['export', '--format', 'opensearch', '--out', join(file, 'x'), '--data', vectors]);
		expect(under.code).toBe(2);
		expect(under.stderr).toMatch(/^latelab: cannot write export folder .*plain-file\/x: .*plain-file is a file, not a folder\n$/);
		const format = await runCli(['export', '--format', 'milvus', '--out', join(root, 'm'), '--data', vectors]);
		expect(format.code).toBe(2);
		expect(format.stderr).toMatch(/^latelab: unknown export format "milvus"; expected one of: qdrant, opensearch\n$/);
		expect(existsSync(join(root, 'm'))).toBe(false);
	});
});
