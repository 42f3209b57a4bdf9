import { describe, expect, it } from 'vitest';
import { condensedCosineDistances, poolFactorOf, poolHierarchical } from '../../../src/lib/engine/compress/pool-hierarchical';
import { condensedIndex, fclusterMaxclust, wardLinkage } from '../../../src/lib/engine/compress/ward-linkage';
import { randomUnitRows, uniformRandom } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const close = (a: number, b: number, tol = 1e-6) => expect(Math.abs(a - b)).toBeLessThan(tol);

function expectLinkage(actual: number[][], expected: number[][]): void {
	expect(actual).toHaveLength(expected.length);
	actual.forEach((row, i) => {
		expect([row[0], row[1], row[3]]).toEqual([expected[i][0], expected[i][1], expected[i][3]]);
		close(row[2], expected[i][2]);
	});
}

/** The textbook O(n^3) agglomeration (closest pair each step, Ward's Lance-Williams update): an independent reference for merge heights. */
function naiveWardHeights(condensed: ArrayLike<number>, n: number): number[] {
	const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : condensed[condensedIndex(n, i, j)])));
	const size = new Array(n).fill(1);
	const alive = new Array(n).fill(true);
	const heights: number[] = [];
	for (let step = 0; step < n - 1; step++) {
		let best = Infinity;
		let x = -1;
		let y = -1;
		for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (alive[i] && alive[j] && d[i][j] < best) [best, x, y] = [d[i][j], i, j];
		heights.push(best);
		for (let i = 0; i < n; i++) {
			if (!alive[i] || i === x || i === y) continue;
			const t = size[x] + size[y] + size[i];
			d[i][y] = d[y][i] = Math.sqrt(((size[i] + size[x]) * d[i][x] ** 2 + (size[i] + size[y]) * d[i][y] ** 2 - size[i] * best ** 2) / t);
		}
		size[y] += size[x];
		alive[x] = false;
	}
	return heights.sort((a, b) => a - b);
}

describe('wardLinkage', () => {
	it('wardLinkage(d, 3) on points 0, 1, 3 of a line merges {0,1} at 1, then {0,1}+2 at sqrt(25/3)', () => {
		// d01 = 1, d02 = 3, d12 = 2. Merge 0,1 at 1; Lance-Williams (Ward, sizes 1,1,1):
		// d(2,{01}) = sqrt((2·3² + 2·2² - 1·1²) / 3) = sqrt(25/3) = 2.886751.
		expectLinkage(wardLinkage(Float64Array.of(1, 3, 2), 3), [
			[0, 1, 1, 2],
			[2, 3, Math.sqrt(25 / 3), 3]
		]);
	});

	it('wardLinkage(d, 4) follows scipy on non-Euclidean distances (sizes 2 and 2 in the last update)', () => {
		// d01 = 1, d02 = 4, d03 = 5, d12 = 3, d13 = 4.5, d23 = 2 (not a Euclidean configuration).
		// 1) merge 0,1 at 1. d(2,{01}) = sqrt((2·16 + 2·9 - 1)/3) = sqrt(49/3); d(3,{01}) = sqrt((2·25 + 2·20.25 - 1)/3) = sqrt(89.5/3).
		// 2) the chain from {01} reaches 2, then 3 (d23 = 2 < sqrt(49/3)); 2,3 are mutual: merge at 2.
		// 3) d({01},{23}) = sqrt((3·49/3 + 3·89.5/3 - 2·2²)/4) = sqrt(130.5/4) = 5.711830.
		const z = wardLinkage(Float64Array.of(1, 4, 5, 3, 4.5, 2), 4);
		expectLinkage(z, [
			[0, 1, 1, 2],
			[2, 3, 2, 2],
			[4, 5, Math.sqrt(130.5 / 4), 4]
		]);
		expect(Array.from(fclusterMaxclust(z, 4, 2))).toEqual([1, 1, 2, 2]);
		// 3 clusters: the cut at height 1 keeps {0,1} and leaves 2 and 3 alone (scipy's label order: depth-first, left first).
		expect(Array.from(fclusterMaxclust(z, 4, 3))).toEqual([1, 1, 2, 3]);
		expect(Array.from(fclusterMaxclust(z, 4, 4))).toEqual([1, 2, 3, 4]);
	});

	it('wardLinkage(d, 4) with all distances equal merges at 1 three times, and maxclust 2 gives one cluster (ties, as scipy)', () => {
		// Every Ward update of equal distances gives 1 again: sqrt((2 + 2 - 1)/3) = 1, sqrt((3 + 2 - 1)/4) = 1.
		const z = wardLinkage(new Float64Array(6).fill(1), 4);
		expectLinkage(z, [
			[0, 1, 1, 2],
			[2, 4, 1, 3],
			[3, 5, 1, 4]
		]);
		expect(Array.from(fclusterMaxclust(z, 4, 2))).toEqual([1, 1, 1, 1]);
	});

	it('wardLinkage(d, n) has the merge heights of the naive closest-pair algorithm on random distances', () => {
		const random = uniformRandom(5);
		for (const n of [5, 9, 17, 30]) {
			const d = Float64Array.from({ length: (n * (n - 1)) / 2 }, () => 0.2 + random());
			const heights = wardLinkage(d, n).map((r) => r[2]);
			naiveWardHeights(d, n).forEach((h, i) => close(heights[i], h, 1e-9));
		}
	});
});

