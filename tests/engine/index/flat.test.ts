import { describe, expect, it } from 'vitest';
import { FlatIndex, denseMetric } from '../../../src/lib/engine/index/flat';

const matrix = { data: Float32Array.of(1, 0, 0.6, 0.8, 0, 2), rows: 3, dim: 2 };

describe('FlatIndex', () => {
	it('index.score(q) with dot gives q . d for every row', () => {
		const s = new FlatIndex(matrix, 'dot').score(Float32Array.of(0, 1));
		expect([...s].map((x) => +x.toFixed(6))).toEqual([0, 0.8, 2]);
	});

	it('index.score(q) with cosine divides by both norms', () => {
		const s = new FlatIndex(matrix, 'cosine').score(Float32Array.of(0, 3));
		expect(s[0]).toBeCloseTo(0, 6);
		expect(s[1]).toBeCloseTo(0.8, 6);
		expect(s[2]).toBeCloseTo(1, 6);
	});

	it('index.score(q) with l2 is the negated Euclidean distance', () => {
		const s = new FlatIndex(matrix, 'l2').score(Float32Array.of(1, 1));
		expect(s[0]).toBeCloseTo(-1, 6);
		expect(s[1]).toBeCloseTo(-Math.hypot(0.4, 0.2), 6);
		expect(s[2]).toBeCloseTo(-Math.hypot(1, 1), 6);
	});

	it('index.search(q, k, subset) ranks only the subset, best first, with row indices', () => {
		const index = new FlatIndex(matrix, 'dot');
		expect(index.search(Float32Array.of(1, 0), 2)).toEqual([
			{ index: 0, score: 1 },
			{ index: 1, score: expect.closeTo(0.6, 6) }
		]);
		expect(index.search(Float32Array.of(0, 1), 5, [0, 1]).map((h) => h.index)).toEqual([1, 0]);
	});

	it('index.score(q) rejects a query of another width with DIM_MISMATCH', () => {
		expect(() => new FlatIndex(matrix).score(Float32Array.of(1, 0, 0))).toThrow(expect.objectContaining({ code: 'DIM_MISMATCH' }));
	});

	it('denseMetric(name) rejects unknown metrics with UNKNOWN_OPTION', () => {
		expect(denseMetric(undefined)).toBe('cosine');
		expect(() => denseMetric('manhattan')).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
	});
});
