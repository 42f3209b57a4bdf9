import { describe, expect, it, vi } from 'vitest';
import { OpfsVectorsStore } from '../../../src/lib/engine/corpus/multivector-opfs';
import { FakeDirectory } from '../corpus/fake-opfs';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { poolHierarchical } from '../../../src/lib/engine/compress/pool-hierarchical';
import { bytesPerVector, decodeFp16, encodeBinary, encodeFp16, encodeInt8, maxSimBinary, maxSimInt8 } from '../../../src/lib/engine/compress/codecs';
import { generateSyntheticCollection } from '../../../src/lib/engine/corpus/synthetic-multivector';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { belowHead, createColbertPipeline, createColbertRerankPipeline, TAIL_EPSILON } from '../../../src/lib/engine/pipelines/late-interaction';
import type { NeuralPipelineOptions } from '../../../src/lib/engine/pipelines/neural-context';
import { IndexedDbFp32Store, MemoryFp32Store, type Fp32VectorStore } from '../../../src/lib/engine/store/fp32-vector-store';
import { NodeFileFp32Store } from '../../../src/lib/engine/store/node-fp32-vector-store';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const collection = generateSyntheticCollection({ docs: 150, queries: 6, dim: 32, tokensPerDoc: 16, seed: 4 });
const corpus = collection.corpus;
const N = corpus.docs.length;
const q = collection.queryVectors('q1')!;
const open = (options: NeuralPipelineOptions) => createColbertPipeline({ corpus, options: { maxsimBackend: 'js', ...options } });
const allScores = (score: (d: TokenMatrix) => number) => Array.from({ length: N }, (_, i) => ({ index: i, score: score(collection.docVectors(i)) })).sort((a, b) => b.score - a.score);

