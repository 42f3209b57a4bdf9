/**
 * Runs `work` over `items` in batches, reporting `{done, total}` after each and stopping with
 * CANCELLED when `signal` aborts (checked before every batch, so a finished batch is never lost).
 * With `sizeOf`, items are batched longest first so each batch pads to similar lengths (less
 * wasted compute on padding); results always come back in input order.
 *
 * @example
 * await inBatches(['a', 'bbb', 'cc'], { batchSize: 2 }, async (batch) => batch.map((s) => s.length), (s) => s.length) // [1, 3, 2]
 */
import { createError } from '../errors';
import type { EncodeOptions } from './encoder';

export const DEFAULT_BATCH_SIZE = 16;

export async function inBatches<T, R>(items: T[], options: EncodeOptions = {}, work: (batch: T[]) => Promise<R[]>, sizeOf?: (item: T) => number): Promise<R[]> {
	const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
	const order = items.map((_, i) => i);
	if (sizeOf) {
		const sizes = items.map(sizeOf);
		order.sort((a, b) => sizes[b] - sizes[a] || a - b);
	}
	const out = new Array<R>(items.length);
	for (let start = 0; start < items.length; start += size) {
		if (options.signal?.aborted) throw createError('CANCELLED', { detail: ` after ${start} of ${items.length} texts` });
		const indices = order.slice(start, start + size);
		const results = await work(indices.map((i) => items[i]));
		indices.forEach((i, k) => (out[i] = results[k]));
		options.onProgress?.({ done: Math.min(start + size, items.length), total: items.length });
	}
	return out;
}
