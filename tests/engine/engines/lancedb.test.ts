import { afterAll, describe, expect, it } from 'vitest';
import { lanceModules } from '../../../src/cli/lance-modules';
import { isLatelabError } from '../../../src/lib/engine/errors';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { uniformRandom as mulberry32 } from '../../../src/lib/engine/random';
import { readMultiVectors } from '../../../src/lib/engine/engines/lancedb-arrow';
import { openLanceStore } from '../../../src/lib/engine/engines/lancedb-search';
import { buildLanceIndex, writeLanceStore } from '../../../src/lib/engine/engines/lancedb-write';
import { lanceDistanceToMaxSim } from '../../../src/lib/engine/engines/multivector-math';
import { STORE_FORMAT } from '../../../src/lib/engine/engines/store-spec';
import { randomDocs, randomMatrix, removeDirs, sourceOf, tempDir } from './helpers';

afterAll(removeDirs);

const modules = lanceModules();
const { lancedb, arrow } = modules;

const DIM = 8;
const metaFor = (n: number, extra: Partial<{ model: string; pool: number; source: string }> = {}) => ({
	model: extra.model ?? 'test/model',
	dim: DIM,
	pool: extra.pool ?? 1,
	documents: n,
	source: extra.source ?? 'src-1',
	kind: 'text' as const
});
const info = (row: number) => ({ id: `d${row}`, title: `title ${row}`, text: `text ${row}` });

/** In-memory exhaustive MaxSim ranking (latelab's reference). */
function reference(query: ReturnType<typeof randomMatrix>, docs: ReturnType<typeof randomDocs>, k: number) {
	return docs
		.map((d, i) => ({ id: `d${i}`, score: maxSim(query, d.matrix) }))
		.sort((a, b) => b.score - a.score)
		.slice(0, k);
}

describe('LanceDB multivector distance convention (@lancedb/lancedb 0.31.0)', () => {
	it('table.search(rows).distanceType(cosine|dot|l2) returns _distance = 1 - sum_i max_j sim(q_i, d_j)', async () => {
		const dir = tempDir();
		const db = await lancedb.connect(dir);
		const fsl = new arrow.FixedSizeList(2, new arrow.Field('item', new arrow.Float32(), true));
		const schema = new arrow.Schema([new arrow.Field('id', new arrow.Utf8(), false), new arrow.Field('v', new arrow.List(new arrow.Field('item', fsl, true)), false)]);
		const table = await db.createEmptyTable('t', schema);
		// maxSim's own example: q = [[1, 0], [0, 1]], d = [[0.6, 0.8], [1, 0]]: 1 + 0.8 = 1.8.
		// e = [[2, 0]] (not unit): dot MaxSim 2 + 0 = 2, cosine MaxSim 1 + 0 = 1, l2: 1 - 1 + 1 - 5 = -4.
		await table.add([{ id: 'd', v: [[0.6, 0.8], [1, 0]] }, { id: 'e', v: [[2, 0]] }]);
		const q = [Float32Array.of(1, 0), Float32Array.of(0, 1)];
		const distances = async (type: 'cosine' | 'dot' | 'l2') => {
			const rows = (await table.vectorSearch(q).column('v').distanceType(type).limit(2).toArray()) as { id: string; _distance: number }[];
			return Object.fromEntries(rows.map((r) => [r.id, r._distance]));
		};
		const cos = await distances('cosine');
		expect(cos.d).toBeCloseTo(1 - 1.8, 5);
		expect(cos.e).toBeCloseTo(1 - 1, 5);
		const dot = await distances('dot');
		expect(dot.d).toBeCloseTo(1 - 1.8, 5);
		expect(dot.e).toBeCloseTo(1 - 2, 5);
		const l2 = await distances('l2');
		// sim = 1 - |q - d|^2: d: q0 best is [1,0] (0) -> 1; q1 best is [0.6,0.8] (0.36+0.04) -> 0.6; sum 1.6.
		expect(l2.d).toBeCloseTo(1 - 1.6, 5);
		expect(lanceDistanceToMaxSim(cos.d)).toBeCloseTo(1.8, 5);
	});
});

