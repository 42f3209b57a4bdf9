import { describe, expect, it } from 'vitest';
import { jaccardAtK, rbo, runOverlap } from '../../../src/lib/engine/eval/overlap';
import type { Run } from '../../../src/lib/engine/eval/metrics';

describe('jaccardAtK', () => {
	it('jaccardAtK(a, b, k) divides the shared top-k ids by their union', () => {
		expect(jaccardAtK(['a', 'b', 'c'], ['b', 'c', 'd'], 3)).toBeCloseTo(0.5, 12);
		expect(jaccardAtK(['a', 'b', 'c'], ['b', 'c', 'd'], 1)).toBe(0);
		expect(jaccardAtK(['a', 'b'], ['a', 'b'], 10)).toBe(1);
		expect(jaccardAtK([], [], 10)).toBe(1);
		expect(jaccardAtK(['a'], [], 10)).toBe(0);
	});
});

describe('rbo', () => {
	it('rbo(a, b) is 1 for identical lists and 0 for disjoint ones', () => {
		const list = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
		expect(rbo(list, [...list])).toBeCloseTo(1, 12);
		expect(rbo(list, list.map((x) => x + '2'))).toBe(0);
		expect(rbo([], [])).toBe(1);
		expect(rbo(['a'], [])).toBe(0);
	});

	it('rbo(a, b, p) matches a hand computation for equal lengths', () => {
		// X_1 = 1, X_2 = 1, X_3 = 2 => (1-p)/p * (1*p + 1/2 p^2 + 2/3 p^3) + 2/3 p^3
		const p = 0.9;
		const expected = ((1 - p) / p) * (p + 0.5 * p ** 2 + (2 / 3) * p ** 3) + (2 / 3) * p ** 3;
		expect(rbo(['a', 'b', 'c'], ['a', 'c', 'd'], p)).toBeCloseTo(expected, 12);
		expect(rbo(['a', 'b'], ['b', 'a'], p)).toBeCloseTo(0.9, 12);
	});

	it('rbo(a, b, p) extrapolates uneven lists (eq. 32) and is symmetric', () => {
		// s = 1 (S = [x]), l = 3 (L = [y, x, z]): X_1 = 0, X_2 = 1, X_3 = 1, X_s = 0.
		const p = 0.8;
		const expected = ((1 - p) / p) * (0 + (1 / 2) * p ** 2 + (1 / 3) * p ** 3) + ((1 - 0) / 3 + 0) * p ** 3;
		expect(rbo(['x'], ['y', 'x', 'z'], p)).toBeCloseTo(expected, 12);
		expect(rbo(['y', 'x', 'z'], ['x'], p)).toBeCloseTo(expected, 12);
		// A prefix agrees with everything it has seen: the extrapolation gives 1.
		expect(rbo(['a', 'b'], ['a', 'b', 'c', 'd'], p)).toBeCloseTo(1, 12);
	});

	it('rbo(a, b, p) rejects p outside (0, 1)', () => {
		expect(() => rbo(['a'], ['a'], 1)).toThrow(/persistence/);
	});
});

describe('runOverlap', () => {
	it('runOverlap(a, b, k) averages over queries both runs hold', () => {
		const h = (...ids: string[]) => ids.map((id, i) => ({ id, score: 10 - i, rank: i + 1 }));
		const a: Run = new Map([['q1', h('a', 'b')], ['q2', h('c', 'd')], ['q3', h('e')]]);
		const b: Run = new Map([['q1', h('a', 'b')], ['q2', h('x', 'y')]]);
		const out = runOverlap(a, b, 2);
		expect(out).toEqual({ queries: 2, jaccard: 0.5, rbo: expect.closeTo(0.5, 12), k: 2, p: 0.9 });
	});
});
