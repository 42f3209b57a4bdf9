import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultCentroidCount, gatherRows, nearestCentroids, nearestCentroidsJs, prepareNearestCentroids, sampleIndices, trainKMeans } from '../../../src/lib/engine/compress/kmeans';
import { nearestKernelModule } from '../../../src/lib/engine/compress/nearest-centroids-wasm';
import { uniformRandom } from '../../../src/lib/engine/random';
import { randomMatrix } from '../../support/random-matrix';
import type { TokenMatrix } from '../../../src/lib/engine/types';

function bruteNearest(x: TokenMatrix, c: TokenMatrix, bias?: Float32Array): number[] {
	const out: number[] = [];
	for (let i = 0; i < x.rows; i++) {
		let best = -Infinity;
		let id = -1;
		for (let j = 0; j < c.rows; j++) {
			let s = 0;
			for (let d = 0; d < x.dim; d++) s += x.data[i * x.dim + d] * c.data[j * c.dim + d];
			s -= bias ? bias[j] : 0;
			if (s > best) {
				best = s;
				id = j;
			}
		}
		out.push(id);
	}
	return out;
}

describe('kmeans', () => {
	it('defaultCentroidCount(n) is ColBERTv2s 2^floor(log2(16 sqrt(n)))', () => {
		expect(defaultCentroidCount(1_000_000)).toBe(8192); // 16,000 -> 2^13
		expect(defaultCentroidCount(100_000)).toBe(4096); // 5,060 -> 2^12
		expect(defaultCentroidCount(1)).toBe(16);
		expect(defaultCentroidCount(0)).toBe(1);
	});

	it('nearestCentroids(x, c) equals a brute-force argmax for every row, block remainders included', () => {
		for (const [n, k, dim] of [[13, 7, 5], [8, 4, 3], [1, 1, 2], [30, 17, 96]]) {
			const x = randomMatrix(n, dim, n * 31 + k);
			const c = randomMatrix(k, dim, k * 17 + dim);
			const { ids, scores } = nearestCentroids(x, c);
			expect([...ids]).toEqual(bruteNearest(x, c));
			for (let i = 0; i < n; i++) {
				let s = 0;
				for (let d = 0; d < dim; d++) s += x.data[i * dim + d] * c.data[ids[i] * dim + d];
				expect(scores[i]).toBeCloseTo(s, 5);
			}
		}
	});

	it('nearestCentroids(x, c, { bias }) subtracts the bias (|c|^2/2 gives nearest in L2)', () => {
		const x = { data: Float32Array.of(1, 0), rows: 1, dim: 2 };
		const c = { data: Float32Array.of(3, 0, 0.9, 0.1), rows: 2, dim: 2 };
		expect([...nearestCentroids(x, c).ids]).toEqual([0]); // largest dot
		expect([...nearestCentroids(x, c, { bias: Float32Array.of(4.5, 0.41) }).ids]).toEqual([1]); // nearest
	});

	it('nearestCentroids(x, c) breaks ties by the lower centroid id', () => {
		const x = { data: Float32Array.of(1, 0), rows: 1, dim: 2 };
		const c = { data: Float32Array.of(0, 1, 1, 0, 1, 0, 1, 0, 1, 0), rows: 5, dim: 2 };
		expect(nearestCentroids(x, c).ids[0]).toBe(1);
	});

	it('sampleIndices(n, m, seed) gives m distinct increasing indices, the same for the same seed', () => {
		const a = sampleIndices(1000, 50, 3);
		expect(a.length).toBe(50);
		expect(new Set(a).size).toBe(50);
		for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
		expect([...sampleIndices(1000, 50, 3)]).toEqual([...a]);
		expect([...sampleIndices(1000, 50, 4)]).not.toEqual([...a]);
		expect([...sampleIndices(5, 9, 1)]).toEqual([0, 1, 2, 3, 4]);
	});

	it('gatherRows(docs, rows) reads rows across document boundaries', () => {
		const a = { data: Float32Array.of(1, 1, 2, 2), rows: 2, dim: 2 };
		const b = { data: Float32Array.of(), rows: 0, dim: 2 };
		const c = { data: Float32Array.of(3, 3), rows: 1, dim: 2 };
		expect([...gatherRows([a, b, c], [1, 2]).data]).toEqual([2, 2, 3, 3]);
	});

	it('trainKMeans(x, { k }) finds well separated clusters and returns unit centroids', () => {
		// Three tight clusters around the axes of R^3.
		const r = uniformRandom(9);
		const rows: number[] = [];
		for (let i = 0; i < 300; i++) {
			const axis = i % 3;
			const v = [0, 0, 0].map((_, d) => (d === axis ? 1 : 0) + (r() - 0.5) * 0.1);
			const n = Math.hypot(...v);
			rows.push(...v.map((x) => x / n));
		}
		const c = trainKMeans({ data: Float32Array.from(rows), rows: 300, dim: 3 }, { k: 3, iterations: 6, seed: 1 });
		expect(c.rows).toBe(3);
		const axes = [0, 1, 2].map((j) => {
			expect(Math.hypot(...c.data.subarray(j * 3, j * 3 + 3))).toBeCloseTo(1, 5);
			return [...c.data.subarray(j * 3, j * 3 + 3)].findIndex((x) => x > 0.99);
		});
		expect(axes.sort()).toEqual([0, 1, 2]);
	});

	it('trainKMeans(x, { seed }) is deterministic and never leaves more centroids than vectors', () => {
		const x = randomMatrix(200, 8, 5);
		const a = trainKMeans(x, { k: 16, seed: 2 });
		expect([...trainKMeans(x, { k: 16, seed: 2 }).data]).toEqual([...a.data]);
		expect(trainKMeans(randomMatrix(5, 8, 1), { k: 16 }).rows).toBe(5);
	});

	it('trainKMeans(x) lowers the mean distance to the nearest centroid with more iterations', () => {
		const x = randomMatrix(2000, 16, 11);
		const cost = (c: TokenMatrix) => {
			const { scores } = nearestCentroids(x, c);
			return scores.reduce((s, v) => s + (2 - 2 * v), 0) / x.rows;
		};
		expect(cost(trainKMeans(x, { k: 32, iterations: 8, seed: 3 }))).toBeLessThan(cost(trainKMeans(x, { k: 32, iterations: 0, seed: 3 })));
	});

	it('nearestCentroids(x, c) (auto: the WASM kernel here) returns the JS reference ids and scores bit for bit', () => {
		const x = randomMatrix(999, 96, 41);
		const c = randomMatrix(203, 96, 42);
		const ref = nearestCentroidsJs(x, c);
		for (const backend of ['auto', 'wasm', 'js'] as const) {
			if (backend === 'wasm' && !nearestKernelModule()) continue;
			const out = nearestCentroids(x, c, { backend });
			expect([...out.ids]).toEqual([...ref.ids]);
			expect([...out.scores]).toEqual([...ref.scores]);
		}
	});

	it('prepareNearestCentroids(c, { bias })(x) reused over batches of rows equals the reference on each batch', () => {
		const c = randomMatrix(130, 24, 51, false);
		const bias = Float32Array.from({ length: 130 }, (_, j) => j % 7 === 0 ? 0.3 : 0.1);
		const assign = prepareNearestCentroids(c, { bias });
		for (const rows of [1, 120, 700, 3]) {
			const x = randomMatrix(rows, 24, rows);
			const ref = nearestCentroidsJs(x, c, { bias });
			const out = assign(x);
			expect([...out.ids]).toEqual([...ref.ids]);
			expect([...out.scores]).toEqual([...ref.scores]);
		}
	});

	it('trainKMeans(x, { k, seed }) gives the same centroids as before the WASM kernel (hashes from the JS-only code) on every backend', () => {
		// Unit rows normalised with Math.sqrt (not Math.hypot, which may round differently), as when the hashes were taken.
		const unitRows = (rows: number, dim: number, seed: number): TokenMatrix => {
			const r = uniformRandom(seed);
			const data = Float32Array.from({ length: rows * dim }, () => r() * 2 - 1);
			for (let i = 0; i < rows; i++) {
				let s = 0;
				for (let d = 0; d < dim; d++) s += data[i * dim + d] ** 2;
				for (let d = 0; d < dim; d++) data[i * dim + d] /= Math.sqrt(s);
			}
			return { data, rows, dim };
		};
		const cases: [number, number, number, number, string][] = [
			[3000, 24, 64, 5, '0dad70965b1b8c8b'],
			[2000, 13, 37, 9, '1e1d08fada378dad'],
			[5000, 96, 256, 123, '8a6a87d502f01912']
		];
		for (const [rows, dim, k, seed, hash] of cases) {
			for (const backend of nearestKernelModule() ? (['wasm', 'js'] as const) : (['js'] as const)) {
				const c = trainKMeans(unitRows(rows, dim, seed), { k, seed, backend });
				expect(createHash('sha256').update(Buffer.from(c.data.buffer)).digest('hex').slice(0, 16)).toBe(hash);
			}
		}
	});
});