describe('writeLanceStore / openLanceStore', () => {
	it('exhaustive search returns the in-memory MaxSim top 10 with equal scores (unit vectors, cosine)', async () => {
		const docs = randomDocs(1, 60, DIM);
		const uri = tempDir();
		const report = await writeLanceStore({ modules, uri, meta: metaFor(60), source: sourceOf(docs, DIM), info });
		expect(report).toMatchObject({ written: 60, resumedFrom: 0, total: 60 });
		const store = await openLanceStore(modules, uri);
		expect(store.meta).toMatchObject({ format: STORE_FORMAT, model: 'test/model', dim: DIM, documents: 60, distance: 'cosine' });
		const rand = mulberry32(99);
		for (let t = 0; t < 3; t++) {
			const query = randomMatrix(rand, 5, DIM);
			const { hits } = await store.search(query, 10);
			const expected = reference(query, docs, 10);
			expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
			hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 4));
		}
	});

	it('pooled (non-unit) vectors are searched with dot, so scores still equal latelab MaxSim', async () => {
		const docs = randomDocs(2, 40, DIM, false);
		const uri = tempDir();
		await writeLanceStore({ modules, uri, meta: metaFor(40, { pool: 2 }), source: sourceOf(docs, DIM), info });
		const store = await openLanceStore(modules, uri);
		expect(store.meta.distance).toBe('dot');
		const query = randomMatrix(mulberry32(5), 4, DIM);
		const { hits } = await store.search(query, 10);
		const expected = reference(query, docs, 10);
		expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
		hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 4));
	});

	it('two-phase search with depth >= documents equals exhaustive; with a small depth it rescored only pooled-vector candidates', async () => {
		const docs = randomDocs(3, 50, DIM);
		const uri = tempDir();
		await writeLanceStore({ modules, uri, meta: metaFor(50), source: sourceOf(docs, DIM), info });
		const store = await openLanceStore(modules, uri);
		const query = randomMatrix(mulberry32(7), 5, DIM);
		const full = await store.search(query, 10, { mode: 'two-phase', depth: 50 });
		const expected = reference(query, docs, 10);
		expect(full.hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
		full.hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 5));
		expect(full.stages.map((s) => s.stage)).toEqual(['first-phase', 'maxsim']);
		const few = await store.search(query, 10, { mode: 'two-phase', depth: 12 });
		expect(few.hits).toHaveLength(10);
		for (const h of few.hits) expect(h.score).toBeCloseTo(maxSim(query, docs[Number(h.id.slice(1))].matrix), 5);
	});

	it('a build stopped by its signal keeps the rows written and the next run resumes there', async () => {
		const docs = randomDocs(4, 30, DIM);
		const uri = tempDir();
		const controller = new AbortController();
		let batches = 0;
		const source = {
			dim: DIM,
			async *documents() {
				for (let first = 0; first < 30; first += 10) {
					if (++batches === 2) controller.abort();
					yield { first, docs: docs.slice(first, first + 10) };
				}
			}
		};
		const stopped = await writeLanceStore({ modules, uri, meta: metaFor(30), source, info, batchSize: 10, signal: controller.signal }).catch((e: unknown) => e);
		expect(isLatelabError(stopped) && stopped.code).toBe('CANCELLED');
		expect(String((stopped as Error).message)).toMatch(/after 20 of 30 documents/);
		await expect(openLanceStore(modules, uri)).rejects.toThrow(/unfinished: 20 of 30 documents/);
		const resumed = await writeLanceStore({ modules, uri, meta: metaFor(30), source: sourceOf(docs, DIM), info, batchSize: 10 });
		expect(resumed).toMatchObject({ resumedFrom: 20, written: 10, total: 30 });
		const store = await openLanceStore(modules, uri);
		expect(store.rows).toBe(30);
		const query = randomMatrix(mulberry32(8), 3, DIM);
		expect((await store.search(query, 30)).hits.map((h) => h.id).sort()).toEqual(docs.map((_, i) => `d${i}`).sort());
	});

	it('refuses a folder holding another build unless replace is set', async () => {
		const docs = randomDocs(5, 12, DIM);
		const uri = tempDir();
		await writeLanceStore({ modules, uri, meta: metaFor(12), source: sourceOf(docs, DIM), info });
		const other = await writeLanceStore({ modules, uri, meta: metaFor(12, { model: 'other/model' }), source: sourceOf(docs, DIM), info }).catch((e: unknown) => e);
		expect(isLatelabError(other) && other.code).toBe('BAD_ARGUMENT');
		expect(String((other as Error).message)).toMatch(/already holds another build \(model test\/model, dim 8, pool 1, 12 documents\); add --force/);
		expect((await openLanceStore(modules, uri)).meta.model).toBe('test/model');
		await writeLanceStore({ modules, uri, meta: metaFor(12, { model: 'other/model' }), source: sourceOf(docs, DIM), info, replace: true });
		expect((await openLanceStore(modules, uri)).meta.model).toBe('other/model');
	});

	it('buildLanceIndex adds IVF_PQ on the multivector and pooled columns; ann mode finds the exhaustive top hit of a document\'s own vectors', async () => {
		const docs = randomDocs(6, 300, DIM);
		const uri = tempDir();
		await writeLanceStore({ modules, uri, meta: metaFor(300), source: sourceOf(docs, DIM, 100), info });
		const built = await buildLanceIndex(modules, uri, { partitions: 4, subVectors: 2 });
		expect(built.columns).toEqual(['vectors', 'pooled']);
		const store = await openLanceStore(modules, uri);
		expect(store.indices.length).toBe(2);
		const ann = await store.search(docs[17].matrix, 5, { mode: 'ann', nprobes: 4, refine: 10 });
		expect(ann.hits[0].id).toBe('d17');
		expect(ann.hits[0].score).toBeCloseTo(docs[17].matrix.rows, 3);
	});

	it('readMultiVectors reads each row of a List<FixedSizeList> column, sliced or not', () => {
		const fsl = new arrow.FixedSizeList(2, new arrow.Field('item', new arrow.Float32(), true));
		const floats = Float32Array.from({ length: 12 }, (_, i) => i);
		const child = arrow.makeData({ type: fsl, length: 6, nullCount: 0, child: arrow.makeData({ type: new arrow.Float32(), length: 12, data: floats, nullCount: 0 }) });
		const list = arrow.makeData({ type: new arrow.List(new arrow.Field('item', fsl, true)), length: 3, nullCount: 0, valueOffsets: Int32Array.of(0, 2, 3, 6), child });
		const all = readMultiVectors(new arrow.Vector([list]), 2);
		expect(all.map((m) => Array.from(m.data))).toEqual([[0, 1, 2, 3], [4, 5], [6, 7, 8, 9, 10, 11]]);
		const sliced = readMultiVectors(new arrow.Vector([list.slice(1, 2)]), 2);
		expect(sliced.map((m) => m.rows)).toEqual([1, 3]);
		expect(Array.from(sliced[1].data)).toEqual([6, 7, 8, 9, 10, 11]);
	});
});
