import { describe, expect, it } from 'vitest';
import { rankingDrift, runDrift } from '../../../src/lib/engine/eval/drift';
import type { Run } from '../../../src/lib/engine/eval/metrics';
import type { Hit } from '../../../src/lib/engine/types';

const hits = (pairs: [string, number][]): Hit[] => pairs.map(([id, score], i) => ({ id, score, rank: i + 1 }));

describe('rankingDrift', () => {
	it('rankingDrift(hits, exact, k) matches the TSDoc example by hand', () => {
		const d = rankingDrift(hits([['a', 0.9], ['c', 0.5]]), hits([['a', 1], ['b', 0.7], ['c', 0.6]]), 2);
		expect(d.common).toBe(1);
		expect(d.depth).toBe(2);
		expect(d.overlap).toBeCloseTo(0.5, 12);
		expect(d.entered).toEqual([{ id: 'c', rank: 2, exactRank: 3 }]);
		expect(d.left).toEqual([{ id: 'b', rank: undefined, exactRank: 2 }]);
		expect(d.compared).toBe(2);
		expect(d.meanDrift).toBeCloseTo(0.1, 6);
		expect(d.maxDrift).toBeCloseTo(0.1, 6);
	});

	it('rankingDrift(exact, exact) has overlap 1, nothing entered or left, zero drift', () => {
		const exact = hits(Array.from({ length: 15 }, (_, i) => [`d${i}`, 1 - i / 20] as [string, number]));
		const d = rankingDrift(exact, exact, 10);
		expect(d).toMatchObject({ common: 10, overlap: 1, entered: [], left: [], compared: 10, meanDrift: 0, maxDrift: 0 });
	});

	it('rankingDrift(hits, exact) orders both lists by score, not by the rank field, and ties by id descending', () => {
		// rank fields lie; trec_eval order of `hits` is b (0.9), then a and c tied at 0.5 -> c before a.
		const approx: Hit[] = [{ id: 'a', score: 0.5, rank: 1 }, { id: 'b', score: 0.9, rank: 2 }, { id: 'c', score: 0.5, rank: 3 }];
		const d = rankingDrift(approx, hits([['b', 1], ['a', 0.8], ['c', 0.1]]), 2);
		expect(d.entered).toEqual([{ id: 'c', rank: 2, exactRank: 3 }]);
		expect(d.left).toEqual([{ id: 'a', rank: 3, exactRank: 2 }]);
		// union {b, c, a}, all scored by both: |0.9-1|, |0.5-0.1|, |0.5-0.8|
		expect(d.compared).toBe(3);
		expect(d.meanDrift).toBeCloseTo((0.1 + 0.4 + 0.3) / 3, 6);
		expect(d.maxDrift).toBeCloseTo(0.4, 6);
	});

	it('rankingDrift(hits, exact) divides the overlap by the exact list length when it is shorter than k', () => {
		const d = rankingDrift(hits([['a', 1], ['x', 0.5], ['y', 0.4]]), hits([['a', 1], ['b', 0.5]]), 10);
		expect(d.common).toBe(1);
		expect(d.overlap).toBeCloseTo(0.5, 12);
		expect(d.entered.map((e) => e.id)).toEqual(['x', 'y']);
	});

	it('rankingDrift(hits, exact) reports NaN drift when no document was scored by both', () => {
		const d = rankingDrift(hits([['x', 1]]), hits([['a', 1]]), 10);
		expect(d.compared).toBe(0);
		expect(d.meanDrift).toBeNaN();
		expect(d.maxDrift).toBeNaN();
		expect(rankingDrift([], [], 10).overlap).toBe(1);
	});

	it('rankingDrift(hits, exact, 0) throws BAD_ARGUMENT, and a NaN score NOT_FINITE', () => {
		expect(() => rankingDrift([], [], 0)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => rankingDrift(hits([['a', NaN]]), [], 10)).toThrow(expect.objectContaining({ code: 'NOT_FINITE' }));
	});
});

describe('runDrift', () => {
	it('runDrift(run, exact, k) averages overlap and mean drift over shared queries and keeps the largest drift', () => {
		const exact: Run = new Map([
			['q1', hits([['a', 1], ['b', 0.5]])],
			['q2', hits([['c', 1], ['d', 0.5]])],
			['q3', hits([['e', 1]])]
		]);
		const run: Run = new Map([
			['q1', hits([['a', 0.8], ['b', 0.5]])], // overlap 1, drifts 0.2 and 0 -> mean 0.1
			['q2', hits([['x', 1], ['d', 0.1]])], // overlap 0.5, compared d only: 0.4
			['q9', hits([['z', 1]])] // not in exact: ignored
		]);
		const d = runDrift(run, exact, 2);
		expect(d.queries).toBe(2);
		expect(d.overlap).toBeCloseTo(0.75, 12);
		expect(d.meanDrift).toBeCloseTo((0.1 + 0.4) / 2, 6);
		expect(d.maxDrift).toBeCloseTo(0.4, 6);
	});

	it('runDrift(run, exact) of disjoint query sets is NaN, with 0 queries', () => {
		const d = runDrift(new Map([['q1', hits([['a', 1]])]]), new Map([['q2', hits([['a', 1]])]]), 10);
		expect(d.queries).toBe(0);
		expect(d.overlap).toBeNaN();
		expect(d.maxDrift).toBeNaN();
	});
});
