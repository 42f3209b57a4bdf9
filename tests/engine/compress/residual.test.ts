import { describe, expect, it } from 'vitest';
import { bucketsFromResiduals, createResidualCodec, quantile, trainResidualCodec } from '../../../src/lib/engine/compress/residual';
import { uniformRandom } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

function unitMatrix(rows: number, dim: number, seed: number): TokenMatrix {
	const r = uniformRandom(seed);
	const data = Float32Array.from({ length: rows * dim }, () => r() * 2 - 1);
	for (let i = 0; i < rows; i++) {
		const n = Math.hypot(...data.subarray(i * dim, (i + 1) * dim));
		for (let d = 0; d < dim; d++) data[i * dim + d] /= n;
	}
	return { data, rows, dim };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 5) => {
	expect(a.length).toBe(b.length);
	for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], digits);
};

describe('residual codec', () => {
	it('quantile(sorted, q) interpolates linearly between order statistics (torch/numpy default)', () => {
		expect(quantile(Float32Array.of(0, 1, 2, 3), 0.5)).toBeCloseTo(1.5, 6);
		expect(quantile(Float32Array.of(0, 1, 2, 3), 0)).toBe(0);
		expect(quantile(Float32Array.of(0, 1, 2, 3), 1)).toBe(3);
		expect(quantile(Float32Array.of(5), 0.3)).toBe(5);
	});

	it('bucketsFromResiduals(values, 1) gives the median cutoff and quartile weights', () => {
		const { cutoffs, weights } = bucketsFromResiduals(Float32Array.of(3, -1, 1, -3), 1);
		close(cutoffs, [0]);
		close(weights, [-1.5, 1.5]);
	});

	it('bucketsFromResiduals(values, 2) gives cutoffs at i/4 and weights at (i+0.5)/4', () => {
		const { cutoffs, weights } = bucketsFromResiduals(Float32Array.of(7, 6, 5, 4, 3, 2, 1, 0), 2);
		close(cutoffs, [1.75, 3.5, 5.25]);
		close(weights, [0.875, 2.625, 4.375, 6.125]);
	});

	it('codec.encode(m) stores the most similar centroid and packed bucket codes; decode renormalises', () => {
		const centroids = { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 };
		const codec = createResidualCodec(centroids, 1, Float32Array.of(0), Float32Array.of(-0.1, 0.1));
		expect(codec.codeBytes).toBe(1);
		expect(codec.bytesPerVector).toBe(5);
		expect(codec.tableBytes).toBe(4 * (4 + 1 + 2));
		// x0 = (0.8, 0.6): centroid 0, residual (-0.2, 0.6) -> codes (0, 1) -> byte 0b10.
		// x1 = (0.28, 0.96): centroid 1, residual (0.28, -0.04) -> codes (1, 0) -> byte 0b01.
		const r = codec.encode({ data: Float32Array.of(0.8, 0.6, 0.28, 0.96), rows: 2, dim: 2 });
		expect([...r.centroidIds]).toEqual([0, 1]);
		expect([...r.codes]).toEqual([0b10, 0b01]);
		const n0 = Math.hypot(0.9, 0.1);
		const n1 = Math.hypot(0.1, 0.9);
		close(codec.decode(r).data, [0.9 / n0, 0.1 / n0, 0.1 / n1, 0.9 / n1]);
	});

	it('codec.encode(m) with 2 bits packs four codes per byte, least significant bits first', () => {
		const centroids = { data: new Float32Array(5).fill(0).map((_, d) => (d === 0 ? 1 : 0)), rows: 1, dim: 5 };
		const codec = createResidualCodec(centroids, 2, Float32Array.of(-0.1, 0, 0.1), Float32Array.of(-0.2, -0.05, 0.05, 0.2));
		expect(codec.codeBytes).toBe(2);
		// residuals: (0.5-1, -0.05, 0.05, 0.3, 0) -> buckets (0, 1, 2, 3, 1); a value equal to a cutoff goes below it.
		const r = codec.encode({ data: Float32Array.of(0.5, -0.05, 0.05, 0.3, 0), rows: 1, dim: 5 });
		expect([...r.codes]).toEqual([0 | (1 << 2) | (2 << 4) | (3 << 6), 1]);
		const v = [1 - 0.2, -0.05, 0.05, 0.2, -0.05];
		const n = Math.hypot(...v);
		close(codec.decode(r).data, v.map((x) => x / n));
	});

	it('codec.decode(r) is centroid + weights[code] per dimension, renormalised, for 1 and 2 bits and dims that end mid-byte', () => {
		const r = uniformRandom(11);
		for (const [bits, dim] of [[1, 13], [2, 7], [2, 96], [1, 96]] as const) {
			const k = 5;
			const centroids = { data: Float32Array.from({ length: k * dim }, () => r() - 0.5), rows: k, dim };
			const weights = Float32Array.from({ length: 2 ** bits }, (_, i) => (i - 1.5) * 0.07);
			const codec = createResidualCodec(centroids, bits, new Float32Array(2 ** bits - 1), weights);
			const rows = 9;
			const m = { rows, dim, bits, centroidIds: Int32Array.from({ length: rows }, () => Math.floor(r() * k)), codes: Uint8Array.from({ length: rows * codec.codeBytes }, () => Math.floor(r() * 256)) };
			const out = codec.decode(m).data;
			for (let i = 0; i < rows; i++) {
				const v = Array.from({ length: dim }, (_, d) => {
					const bit = d * bits;
					return centroids.data[m.centroidIds[i] * dim + d] + weights[(m.codes[i * codec.codeBytes + (bit >> 3)] >> (bit & 7)) & ((1 << bits) - 1)];
				});
				// The norm of the sums as computed (f64), the division applied to the stored f32 values.
				const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
				for (let d = 0; d < dim; d++) expect(out[i * dim + d]).toBe(Math.fround(Math.fround(v[d]) * (1 / norm)));
			}
			// Into given values (stage 4 decodes into the kernel's memory): the same values, there.
			const arena = new Float32Array(rows * dim + 8).fill(-3);
			const into = codec.decode(m, arena.subarray(5));
			expect(into.data.buffer).toBe(arena.buffer);
			expect(Array.from(into.data)).toEqual(Array.from(out));
			expect(arena[rows * dim + 5]).toBe(-3);
			expect(() => codec.decode(m, new Float32Array(rows * dim - 1))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		}
	});

	it('trainResidualCodec(x, { bits }) takes cutoffs and weights from the residual quantiles, all dims pooled', () => {
		// Fewer than 20 vectors: the held-out set is the whole sample, so a brute-force reference can follow it.
		const x = unitMatrix(12, 4, 2);
		const codec = trainResidualCodec(x, { bits: 2, centroids: 3, seed: 5 });
		const c = codec.centroids;
		const residuals: number[] = [];
		for (let i = 0; i < x.rows; i++) {
			let best = -Infinity;
			let id = 0;
			for (let j = 0; j < c.rows; j++) {
				let s = 0;
				for (let d = 0; d < 4; d++) s += x.data[i * 4 + d] * c.data[j * 4 + d];
				if (s > best) [best, id] = [s, j];
			}
			for (let d = 0; d < 4; d++) residuals.push(x.data[i * 4 + d] - c.data[id * 4 + d]);
		}
		residuals.sort((a, b) => a - b);
		const q = (p: number) => {
			const at = p * (residuals.length - 1);
			const lo = Math.floor(at);
			return residuals[lo] + (residuals[Math.min(lo + 1, residuals.length - 1)] - residuals[lo]) * (at - lo);
		};
		close(codec.cutoffs, [q(0.25), q(0.5), q(0.75)]);
		close(codec.weights, [q(0.125), q(0.375), q(0.625), q(0.875)]);
	});

	it('trainResidualCodec(x) decodes closer to x with 2 bits than 1, both closer than the centroid alone', () => {
		const x = unitMatrix(3000, 16, 7);
		const error = (bits: 1 | 2) => {
			const codec = trainResidualCodec(x, { bits, centroids: 64, seed: 1 });
			const r = codec.encode(x);
			const y = codec.decode(r);
			let err = 0;
			let centroidErr = 0;
			for (let i = 0; i < x.rows; i++) {
				let dot = 0;
				let cdot = 0;
				for (let d = 0; d < 16; d++) {
					dot += x.data[i * 16 + d] * y.data[i * 16 + d];
					cdot += x.data[i * 16 + d] * codec.centroids.data[r.centroidIds[i] * 16 + d];
				}
				err += 1 - dot;
				centroidErr += 1 - cdot;
			}
			return { err: err / x.rows, centroidErr: centroidErr / x.rows, codec, r };
		};
		const one = error(1);
		const two = error(2);
		expect(two.err).toBeLessThan(one.err);
		expect(one.err).toBeLessThan(one.centroidErr);
		expect(two.codec.codeBytes).toBe(4);
		expect(one.codec.codeBytes).toBe(2);
		// Quantile buckets: each 2-bit code holds about a quarter of the values.
		const counts = [0, 0, 0, 0];
		for (const byte of two.r.codes) for (let s = 0; s < 8; s += 2) counts[(byte >> s) & 3]++;
		for (const c of counts) expect(c / (3000 * 16)).toBeGreaterThan(0.2);
	});

	it('trainResidualCodec(x, { bits: 3 }) is a BAD_ARGUMENT', () => {
		expect(() => trainResidualCodec(unitMatrix(4, 2, 1), { bits: 3 as 1 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
	});
});