describe('poolHierarchical', () => {
	const doc: TokenMatrix = { data: Float32Array.of(0, 1, 1, 0, 0.96, 0.28, 0, 1, 0.28, 0.96), rows: 5, dim: 2 };

	it('poolHierarchical(doc, 2) keeps the first vector and averages the two pairs (unnormalised means)', () => {
		const { matrix, groups } = poolHierarchical(doc, 2);
		expect(groups).toEqual([[0], [1, 2], [3, 4]]);
		expect(matrix.rows).toBe(3);
		[0, 1, 0.98, 0.14, 0.14, 0.98].forEach((v, i) => close(matrix.data[i], v));
		// Not renormalised: |(0.98, 0.14)| = 0.98995.
		close(Math.hypot(matrix.data[2], matrix.data[3]), 0.98995, 1e-5);
	});

	it('poolHierarchical(doc, 4) puts the four pooled vectors into one mean', () => {
		const { matrix, groups } = poolHierarchical(doc, 4);
		expect(groups).toEqual([[0], [1, 2, 3, 4]]);
		[0, 1, 0.56, 0.56].forEach((v, i) => close(matrix.data[i], v));
	});

	it('poolHierarchical(doc, 1) and documents of 1 or 2 vectors are returned unchanged', () => {
		expect(poolHierarchical(doc, 1).matrix).toBe(doc);
		const one = { data: Float32Array.of(1, 0), rows: 1, dim: 2 };
		const two = { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 };
		expect(poolHierarchical(one, 2).matrix).toBe(one);
		// n = 1 pooled vector: k = max(1 // 2, 1) = 1 >= n, nothing to reduce.
		expect(poolHierarchical(two, 2).matrix).toBe(two);
	});

	it('poolHierarchical(doc of [CLS] + 2 vectors, 2) merges the two into their mean', () => {
		const three = { data: Float32Array.of(1, 0, 0.6, 0.8, 0.8, 0.6), rows: 3, dim: 2 };
		const { matrix } = poolHierarchical(three, 2);
		expect(matrix.rows).toBe(2);
		[1, 0, 0.7, 0.7].forEach((v, i) => close(matrix.data[i], v));
	});

	it('poolHierarchical(doc, 2) halves the pooled vectors of random documents (1 + floor(n / 2) rows) and each row is its group mean', () => {
		for (const [rows, seed] of [[41, 1], [120, 2], [77, 3]]) {
			const d = randomUnitRows(rows, 16, seed);
			const { matrix, groups } = poolHierarchical(d, 2);
			expect(matrix.rows).toBe(1 + Math.floor((rows - 1) / 2));
			expect(groups.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
			const g = groups[1];
			for (let k = 0; k < 16; k++) close(matrix.data[16 + k], g.reduce((s, r) => s + d.data[r * 16 + k], 0) / g.length, 1e-6);
		}
		expect(poolHierarchical(randomUnitRows(121, 8, 4), 3).matrix.rows).toBe(1 + 40);
	});

	it('condensedCosineDistances(doc) skips the protected row and gives 1 - cos rounded to float32', () => {
		const d = condensedCosineDistances(doc);
		expect(d).toHaveLength(6);
		close(d[0], 1 - 0.96);
		close(d[2], 1 - 0.28);
		expect(d[0]).toBe(Math.fround(d[0]));
	});

	it('poolFactorOf(x) accepts integers >= 1 and rejects others with BAD_ARGUMENT', () => {
		expect(poolFactorOf(undefined)).toBe(1);
		expect(poolFactorOf(3)).toBe(3);
		for (const bad of [0, 1.5, -2, '2']) expect(() => poolFactorOf(bad)).toThrowError(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
	});
});
