/**
 * Runs `work` over `items` in consecutive batches, reporting `{done, total}` after each and stopping
 * with CANCELLED when `signal` aborts (checked before every batch, so a finished batch is never lost).
 *
 * @example
 * await inBatches(['a', 'b', 'c'], { batchSize: 2 }, async (batch) => batch.map((s) => s.length)) // [1, 1, 1]
 */
import { createError } from '../errors';
import type { EncodeOptions } from './encoder';

export const DEFAULT_BATCH_SIZE = 16;

export async function inBatches<T, R>(items: T[], options: EncodeOptions = {}, work: (batch: T[]) => Promise<R[]>): Promise<R[]> {
	const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
	const out: R[] = [];
	for (let start = 0; start < items.length; start += size) {
		if (options.signal?.aborted) throw createError('CANCELLED', { detail: ` after ${start} of ${items.length} texts` });
		out.push(...(await work(items.slice(start, start + size))));
		options.onProgress?.({ done: Math.min(start + size, items.length), total: items.length });
	}
	return out;
}