describe('colbert pipeline storage formats', () => {
	it('createColbertPipeline({ storage }) scores equal each format\'s codec reference (fp16, int8, binary, residual)', async () => {
		const references: Record<string, (d: TokenMatrix) => number> = {
			fp16: (d) => maxSim(q, { ...d, data: decodeFp16(encodeFp16(d.data)) }),
			int8: (d) => maxSimInt8(q, encodeInt8(d)),
			binary: (d) => maxSimBinary(encodeBinary(q), encodeBinary(d))
		};
		for (const storage of ['fp16', 'int8', 'binary', 'residual']) {
			const p = await open({ storage, ...(storage === 'residual' ? { bits: 1, centroids: 16 } : {}) });
			const codec = p.index.codec;
			const ref = storage === 'residual' ? (d: TokenMatrix) => maxSim(q, codec!.decode(codec!.encode(d))) : references[storage];
			const scores = await p.index.scorer.score(q);
			for (let i = 0; i < N; i += 7) expect(Math.abs(scores[i] - ref(collection.docVectors(i)))).toBeLessThan(1e-4);
			expect(p.indexStats).toMatchObject({ documents: N, vectors: collection.totalVectors, format: storage });
			expect(p.indexStats.bytes).toBe(collection.totalVectors * bytesPerVector(storage as 'int8', 32, storage === 'residual' ? 1 : undefined));
			if (storage === 'residual') expect(p.indexStats.centroidBytes).toBeGreaterThanOrEqual(16 * 32 * 4);
			await p.dispose();
		}
	});

	it('createColbertPipeline({ storage: fp16, maxsimBackend: wasm }) keeps halves in the kernel (2 bytes a value) and scores the decoded vectors', async () => {
		const p = await open({ storage: 'fp16', maxsimBackend: 'wasm', threads: 2 });
		expect(p.kernel.reason).toMatch(/fp16 documents widened to f32 in the kernel/);
		const scores = await p.index.scorer.score(q);
		for (let i = 0; i < N; i += 5) {
			const d = collection.docVectors(i);
			expect(Math.abs(scores[i] - maxSim(q, { ...d, data: decodeFp16(encodeFp16(d.data)) }))).toBeLessThan(1e-4);
		}
		const resident = (p.index.scorer as unknown as { residentBytes: number }).residentBytes;
		// 32 dims x 2 bytes per vector, plus the padding of each document to a multiple of 4 tokens.
		expect(resident).toBeGreaterThanOrEqual(collection.totalVectors * 64);
		expect(resident).toBeLessThan(collection.totalVectors * 64 + N * 3 * 64 + N * 16);
		await p.dispose();
	});

	it('createColbertPipeline({ storage: binary, rescore >= documents }) returns exactly the fp32 ranking', async () => {
		const exact = allScores((d) => maxSim(q, d)).slice(0, 10);
		const p = await open({ storage: 'binary', rescore: N });
		const r = await p.searchVectors(q, 10);
		expect(r.top.map((t) => t.index)).toEqual(exact.map((e) => e.index));
		r.top.forEach((t, i) => expect(Math.abs(t.score - exact[i].score)).toBeLessThan(1e-5));
		expect(r.timings.map((t) => t.stage)).toEqual(['maxsim', 'rescore-read', 'rescore']);
		expect(p.indexStats.rescore).toMatchObject({ depth: N, bytes: collection.totalVectors * 32 * 4, where: 'memory' });
		await p.dispose();
	});

	it('createColbertPipeline({ storage: binary, rescore, maxsimBackend: wasm }) rescores on the WASM f32 kernel: exact scores, the fp32 top 10', async () => {
		const exact = allScores((d) => maxSim(q, d)).slice(0, 10);
		const p = await open({ storage: 'binary', rescore: N, maxsimBackend: 'wasm', threads: 2 });
		for (let round = 0; round < 2; round++) {
			const r = await p.searchVectors(q, 10);
			expect(r.top.map((t) => t.index)).toEqual(exact.map((e) => e.index));
			r.top.forEach((t, i) => expect(Math.abs(t.score - exact[i].score)).toBeLessThan(1e-4));
		}
		await p.dispose();
	});

	it('rescoring from a store with synchronous reads (OPFS) reads into the kernel memory: the same ranking and scores as from memory', async () => {
		const viaMemory = await open({ storage: 'binary', rescore: 40, maxsimBackend: 'wasm', threads: 2 });
		const opfs = await OpfsVectorsStore.open(new FakeDirectory());
		const reads = vi.spyOn(opfs, 'readInto');
		const viaOpfs = await createColbertPipeline({ corpus, options: { storage: 'binary', rescore: 40, maxsimBackend: 'wasm', threads: 2 } }, { fp32Store: () => opfs });
		expect(viaOpfs.indexStats.rescore?.where).toMatch(/^OPFS /);
		for (const query of ['q1', 'q2', 'q3'].map((id) => collection.queryVectors(id)!)) {
			const a = await viaMemory.searchVectors(query, 10);
			const b = await viaOpfs.searchVectors(query, 10);
			expect(b.top).toEqual(a.top);
			expect(b.timings.map((t) => t.stage)).toEqual(['maxsim', 'rescore-read', 'rescore']);
		}
		expect(reads).toHaveBeenCalledTimes(3);
		await viaMemory.dispose();
		await viaOpfs.dispose();
	});

	it('createColbertPipeline({ storage: int8, rescore: 5 }) reorders the stored-format top 5 by exact scores and keeps the rest', async () => {
		const p = await open({ storage: 'int8', rescore: 5 });
		const approx = await p.index.scorer.topK(q, 10);
		const r = await p.searchVectors(q, 10);
		expect(new Set(r.top.slice(0, 5).map((t) => t.index))).toEqual(new Set(approx.slice(0, 5).map((t) => t.index)));
		expect(r.top.slice(5).map((t) => t.index)).toEqual(approx.slice(5).map((t) => t.index));
		for (const t of r.top.slice(0, 5)) expect(Math.abs(t.score - maxSim(q, collection.docVectors(t.index)))).toBeLessThan(1e-5);
		await p.dispose();
	});

	it('createColbertPipeline({ storage: residual, rescore: 5 }): the hits past the rescore depth rank below the rescored ones by score too (trec_eval order), keeping their own order and gaps', async () => {
		const p = await open({ storage: 'residual', bits: 1, centroids: 16, rescore: 5 });
		const approx = await p.index.scorer.topK(q, 20);
		const r = await p.searchVectors(q, 20);
		for (let i = 1; i < r.top.length; i++) expect(r.top[i].score).toBeLessThan(r.top[i - 1].score);
		expect(r.top[4].score - r.top[5].score).toBeCloseTo(TAIL_EPSILON, 6);
		expect(r.top.slice(5).map((t) => t.index)).toEqual(approx.slice(5).map((t) => t.index));
		for (let i = 6; i < 20; i++) expect(r.top[5].score - r.top[i].score).toBeCloseTo(approx[5].score - approx[i].score, 4);
		// Sorting by score, as evaluateRun and trec_eval do, gives back the same list.
		expect([...r.top].sort((a, b) => b.score - a.score).map((t) => t.index)).toEqual(r.top.map((t) => t.index));
		await p.dispose();
	});

	it('belowHead(head, tail) shifts the tail under the head even when it scored higher, and leaves an empty side alone', () => {
		expect(belowHead([{ score: 20 }], [{ index: 7, score: 23 }, { index: 1, score: 22.5 }])).toEqual([
			{ index: 7, score: expect.closeTo(20 - TAIL_EPSILON, 9) },
			{ index: 1, score: expect.closeTo(19.5 - TAIL_EPSILON, 9) }
		]);
		expect(belowHead([], [{ index: 2, score: 5 }])).toEqual([{ index: 2, score: 5 }]);
		expect(belowHead([{ score: 1 }], [])).toEqual([]);
	});

	it('pipeline.searchVectors(q, k, { rescore }) sweeps rescore depths over one index; without a side store a depth is BAD_ARGUMENT', async () => {
		const p = await open({ storage: 'binary', rescore: 20 });
		const none = await p.searchVectors(q, 10, { rescore: 0 });
		expect(none.top).toEqual(await p.index.scorer.topK(q, 10));
		expect(none.timings.map((t) => t.stage)).toEqual(['maxsim']);
		const all = await p.searchVectors(q, 10, { rescore: N });
		expect(all.top.map((t) => t.index)).toEqual(allScores((d) => maxSim(q, d)).slice(0, 10).map((e) => e.index));
		const plain = await open({ storage: 'binary' });
		await expect(plain.searchVectors(q, 10, { rescore: 5 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		for (const x of [p, plain]) await x.dispose();
	});

	it('createColbertPipeline({ pool: 1 }) equals the unpooled pipeline, and pool 2 stores the pooled vectors', async () => {
		const plain = await open({});
		const one = await open({ pool: 1 });
		expect((await one.searchVectors(q, 10)).top).toEqual((await plain.searchVectors(q, 10)).top);
		const two = await open({ pool: 2 });
		let pooled = 0;
		for (let i = 0; i < N; i++) pooled += poolHierarchical(collection.docVectors(i), 2).matrix.rows;
		expect(two.indexStats.vectors).toBe(pooled);
		expect(two.indexStats.vectors).toBeLessThan(0.6 * plain.indexStats.vectors);
		const top = (await two.searchVectors(q, 3)).top[0];
		expect(Math.abs(top.score - maxSim(q, poolHierarchical(collection.docVectors(top.index), 2).matrix))).toBeLessThan(1e-5);
		for (const p of [plain, one, two]) await p.dispose();
	});

	it('createColbertRerankPipeline({ storage: binary, rescore }) rescores the first stage\'s candidates', async () => {
		const p = await createColbertRerankPipeline({ corpus, options: { maxsimBackend: 'js', storage: 'binary', rescore: 1000, depth: 20 } });
		const r = await p.search(corpus.queries[1].text, 5);
		expect(r.timings.map((t) => t.stage)).toEqual(['first-stage', 'encode-query', 'maxsim', 'rescore-read', 'rescore']);
		const byId = new Map(corpus.docs.map((d, i) => [d.id, i]));
		for (const h of r.hits) expect(Math.abs(h.score - maxSim(q, collection.docVectors(byId.get(h.id)!)))).toBeLessThan(1e-5);
		await p.dispose();
	});

	it('createColbertPipeline rejects unknown storage, bad bits, negative rescore and rescore with fp32', async () => {
		await expect(open({ storage: 'int4' })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
		await expect(open({ storage: 'residual', bits: 3 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		await expect(open({ storage: 'int8', bits: 1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		await expect(open({ storage: 'int8', rescore: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		await expect(open({ rescore: 10 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/rescore needs a compressed storage/) });
		await expect(open({ pool: 1.5 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});
});

describe('Fp32VectorStore', () => {
	const docs = [{ data: Float32Array.of(1, 2, 3, 4), rows: 2, dim: 2 }, { data: Float32Array.of(5, 6), rows: 1, dim: 2 }, { data: Float32Array.of(7, 8, 9, 10, 11, 12), rows: 3, dim: 2 }];
	const stores: [string, () => Fp32VectorStore][] = [
		['MemoryFp32Store', () => new MemoryFp32Store()],
		['NodeFileFp32Store', () => new NodeFileFp32Store()],
		['IndexedDbFp32Store (fake-indexeddb)', () => new IndexedDbFp32Store('latelab-fp32-test', new IDBFactory())]
	];
	for (const [name, make] of stores) {
		it(`${name}.get(rows) returns the documents put in order, in the asked order; out-of-order batches are BAD_ARGUMENT`, async () => {
			const store = make();
			await store.putBatch(0, docs.slice(0, 2));
			await store.putBatch(2, docs.slice(2));
			expect(store.bytes).toBe(48);
			const got = await store.get([2, 0]);
			expect(Array.from(got[0].data)).toEqual([7, 8, 9, 10, 11, 12]);
			expect(got[1]).toMatchObject({ rows: 2, dim: 2 });
			await expect(store.putBatch(7, docs)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
			await expect(store.get([9])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
			await store.dispose();
		});
	}

	it('NodeFileFp32Store.get(rows) reads adjacent, scattered, repeated and reversed rows (one buffer, runs of adjacent rows in one read) equal to what was put', async () => {
		const many = Array.from({ length: 40 }, (_, d) => ({ data: Float32Array.from({ length: ((d * 7) % 5) * 3 }, (_, i) => d * 1000 + i), rows: (d * 7) % 5, dim: 3 }));
		const store = new NodeFileFp32Store();
		await store.putBatch(0, many.slice(0, 25));
		await store.putBatch(25, many.slice(25));
		for (const rows of [[3, 4, 5, 6], [6, 5, 4, 3], [0, 39, 17, 17, 18, 2], [], [10]]) {
			const got = await store.get(rows);
			expect(got.map((m) => m.rows)).toEqual(rows.map((r) => many[r].rows));
			got.forEach((m, i) => expect(Array.from(m.data)).toEqual(Array.from(many[rows[i]].data)));
		}
		await expect(store.get([1.5])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		await store.dispose();
	});

	it('NodeFileFp32Store.readInto(rows, allocate) reads into the bytes it is given (distinct rows ascending, back to back); too few bytes or an unknown row is BAD_ARGUMENT', async () => {
		const docs = [2, 1, 3, 2].map((rows, d) => ({ data: Float32Array.from({ length: rows * 4 }, (_, i) => d * 100 + i), rows, dim: 4 }));
		const store = new NodeFileFp32Store();
		await store.putBatch(0, docs);
		const arena = new Uint8Array(1024);
		const asked: [number, number][] = [];
		const rows = [3, 0, 3, 1];
		const got = store.readInto(rows, (bytes, documents) => {
			asked.push([bytes, documents]);
			return arena.subarray(32, 32 + bytes);
		});
		// Distinct rows 0, 1, 3: (2 + 1 + 2) vectors of 4 floats.
		expect(asked).toEqual([[4 * 4 * 5, 3]]);
		got.forEach((m, i) => {
			expect(m.data.buffer).toBe(arena.buffer);
			expect(m.rows).toBe(docs[rows[i]].rows);
			expect(Array.from(m.data)).toEqual(Array.from(docs[rows[i]].data));
		});
		expect(got[1].data.byteOffset).toBe(32);
		expect(got[0].data.byteOffset).toBe(32 + 4 * 4 * 3);
		// A repeated row is one copy.
		expect(got[2].data.byteOffset).toBe(got[0].data.byteOffset);
		expect(() => store.readInto([2], () => new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => store.readInto([4], (b) => new Uint8Array(b))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		await store.dispose();
	});
});
