import { describe, expect, it } from 'vitest';
import { inBatches } from '../../../src/lib/engine/encoders/batching';

describe('inBatches', () => {
	it('inBatches(items, { batchSize }, work, sizeOf) batches longest first and returns results in input order', async () => {
		const seen: string[][] = [];
		const items = ['aa', 'b', 'dddd', 'ccc', 'e'];
		const out = await inBatches(items, { batchSize: 2 }, async (batch) => {
			seen.push(batch);
			return batch.map((s) => s.toUpperCase());
		}, (s) => s.length);
		expect(seen).toEqual([['dddd', 'ccc'], ['aa', 'b'], ['e']]);
		expect(out).toEqual(['AA', 'B', 'DDDD', 'CCC', 'E']);
	});

	it('inBatches(items, options, work) without sizeOf keeps consecutive batches and reports progress', async () => {
		const progress: string[] = [];
		const seen: number[][] = [];
		await inBatches([1, 2, 3], { batchSize: 2, onProgress: (p) => progress.push(`${p.done}/${p.total}`) }, async (b) => (seen.push(b), b));
		expect(seen).toEqual([[1, 2], [3]]);
		expect(progress).toEqual(['2/3', '3/3']);
	});

	it('inBatches(items, { signal }) stops before the next batch with CANCELLED, keeping finished work', async () => {
		const controller = new AbortController();
		const done: number[] = [];
		const run = inBatches([1, 2, 3, 4], { batchSize: 2, signal: controller.signal }, async (b) => {
			done.push(...b);
			controller.abort();
			return b;
		});
		await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
		expect(done).toEqual([1, 2]);
	});
});
