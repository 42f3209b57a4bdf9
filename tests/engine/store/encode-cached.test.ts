import { describe, expect, it } from 'vitest';
import type { LatelabError } from '../../../src/lib/engine/errors';
import { decodeDenseBatch, encodeDenseBatch } from '../../../src/lib/engine/index/serialize';
import { encodeCached, type CorpusEncodeProgress } from '../../../src/lib/engine/store/encode-cached';
import { MemoryStore, type StoreKey } from '../../../src/lib/engine/store/store';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const key: StoreKey = { modelId: 'toy', revision: 'main', dtype: 'fp32', corpus: 'c0ffee', kind: 'dense', batchSize: 3 };

/** Row i of the corpus is [i, i + 0.5]; counts encoded rows. */
function setup(store = new MemoryStore(), controller?: AbortController, stopAfter = Infinity) {
	const calls: [number, number][] = [];
	const warnings: LatelabError[] = [];
	const progress: CorpusEncodeProgress[] = [];
	let t = 0;
	const run = () =>
		encodeCached<TokenMatrix>({
			store,
			key,
			total: 10,
			signal: controller?.signal,
			now: () => (t += 50),
			async encode(start, end) {
				calls.push([start, end]);
				if (calls.length >= stopAfter) controller?.abort();
				const data = new Float32Array((end - start) * 2);
				for (let i = start; i < end; i++) data.set([i, i + 0.5], (i - start) * 2);
				return { data, rows: end - start, dim: 2 };
			},
			toBytes: (m, start) => encodeDenseBatch({ start, matrix: m }),
			fromBytes: (b, k) => {
				const d = decodeDenseBatch(b, k);
				return { batch: d.matrix, start: d.start, count: d.matrix.rows };
			},
			onWarning: (w) => warnings.push(w),
			onProgress: (p) => progress.push(p)
		});
	return { store, calls, warnings, progress, run };
}

const rowsOf = (batches: TokenMatrix[]) => batches.flatMap((m) => [...m.data].filter((_, i) => i % 2 === 0));

describe('encodeCached', () => {
	it('encodeCached(opts) encodes every batch once, then reads them all from the store', async () => {
		const s = setup();
		const first = await s.run();
		expect(s.calls).toEqual([[0, 3], [3, 6], [6, 9], [9, 10]]);
		expect(first.encoded).toBe(4);
		expect(rowsOf(first.batches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		const again = await s.run();
		expect(s.calls.length).toBe(4);
		expect(again.fromStore).toBe(4);
		expect(rowsOf(again.batches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('encodeCached(opts) stops with CANCELLED on abort and the next run resumes from the finished batches', async () => {
		const controller = new AbortController();
		const s = setup(new MemoryStore(), controller, 2);
		await expect(s.run()).rejects.toMatchObject({ code: 'CANCELLED' });
		expect(await s.store.listBatches(key)).toEqual([0, 1]);
		const resumed = setup(s.store);
		const result = await resumed.run();
		expect(resumed.calls).toEqual([[6, 9], [9, 10]]);
		expect(result.fromStore).toBe(2);
		expect(rowsOf(result.batches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('encodeCached(opts) reports a corrupt stored batch as CACHE_CORRUPT, never uses it, and rebuilds it', async () => {
		const s = setup();
		await s.run();
		const damaged = new Uint8Array((await s.store.readBatch(key, 1))!);
		damaged[damaged.length - 1] ^= 0xff;
		await s.store.writeBatch(key, 1, damaged.buffer);
		await s.store.writeBatch(key, 2, (await s.store.readBatch(key, 2))!.slice(0, 20));
		const again = setup(s.store);
		const result = await again.run();
		expect(again.warnings.map((w) => w.code)).toEqual(['CACHE_CORRUPT', 'CACHE_CORRUPT']);
		expect(again.calls).toEqual([[3, 6], [6, 9]]);
		expect(result.rebuilt).toBe(2);
		expect(rowsOf(result.batches)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect((await setup(s.store).run()).fromStore).toBe(4);
	});

	it('encodeCached(opts) rejects a stored batch that holds other documents than its slot', async () => {
		const s = setup();
		await s.run();
		await s.store.writeBatch(key, 0, (await s.store.readBatch(key, 1))!);
		const again = setup(s.store);
		await again.run();
		expect(again.warnings[0].code).toBe('CACHE_CORRUPT');
		expect(again.calls).toEqual([[0, 3]]);
	});

	it('encodeCached(opts) reports documents done, documents/s and an ETA', async () => {
		const s = setup();
		await s.run();
		expect(s.progress[0]).toMatchObject({ done: 0, total: 10, rate: 0 });
		// now() advances 50 ms per call, two calls per batch: 3 documents in 50 ms = 60 documents/s.
		expect(s.progress[1]).toMatchObject({ stage: 'encode-corpus', done: 3, total: 10 });
		expect(s.progress[1].rate).toBeCloseTo(60, 6);
		expect(s.progress[1].etaSeconds).toBeCloseTo(7 / 60, 6);
		expect(s.progress.at(-1)).toMatchObject({ done: 10, etaSeconds: 0 });
	});
});
