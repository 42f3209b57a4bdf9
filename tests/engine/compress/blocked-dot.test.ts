import { describe, expect, it } from 'vitest';
import { dot4x4, dotAll } from '../../../src/lib/engine/compress/blocked-dot';

describe('dot4x4', () => {
	it('dot4x4 on the doc example gives 1*3 + 2*4 = 11 and 1*5 + 2*6 = 17', () => {
		const out = new Float64Array(16);
		dot4x4(Float32Array.of(1, 2), 0, 0, 0, 0, Float32Array.of(3, 4, 5, 6), 0, 2, 2, 2, 2, out);
		expect(out[0]).toBe(11);
		expect(out[1]).toBe(17);
	});

	it('dot4x4 gives out[4r + q] = row r of x . row q of w for any offsets', () => {
		const dim = 5;
		const x = Float32Array.from({ length: 6 * dim }, (_, i) => Math.sin(i + 1));
		const w = Float64Array.from({ length: 7 * dim }, (_, i) => Math.cos(i * 0.7));
		const xr = [5, 0, 3, 3];
		const wr = [6, 1, 2, 0];
		const out = new Float64Array(16);
		dot4x4(x, xr[0] * dim, xr[1] * dim, xr[2] * dim, xr[3] * dim, w, wr[0] * dim, wr[1] * dim, wr[2] * dim, wr[3] * dim, dim, out);
		for (let r = 0; r < 4; r++) {
			for (let q = 0; q < 4; q++) {
				let want = 0;
				for (let d = 0; d < dim; d++) want += x[xr[r] * dim + d] * w[wr[q] * dim + d];
				expect(out[4 * r + q]).toBeCloseTo(want, 12);
			}
		}
	});
});

describe('dotAll', () => {
	it('dotAll(a, m, b, n, dim, out) gives out[i * n + j] = a_i . b_j for sizes off the 4 x 4 blocks, and writes nothing for no rows', () => {
		const dim = 3;
		for (const [m, n] of [[1, 1], [5, 7], [4, 8], [9, 2]]) {
			const a = Float32Array.from({ length: m * dim }, (_, i) => Math.sin(i + 1));
			const b = Float64Array.from({ length: n * dim }, (_, i) => Math.cos(i * 0.3));
			const out = new Float64Array(m * n + 1).fill(-7); // one past the end stays untouched
			dotAll(a, m, b, n, dim, out);
			for (let i = 0; i < m; i++) {
				for (let j = 0; j < n; j++) {
					let want = 0;
					for (let d = 0; d < dim; d++) want += a[i * dim + d] * b[j * dim + d];
					expect(out[i * n + j]).toBeCloseTo(want, 12);
				}
			}
			expect(out[m * n]).toBe(-7);
		}
		const none = Float32Array.of(-7);
		dotAll(new Float32Array(0), 0, Float32Array.of(1, 2, 3), 1, dim, none);
		expect(none[0]).toBe(-7);
	});
});
