import { describe, expect, it } from 'vitest';
import { compareRuns, mulberry32, pairedRandomizationTest, pairedTTest, winTieLoss } from '../../../src/lib/engine/eval/significance';
import type { Run } from '../../../src/lib/engine/eval/metrics';
import type { Hit, Qrels } from '../../../src/lib/engine/types';
import { isLatelabError } from '../../../src/lib/engine/errors';

/** Exact two-sided sign-flip p-value by enumerating all 2^n assignments. */
function exactSignFlipP(diffs: number[]): number {
	const observed = Math.abs(diffs.reduce((s, d) => s + d, 0));
	let count = 0;
	const total = 2 ** diffs.length;
	for (let mask = 0; mask < total; mask++) {
		let sum = 0;
		diffs.forEach((d, i) => (sum += mask & (1 << i) ? -d : d));
		if (Math.abs(sum) >= observed - 1e-12) count++;
	}
	return count / total;
}

describe('mulberry32', () => {
	it('mulberry32(seed) repeats its stream for one seed and differs across seeds', () => {
		const a = mulberry32(7);
		const b = mulberry32(7);
		const c = mulberry32(8);
		const sa = [a(), a(), a()];
		expect([b(), b(), b()]).toEqual(sa);
		expect([c(), c(), c()]).not.toEqual(sa);
		for (const v of sa) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
	});
});

describe('pairedRandomizationTest', () => {
	const a = [0.2, 0.5, 0.1, 0.9, 0.4, 0.3, 0.6, 0.2, 0.7, 0.5];
	const b = [0.3, 0.7, 0.1, 0.8, 0.6, 0.5, 0.6, 0.4, 0.9, 0.4];

	it('pairedRandomizationTest(a, b, { seed }) is deterministic for a seed', () => {
		const p1 = pairedRandomizationTest(a, b, { seed: 123 });
		expect(pairedRandomizationTest(a, b, { seed: 123 })).toBe(p1);
		expect(pairedRandomizationTest(a, b, { seed: 124 })).not.toBe(p1);
	});

	it('pairedRandomizationTest(a, b) approximates the exact sign-flip p-value', () => {
		const exact = exactSignFlipP(b.map((x, i) => x - a[i]));
		expect(exact).toBeGreaterThan(0.02);
		expect(exact).toBeLessThan(0.2);
		expect(Math.abs(pairedRandomizationTest(a, b) - exact)).toBeLessThan(0.015);
	});

	it('pairedRandomizationTest(a, b) gives 1 for identical scores and (0 + 1) / (n + 1) for a one-sided blowout', () => {
		expect(pairedRandomizationTest(a, a)).toBe(1);
		const zeros = new Array(30).fill(0);
		const ones = new Array(30).fill(1);
		expect(pairedRandomizationTest(zeros, ones, { permutations: 999 })).toBe(1 / 1000);
	});

	it('pairedRandomizationTest(a, b) rejects unpaired input and a bad permutation count', () => {
		for (const fn of [() => pairedRandomizationTest([1], [1, 2]), () => pairedRandomizationTest(a, b, { permutations: 0 })]) {
			let code: string | undefined;
			try {
				fn();
			} catch (e) {
				code = isLatelabError(e) ? e.code : 'other';
			}
			expect(code).toBe('BAD_ARGUMENT');
		}
	});
});

describe('pairedTTest', () => {
	it('pairedTTest(a, b) computes t on the differences and a two-sided p', () => {
		// Differences 1, 2, 3: mean 2, sd 1, t = 2 / (1 / sqrt 3), df 2, p = 1 - t / sqrt(t^2 + 2).
		const r = pairedTTest([0, 0, 0], [1, 2, 3]);
		expect(r.t).toBeCloseTo(2 * Math.sqrt(3), 12);
		expect(r.df).toBe(2);
		expect(r.p).toBeCloseTo(1 - r.t / Math.sqrt(r.t ** 2 + 2), 12);
		expect(pairedTTest([1, 2, 3], [0, 0, 0]).t).toBeCloseTo(-2 * Math.sqrt(3), 12);
	});

	it('pairedTTest(a, b) handles no variance and too few pairs', () => {
		expect(pairedTTest([1, 2], [1, 2])).toEqual({ t: 0, df: 1, p: 1 });
		expect(pairedTTest([1, 2], [2, 3])).toEqual({ t: Infinity, df: 1, p: 0 });
		expect(pairedTTest([1], [2]).p).toBeNaN();
	});
});

describe('winTieLoss', () => {
	it('winTieLoss(a, b, tolerance) counts from b\'s side and treats small differences as ties', () => {
		expect(winTieLoss([0.5, 0.5, 0.5], [0.7, 0.5, 0.2])).toEqual({ wins: 1, ties: 1, losses: 1 });
		expect(winTieLoss([0.5, 0.5], [0.505, 0.495], 0.01)).toEqual({ wins: 0, ties: 2, losses: 0 });
	});
});

describe('compareRuns', () => {
	const qrels: Qrels = new Map([
		['q1', new Map([['d1', 1]])],
		['q2', new Map([['d2', 1]])],
		['q3', new Map([['d3', 1]])],
		['q4', new Map([['dx', 0]])]
	]);
	const hit = (id: string, score: number): Hit => ({ id, score, rank: 0 });
	const runA: Run = new Map([
		['q1', [hit('d1', 2), hit('z', 1)]],
		['q2', [hit('z', 2), hit('d2', 1)]],
		['q3', [hit('z', 2), hit('d3', 1)]]
	]);
	const runB: Run = new Map([
		['q1', [hit('d1', 2)]],
		['q2', [hit('d2', 2), hit('z', 1)]]
	]);

	it('compareRuns(a, b, qrels) reports means, B - A deltas, win/tie/loss and per-query deltas', () => {
		const cmp = compareRuns(runA, runB, qrels, { metrics: ['mrr@10'], permutations: 500 });
		const m = cmp.byMetric['mrr@10'];
		expect(cmp.judgedQueries).toBe(3);
		expect(m.meanA).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
		expect(m.meanB).toBeCloseTo((1 + 1 + 0) / 3, 12);
		expect(m.delta).toBeCloseTo(0, 12);
		expect({ wins: m.wins, ties: m.ties, losses: m.losses }).toEqual({ wins: 1, ties: 1, losses: 1 });
		expect(cmp.perQueryDelta).toEqual({ q1: { 'mrr@10': 0 }, q2: { 'mrr@10': 0.5 }, q3: { 'mrr@10': -0.5 } });
		expect(m.pTTest).toBeCloseTo(1, 12);
		expect(m.pRandomization).toBe(1);
		expect(cmp.settings).toEqual({ permutations: 500, seed: 42, tieTolerance: 1e-9 });
	});
});
