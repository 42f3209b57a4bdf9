import { describe, expect, it } from 'vitest';
import { fuseRuns, reciprocalRankFusion } from '../../../src/lib/engine/pipelines/fusion';
import type { Run } from '../../../src/lib/engine/eval/metrics';
import type { Hit } from '../../../src/lib/engine/types';
import { isLatelabError } from '../../../src/lib/engine/errors';

/** Hits best first from ids, with descending made-up scores. */
const hits = (...ids: string[]): Hit[] => ids.map((id, i) => ({ id, score: 100 - i, rank: i + 1 }));

describe('reciprocalRankFusion(rankings, options)', () => {
	it('reciprocalRankFusion() sums 1 / (60 + rank) over the rankings that contain a document', () => {
		const fused = reciprocalRankFusion([hits('x', 'y'), hits('y', 'z')]);
		expect(fused.map((h) => h.id)).toEqual(['y', 'x', 'z']);
		expect(fused[0].score).toBeCloseTo(1 / 62 + 1 / 61, 12);
		expect(fused[1].score).toBeCloseTo(1 / 61, 12);
		expect(fused[2].score).toBeCloseTo(1 / 62, 12);
		expect(fused.map((h) => h.rank)).toEqual([1, 2, 3]);
	});

	it('reciprocalRankFusion() reads positions, not scores: rescaling one list changes nothing', () => {
		const bm25 = [{ id: 'a', score: 30, rank: 1 }, { id: 'b', score: 2, rank: 2 }];
		const dense = [{ id: 'b', score: 0.9, rank: 1 }, { id: 'c', score: 0.1, rank: 2 }];
		const scaled = bm25.map((h) => ({ ...h, score: h.score * 1000 }));
		expect(reciprocalRankFusion([scaled, dense])).toEqual(reciprocalRankFusion([bm25, dense]));
	});

	it('reciprocalRankFusion() with k = 0 is sum of 1 / rank, and k changes which document wins', () => {
		// p is 1st in one list only; q is 2nd in both. k = 0: p 1, q 1/2 + 1/2 = 1 (tie, p has the better rank);
		// k = 60: p 1/61 < q 2/62.
		const a = hits('p', 'q');
		const b = hits('r', 'q', 's');
		const k0 = reciprocalRankFusion([a, b], { k: 0 });
		expect(k0[0]).toMatchObject({ id: 'p', score: 1 });
		expect(k0[1]).toMatchObject({ id: 'r', score: 1 });
		expect(k0[2].id).toBe('q');
		expect(k0[2].score).toBeCloseTo(1, 12);
		expect(reciprocalRankFusion([a, b])[0].id).toBe('q');
	});

	it('reciprocalRankFusion() honours depth and limit, and counts a repeated id once at its best position', () => {
		expect(reciprocalRankFusion([hits('a', 'b', 'c')], { depth: 2 }).map((h) => h.id)).toEqual(['a', 'b']);
		expect(reciprocalRankFusion([hits('a', 'b', 'c'), hits('c')], { limit: 1 }).map((h) => h.id)).toEqual(['c']);
		const repeated = reciprocalRankFusion([hits('a', 'a', 'b')]);
		expect(repeated.map((h) => h.id)).toEqual(['a', 'b']);
		expect(repeated[0].score).toBeCloseTo(1 / 61, 12);
		expect(repeated[1].score).toBeCloseTo(1 / 63, 12);
	});

	it('reciprocalRankFusion() of no rankings is empty; bad k, depth or limit is a BAD_ARGUMENT', () => {
		expect(reciprocalRankFusion([])).toEqual([]);
		for (const options of [{ k: -1 }, { k: NaN }, { depth: 0 }, { limit: 1.5 }]) {
			let caught: unknown;
			try {
				reciprocalRankFusion([hits('a')], options);
			} catch (e) {
				caught = e;
			}
			expect(isLatelabError(caught) && caught.code === 'BAD_ARGUMENT', JSON.stringify(options)).toBe(true);
		}
	});
});

describe('fuseRuns(runs, options)', () => {
	it('fuseRuns() fuses each query, ordering unsorted hits by score first, and keeps queries only one run has', () => {
		const a: Run = new Map([
			['q1', [{ id: 'y', score: 1, rank: 9 }, { id: 'x', score: 5, rank: 9 }]],
			['q2', hits('m')]
		]);
		const b: Run = new Map([['q1', hits('y', 'z')]]);
		const fused = fuseRuns([a, b]);
		expect(fused.get('q1')!.map((h) => h.id)).toEqual(['y', 'x', 'z']);
		expect(fused.get('q1')![0].score).toBeCloseTo(1 / 62 + 1 / 61, 12);
		expect(fused.get('q2')!.map((h) => h.id)).toEqual(['m']);
	});
});
