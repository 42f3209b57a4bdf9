import { describe, expect, it } from 'vitest';
import { costLine, costSummary, formatBytes, formatFactor, formatMs, fp32Bytes, median } from '../../../src/lib/engine/eval/cost';

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

	it('formatBytes(n) uses binary units with three significant digits', () => {
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(1536)).toBe('1.50 KiB');
		expect(formatBytes(5 * 2 ** 20)).toBe('5.00 MiB');
		expect(formatBytes(150 * 2 ** 20)).toBe('150 MiB');
		expect(formatBytes(NaN)).toBe('—');
	});

	it('formatFactor(f) and formatMs(ms) keep small ratios and times readable', () => {
		expect(formatFactor(1)).toBe('1×');
		expect(formatFactor(0.25)).toBe('0.25×');
		expect(formatFactor(1 / 32)).toBe('0.031×');
		expect(formatMs(4.26)).toBe('4.3 ms');
		expect(formatMs(1234.5)).toBe('1235 ms');
	});

	it('costLine(summary) lists format, bytes per document, index size with its factor, build and query time', () => {
		expect(costLine({ bytes: 120, bytesPerDocument: 60, factor: 0.03125, buildMs: 3, queryMs: 4, format: 'binary' }))
			.toBe('binary · 60 B/doc · index 120 B (0.031× fp32) · build 3.0 ms · query 4.0 ms');
		expect(costLine({ bytes: 2048, bytesPerDocument: 1024, factor: NaN, buildMs: 12, queryMs: NaN, format: 'fp32' }))
			.toBe('fp32 · 1.00 KiB/doc · index 2.00 KiB · build 12 ms · query —');
	});
});
