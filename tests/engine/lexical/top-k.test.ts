import { describe, expect, it } from 'vitest';
import { topK } from '../../../src/lib/engine/lexical';

describe('topK(scores, candidates, count, k)', () => {
	it('topK(scores, candidates, count, k) keeps the best k, ties by lower position', () => {
		expect(Array.from(topK(Float32Array.of(0.5, 2, 2, 1), Uint32Array.of(0, 1, 2, 3), 4, 2))).toEqual([1, 2]);
		expect(Array.from(topK(Float32Array.of(0.5, 2, 2, 1), Uint32Array.of(3, 2, 1, 0), 4, 3))).toEqual([1, 2, 3]);
	});

	it('topK(scores, candidates, count, k) only looks at the first count candidates and caps k', () => {
		expect(Array.from(topK(Float32Array.of(1, 9, 3), Uint32Array.of(0, 2, 1), 2, 10))).toEqual([2, 0]);
		expect(topK(Float32Array.of(1), Uint32Array.of(0), 1, 0)).toHaveLength(0);
	});

	it('topK(scores, candidates, count, k) equals a full sort on random scores with many ties', () => {
		let seed = 11;
		const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		for (let trial = 0; trial < 50; trial++) {
			const n = 1 + Math.floor(rand() * 200);
			const scores = Float32Array.from({ length: n }, () => Math.floor(rand() * 10));
			const candidates = Uint32Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
			const k = 1 + Math.floor(rand() * 30);
			const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
			expect(Array.from(topK(scores, candidates, n, k))).toEqual(expected);
		}
	});
});
