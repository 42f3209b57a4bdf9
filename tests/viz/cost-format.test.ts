import { describe, expect, it } from 'vitest';
import { costLine, formatBytes, formatFactor, formatMs } from '../../src/lib/viz/cost-format';

describe('cost-format', () => {
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
