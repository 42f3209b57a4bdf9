import { describe, expect, it } from 'vitest';
import { nearestCentroidsJs } from '../../../src/lib/engine/compress/kmeans';
import { dotAll } from '../../../src/lib/engine/compress/blocked-dot';
import { nearestCentroidsWasm, nearestKernelModule, prepareNearestWasm } from '../../../src/lib/engine/compress/nearest-centroids-wasm';
import { uniformRandom } from '../../../src/lib/engine/random';
import { randomMatrix } from '../../support/random-matrix';
import type { TokenMatrix } from '../../../src/lib/engine/types';

/** Runs both paths and expects the same ids and scores, bit for bit; returns the rechecked row count. */
function expectSame(x: TokenMatrix, c: TokenMatrix, bias?: Float32Array, tuning?: { tileBytes?: number; chunkRows?: number }): number {
	const ref = nearestCentroidsJs(x, c, { bias });
	const out = nearestCentroidsWasm(x, c, { bias, tuning });
	expect(out).not.toBeNull();
	expect([...out!.ids]).toEqual([...ref.ids]);
	expect([...out!.scores]).toEqual([...ref.scores]);
	return out!.recheckedRows;
}

describe.skipIf(!nearestKernelModule())('nearestCentroidsWasm', () => {
	it('nearestCentroidsWasm(x, c) equals nearestCentroidsJs on random unit rows, with dims, k and n off the 4 x 8 blocks', () => {
		const shapes: [number, number, number][] = [
			[1, 1, 1],
			[3, 5, 3],
			[2, 8, 4],
			[7, 9, 13],
			[64, 37, 24],
			[257, 130, 96],
			[1001, 300, 128],
			[50, 1, 7]
		];
		for (const [n, k, dim] of shapes) expectSame(randomMatrix(n, dim, n + k + dim), randomMatrix(k, dim, 7 * k + dim));
	});

	it('nearestCentroidsWasm(x, c, { bias }) equals the reference with the L2 bias |c|^2/2 on non-unit data', () => {
		const x = randomMatrix(301, 19, 3, false);
		const c = randomMatrix(77, 19, 4, false);
		const bias = new Float32Array(77);
		for (let j = 0; j < 77; j++) for (let d = 0; d < 19; d++) bias[j] += c.data[j * 19 + d] ** 2 / 2;
		expectSame(x, c, bias);
	});

	it('nearestCentroidsWasm(x, c) breaks exact ties by the lower id, as the reference does', () => {
		// Duplicated centroids (ids 3 = 11 = 12, 0 = 21), rows that equal centroids, zero rows
		// (every score 0) and small-integer data, where many dot products tie exactly.
		const dim = 6;
		const c = randomMatrix(23, dim, 11);
		c.data.copyWithin(11 * dim, 3 * dim, 4 * dim);
		c.data.copyWithin(12 * dim, 3 * dim, 4 * dim);
		c.data.copyWithin(21 * dim, 0, dim);
		const x = randomMatrix(40, dim, 12);
		x.data.set(c.data.subarray(3 * dim, 4 * dim), 0);
		x.data.set(c.data.subarray(21 * dim, 22 * dim), 5 * dim);
		x.data.fill(0, 9 * dim, 12 * dim);
		expect(expectSame(x, c)).toBeGreaterThan(3);
		const r = uniformRandom(5);
		const small = (rows: number) => ({ data: Float32Array.from({ length: rows * 5 }, () => Math.floor(r() * 3) - 1), rows, dim: 5 });
		expect(expectSame(small(203), small(45))).toBeGreaterThan(0);
		expect(expectSame(small(3), small(1))).toBe(0); // k = 1: no runner-up, nothing to recheck
	});

	it('nearestCentroidsWasm(x, c) rescores near ties (centroids 1e-7 apart) in f64 and still equals the reference', () => {
		const dim = 32;
		const base = randomMatrix(16, dim, 21);
		const c: TokenMatrix = { data: new Float32Array(48 * dim), rows: 48, dim };
		const r = uniformRandom(22);
		for (let j = 0; j < 48; j++) for (let d = 0; d < dim; d++) c.data[j * dim + d] = base.data[(j % 16) * dim + d] + (r() - 0.5) * 2e-7;
		const x: TokenMatrix = { data: new Float32Array(200 * dim), rows: 200, dim };
		for (let i = 0; i < 200; i++) for (let d = 0; d < dim; d++) x.data[i * dim + d] = base.data[(i % 16) * dim + d] + (r() - 0.5) * 0.2;
		expect(expectSame(x, c)).toBeGreaterThan(100);
	});

	it('nearestCentroidsWasm(x, c, { tuning }) gives the same result over many tiles and chunks', () => {
		const x = randomMatrix(333, 40, 31);
		const c = randomMatrix(203, 40, 32);
		expectSame(x, c, undefined, { tileBytes: 1, chunkRows: 5 });
		expectSame(x, c, undefined, { tileBytes: 3 * 40 * 32, chunkRows: 64 });
	});

	it('nearestCentroidsWasm(x, c) with no rows returns empty arrays', () => {
		const out = nearestCentroidsWasm({ data: new Float32Array(0), rows: 0, dim: 3 }, randomMatrix(4, 3, 1));
		expect(out?.ids.length).toBe(0);
	});

	it('prepareNearestWasm(c).dots(x) holds every x_i . c_j centroid-major, within f32 rounding of the f64 dotAll, bias ignored', () => {
		for (const [n, k, dim] of [[1, 1, 1], [5, 9, 7], [32, 1024, 96], [33, 130, 128]] as const) {
			const x = randomMatrix(n, dim, 3 * n + dim);
			const c = randomMatrix(k, dim, 5 * k + dim);
			const reference = new Float64Array(k * n);
			dotAll(c.data, k, x.data, n, dim, reference);
			const out = prepareNearestWasm(c, new Float32Array(k).fill(0.25))!.dots(x);
			expect(out.length).toBe(k * n);
			// |f32 sum - f64 sum| <= dim u |x| |c| for unit rows: 96 * 2^-24 ~ 6e-6.
			let worst = 0;
			for (let j = 0; j < k * n; j++) worst = Math.max(worst, Math.abs(out[j] - reference[j]));
			expect(worst).toBeLessThan(dim * 2 ** -23);
		}
	});

	it('prepareNearestWasm(c).dots(x) with no rows or the wrong dim', () => {
		const prepared = prepareNearestWasm(randomMatrix(4, 3, 1))!;
		expect(prepared.dots({ data: new Float32Array(0), rows: 0, dim: 3 }).length).toBe(0);
		expect(() => prepared.dots(randomMatrix(2, 4, 2))).toThrow(/dim 4, centroids 3/);
	});
});
