import { describe, expect, it } from 'vitest';
import { costSummary, fp32Bytes, median } from '../../../src/lib/engine/eval/cost';

describe('cost', () => {
	it('median(values) takes the middle value, or the mean of the middle two, ignoring non-finite values', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([1, 2, 3, 10])).toBe(2.5);
		expect(median([NaN, 5])).toBe(5);
		expect(median([])).toBeNaN();
	});

	it('costSummary(index, fp32, queryMs) divides by the fp32 bytes and takes the median query time', () => {
		const index = { documents: 2, vectors: 10, bytes: 120, bytesPerDocument: 60, format: 'binary', buildMs: 3 };
		expect(costSummary(index, fp32Bytes(10, 96), [2, 4, 9])).toEqual({ bytes: 120, bytesPerDocument: 60, factor: 120 / 3840, buildMs: 3, queryMs: 4, format: 'binary' });
		expect(costSummary(index, 0, []).factor).toBeNaN();
	});
});
