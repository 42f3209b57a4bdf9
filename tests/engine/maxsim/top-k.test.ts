import { describe, expect, it } from 'vitest';
import { topKOf } from '../../../src/lib/engine/maxsim/top-k';
import { uniformRandom } from '../../../src/lib/engine/random';

/** The definition: sort every position by score (best first), ties by lower document index. */
function bySorting(scores: ArrayLike<number>, k: number, indices?: ArrayLike<number>) {
	const index = (i: number) => (indices ? indices[i] : i);
	const order = Array.from({ length: scores.length }, (_, i) => i);
	order.sort((a, b) => scores[b] - scores[a] || index(a) - index(b));
	return order.slice(0, Math.max(0, k)).map((i) => ({ index: index(i), score: scores[i] }));
}

describe('topKOf(scores, k, indices?)', () => {
	it('topKOf(scores, k) equals sorting every score, with many ties, for k from 0 to past n', () => {
		const random = uniformRandom(3);
		for (const n of [0, 1, 2, 7, 100, 1000]) {
			// Scores on a coarse grid (like binary storage's rows - 2H/dim): most of them tie.
			const scores = Float32Array.from({ length: n }, () => Math.floor(random() * 12) / 4);
			for (const k of [0, 1, 3, 10, 100, n, n + 5]) expect(topKOf(scores, k)).toEqual(bySorting(scores, k));
		}
	});

	it('topKOf(scores, k, indices) breaks ties by the lower document index, not the position', () => {
		const random = uniformRandom(5);
		const n = 500;
		const scores = Float32Array.from({ length: n }, () => Math.floor(random() * 6));
		const indices = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
		for (const k of [1, 10, 64, 499]) expect(topKOf(scores, k, indices)).toEqual(bySorting(scores, k, indices));
		expect(topKOf(Float32Array.of(1, 1), 1, [9, 4])).toEqual([{ index: 4, score: 1 }]);
	});

	it('topKOf(scores, k) on the hand example', () => {
		expect(topKOf(Float32Array.of(0.5, 2, 2, 1), 2)).toEqual([{ index: 1, score: 2 }, { index: 2, score: 2 }]);
	});
});
