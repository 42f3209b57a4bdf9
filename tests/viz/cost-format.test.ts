import { describe, expect, it } from 'vitest';
import { centroidText, costLine, formatBytes, formatFactor, formatMs } from '../../src/lib/viz/cost-format';

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

	it('centroidText(c) and costLine(summary) say the centroids used, and ColBERTv2\'s count when capped or chosen', () => {
		expect(centroidText({ count: 1024, rule: 16384, capped: true })).toBe("1,024 centroids (ColBERTv2's rule: 16,384; capped so the index builds in this tab)");
		expect(centroidText({ count: 16384, rule: 16384, capped: false })).toBe('16,384 centroids');
		expect(centroidText({ count: 256, rule: 16384, capped: false })).toBe("256 centroids (ColBERTv2's rule: 16,384)");
		const line = costLine({ bytes: 120, bytesPerDocument: 60, factor: 0.5, buildMs: 3, queryMs: 4, format: 'residual-2bit', centroids: { count: 256, rule: 256, capped: false } });
		expect(line).toBe('residual-2bit · 60 B/doc · index 120 B (0.50× fp32) · 256 centroids · build 3.0 ms · query 4.0 ms');
	});

	it('costLine(summary) lists format, bytes per document, index size with its factor, build and query time', () => {
		expect(costLine({ bytes: 120, bytesPerDocument: 60, factor: 0.03125, buildMs: 3, queryMs: 4, format: 'binary' }))
			.toBe('binary · 60 B/doc · index 120 B (0.031× fp32) · build 3.0 ms · query 4.0 ms');
		expect(costLine({ bytes: 2048, bytesPerDocument: 1024, factor: NaN, buildMs: 12, queryMs: NaN, format: 'fp32' }))
			.toBe('fp32 · 1.00 KiB/doc · index 2.00 KiB · build 12 ms · query —');
	});
});
