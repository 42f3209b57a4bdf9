/**
 * The storage codecs of issue 10 against independent references: fp16 against known IEEE bit
 * patterns and a brute-force nearest-half search, int8 and binary against hand-checked examples and
 * per-component recomputation (including dims that are not multiples of 8 or 32).
 */
import { describe, expect, it } from 'vitest';
import {
	bytesPerVector,
	decodeFp16,
	decodeInt8,
	encodeBinary,
	encodeFp16,
	encodeInt8,
	maxSimBinary,
	maxSimInt8,
	STORAGE_FORMATS
} from '../../../src/lib/engine/compress/codecs';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { uniformRandom } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const half = (v: number) => encodeFp16(Float32Array.of(v))[0];
const unhalf = (h: number) => decodeFp16(Uint16Array.of(h))[0];

function randomMatrix(rows: number, dim: number, seed: number, scale = 1): TokenMatrix {
	const random = uniformRandom(seed);
	return { data: Float32Array.from({ length: rows * dim }, () => (random() * 2 - 1) * scale), rows, dim };
}

describe('bytesPerVector', () => {
	it('bytesPerVector(format, dim) follows the issue: 4d, 2d, d + 4, ceil(d / 8), ceil(d bits / 8) + 4', () => {
		expect(STORAGE_FORMATS).toEqual(['fp32', 'fp16', 'int8', 'binary', 'residual']);
		expect(bytesPerVector('fp32', 96)).toBe(384);
		expect(bytesPerVector('fp16', 96)).toBe(192);
		expect(bytesPerVector('int8', 96)).toBe(100);
		expect(bytesPerVector('binary', 96)).toBe(12);
		expect(bytesPerVector('binary', 100)).toBe(13);
		expect(bytesPerVector('binary', 7)).toBe(1);
		expect(bytesPerVector('residual', 96, 2)).toBe(28);
		expect(bytesPerVector('residual', 96, 1)).toBe(16);
		expect(bytesPerVector('residual', 7, 1)).toBe(5);
	});

	it('bytesPerVector rejects an unknown format, a bad dim and residual without bits', () => {
		expect(() => bytesPerVector('fp8' as never, 96)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
		expect(() => bytesPerVector('fp32', 0)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => bytesPerVector('residual', 96)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
	});
});

describe('fp16', () => {
	it('encodeFp16 gives the IEEE half bit patterns of ordinary values', () => {
		expect(half(1)).toBe(0x3c00);
		expect(half(-2)).toBe(0xc000);
		expect(half(0.5)).toBe(0x3800);
		expect(half(0.1)).toBe(0x2e66);
		expect(half(1 / 3)).toBe(0x3555);
		expect(half(0)).toBe(0x0000);
		expect(half(-0)).toBe(0x8000);
	});

	it('encodeFp16 rounds ties to even', () => {
		expect(half(1 + 2 ** -11)).toBe(0x3c00); // halfway between 0x3c00 (even) and 0x3c01
		expect(half(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway between 0x3c01 and 0x3c02 (even)
		expect(half(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above halfway
		expect(half(-(1 + 2 ** -11))).toBe(0xbc00);
		expect(half(2049)).toBe(0x6800); // 2048 and 2050 are neighbours: tie -> 2048 (even mantissa)
		expect(half(2051)).toBe(0x6802); // tie between 2050 (odd) and 2052 (even)
	});

	it('encodeFp16 rounds into subnormals, to zero below 2^-25, and up into the smallest normal', () => {
		expect(half(2 ** -24)).toBe(0x0001); // smallest subnormal
		expect(half(1023 * 2 ** -24)).toBe(0x03ff); // largest subnormal
		expect(half(2 ** -14)).toBe(0x0400); // smallest normal
		expect(half(2 ** -25)).toBe(0x0000); // tie between 0 (even) and 2^-24
		expect(half(2 ** -25 + 2 ** -40)).toBe(0x0001);
		expect(half(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 units: even
		expect(half(5 * 2 ** -26)).toBe(0x0001); // 1.25 units
		expect(half(2 ** -14 - 2 ** -25)).toBe(0x0400); // tie between 0x03ff and 0x0400 (even): carries into the exponent
		expect(half(-3 * 2 ** -24)).toBe(0x8003);
		expect(half(1e-45)).toBe(0x0000); // a float32 subnormal
	});

	it('encodeFp16 keeps 65504 (max half), overflows to Infinity from 65520, keeps Inf and NaN', () => {
		expect(half(65504)).toBe(0x7bff);
		expect(half(65519)).toBe(0x7bff); // below the halfway point 65520
		expect(half(65520)).toBe(0x7c00); // tie between 65504 (odd) and 65536 (even, not representable): Inf
		expect(half(-1e6)).toBe(0xfc00);
		expect(half(Infinity)).toBe(0x7c00);
		expect(half(-Infinity)).toBe(0xfc00);
		const nan = half(NaN);
		expect(nan & 0x7c00).toBe(0x7c00);
		expect(nan & 0x03ff).not.toBe(0);
	});

	it('decodeFp16 gives the exact values of known patterns', () => {
		expect(unhalf(0x3555)).toBe(0.333251953125);
		expect(unhalf(0x0001)).toBe(2 ** -24);
		expect(unhalf(0x03ff)).toBe(1023 * 2 ** -24);
		expect(unhalf(0x7bff)).toBe(65504);
		expect(unhalf(0xc000)).toBe(-2);
		expect(unhalf(0x7c00)).toBe(Infinity);
		expect(unhalf(0xfc00)).toBe(-Infinity);
		expect(unhalf(0x7e00)).toBeNaN();
		expect(Object.is(unhalf(0x8000), -0)).toBe(true);
	});

	it('encodeFp16(decodeFp16(h)) returns every one of the 65536 non-NaN half patterns unchanged', () => {
		const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
		const back = encodeFp16(decodeFp16(all));
		for (let h = 0; h < 65536; h++) {
			if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue;
			if (back[h] !== h) expect.fail(`0x${h.toString(16)} came back as 0x${back[h].toString(16)}`);
		}
	});

	it('encodeFp16 equals a brute-force nearest-half search (ties to the even pattern) on random floats', () => {
		// Every finite non-negative half in increasing order (patterns 0..0x7bff increase with the value).
		const values = decodeFp16(Uint16Array.from({ length: 0x7c00 }, (_, i) => i));
		const nearest = (x: number): number => {
			let lo = 0;
			let hi = values.length - 1;
			if (x >= 65520) return 0x7c00;
			while (hi - lo > 1) {
				const mid = (lo + hi) >> 1;
				if (values[mid] <= x) lo = mid;
				else hi = mid;
			}
			const dLo = x - values[lo];
			const dHi = values[hi] - x;
			if (x >= values[hi]) return hi;
			return dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
		};
		const random = uniformRandom(16);
		const xs = new Float32Array(20000);
		for (let i = 0; i < xs.length; i++) xs[i] = (random() < 0.5 ? -1 : 1) * 2 ** (random() * 44 - 27) * (1 + random());
		const got = encodeFp16(xs);
		for (let i = 0; i < xs.length; i++) {
			const want = nearest(Math.abs(xs[i])) | (xs[i] < 0 ? 0x8000 : 0);
			if (got[i] !== want) expect.fail(`${xs[i]}: got 0x${got[i].toString(16)}, nearest 0x${want.toString(16)}`);
		}
	});
});

describe('int8', () => {
	it('encodeInt8(m) scales each row by max|x| / 127 and rounds (hand-checked)', () => {
		// row 0: max 127 -> s = 1; row 1: max 0.254 -> s = 0.002, -0.1 / 0.002 = -50; row 2: zero vector -> s = 1.
		const m = encodeInt8({ data: Float32Array.of(127, -50.4, 3.6, 0.254, -0.1, 0.0011, 0, 0, 0), rows: 3, dim: 3 });
		expect(m.rows).toBe(3);
		expect(m.dim).toBe(3);
		expect(Array.from(m.codes)).toEqual([127, -50, 4, 127, -50, 1, 0, 0, 0]);
		expect(m.scales[0]).toBe(1);
		expect(m.scales[1]).toBeCloseTo(0.002, 9);
		expect(m.scales[2]).toBe(1);
	});

	it('encodeInt8 keeps codes in [-127, 127] with the largest |x| at +-127, and is odd-symmetric', () => {
		const m = randomMatrix(50, 100, 8, 3);
		const q = encodeInt8(m);
		const neg = encodeInt8({ ...m, data: m.data.map((v) => -v) });
		for (let r = 0; r < 50; r++) {
			const row = q.codes.subarray(r * 100, (r + 1) * 100);
			expect(Math.max(...row.map(Math.abs))).toBe(127);
		}
		expect(Array.from(neg.codes)).toEqual(Array.from(q.codes, (v) => (v === 0 ? 0 : -v)));
	});

	it('decodeInt8(m) returns s * v per row', () => {
		const d = decodeInt8({ rows: 2, dim: 2, codes: Int8Array.of(127, -64, 3, 0), scales: Float32Array.of(0.5, 2) });
		expect(Array.from(d.data)).toEqual([63.5, -32, 6, 0]);
		expect(d.rows).toBe(2);
	});

	it('decodeInt8(encodeInt8(m)) is within half a step (s / 2) of m', () => {
		const m = randomMatrix(40, 96, 3);
		const q = encodeInt8(m);
		const back = decodeInt8(q);
		for (let i = 0; i < m.data.length; i++) {
			expect(Math.abs(back.data[i] - m.data[i])).toBeLessThanOrEqual(q.scales[Math.floor(i / 96)] * 0.5 * (1 + 1e-6));
		}
	});

	it('maxSimInt8(q, doc) is MaxSim of q against the decoded doc (hand example and random)', () => {
		// doc = s 0.5 x [[2, 4], [2, 0]] = [[1, 2], [1, 0]]; q = [[1, 0], [0, 1]]: max(1, 1) + max(2, 0) = 3
		const doc = { rows: 2, dim: 2, codes: Int8Array.of(2, 4, 2, 0), scales: Float32Array.of(0.5, 0.5) };
		expect(maxSimInt8({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }, doc)).toBe(3);
		const query = randomMatrix(7, 100, 11);
		const d = encodeInt8(randomMatrix(13, 100, 12));
		expect(maxSimInt8(query, d)).toBeCloseTo(maxSim(query, decodeInt8(d)), 5);
	});

	it('maxSimInt8 scores an empty doc 0 and rejects a dim mismatch with DIM_MISMATCH', () => {
		expect(maxSimInt8(randomMatrix(3, 4, 1), { rows: 0, dim: 4, codes: new Int8Array(0), scales: new Float32Array(0) })).toBe(0);
		expect(() => maxSimInt8(randomMatrix(3, 4, 1), encodeInt8(randomMatrix(2, 5, 2)))).toThrow(expect.objectContaining({ code: 'DIM_MISMATCH' }));
	});

	it('encodeInt8 rejects NaN with NOT_FINITE', () => {
		expect(() => encodeInt8({ data: Float32Array.of(1, NaN), rows: 1, dim: 2 })).toThrow(expect.objectContaining({ code: 'NOT_FINITE' }));
	});
});

describe('binary', () => {
	it('encodeBinary(m) sets bit k (least significant first) where x > 0, 0 and -0 giving 0', () => {
		const b = encodeBinary({ data: Float32Array.of(0.3, -1, 0, 2, -0, 5, 1e-30), rows: 1, dim: 7 });
		expect(b.words.length).toBe(1);
		expect(b.words[0]).toBe(0b1101001);
	});

	it('encodeBinary uses ceil(dim / 32) words per row with zero padding (dim 40)', () => {
		const data = new Float32Array(80).fill(-1);
		data[0] = 1; // row 0, bit 0
		data[33] = 1; // row 0, k = 33: word 1, bit 1
		data[40 + 39] = 1; // row 1, k = 39: word 1, bit 7
		const b = encodeBinary({ data, rows: 2, dim: 40 });
		expect(Array.from(b.words)).toEqual([1, 2, 0, 128]);
	});

	it('maxSimBinary(q, d) sums 1 - 2 min hamming / dim per query row (hand example, dim 4)', () => {
		// q0 = 1001: distances to d0 = 0001 is 1, to d1 = 0110 is 4 -> 1 - 2/4 = 0.5
		// q1 = 0111: to d0 2, to d1 1 -> 1 - 2/4 = 0.5
		const q = { rows: 2, dim: 4, words: Uint32Array.of(0b1001, 0b0111) };
		const d = { rows: 2, dim: 4, words: Uint32Array.of(0b0001, 0b0110) };
		expect(maxSimBinary(q, d)).toBe(1);
		expect(maxSimBinary(q, { rows: 1, dim: 4, words: Uint32Array.of(0b1001) })).toBe(1 + 1 - 2 * 3 / 4);
	});

	it('maxSimBinary equals sign agreement counted per component, for dims 7, 40, 96, 100, 128', () => {
		for (const dim of [7, 40, 96, 100, 128]) {
			const q = randomMatrix(5, dim, dim);
			const d = randomMatrix(9, dim, dim + 1);
			let want = 0;
			for (let i = 0; i < q.rows; i++) {
				let best = -Infinity;
				for (let j = 0; j < d.rows; j++) {
					let h = 0;
					for (let k = 0; k < dim; k++) if (q.data[i * dim + k] > 0 !== d.data[j * dim + k] > 0) h++;
					best = Math.max(best, 1 - (2 * h) / dim);
				}
				want += best;
			}
			expect(maxSimBinary(encodeBinary(q), encodeBinary(d))).toBeCloseTo(want, 12);
		}
	});

	it('maxSimBinary scores an empty doc 0 and rejects a dim mismatch with DIM_MISMATCH', () => {
		const q = encodeBinary(randomMatrix(2, 8, 1));
		expect(maxSimBinary(q, encodeBinary({ data: new Float32Array(0), rows: 0, dim: 8 }))).toBe(0);
		expect(() => maxSimBinary(q, encodeBinary(randomMatrix(1, 9, 1)))).toThrow(expect.objectContaining({ code: 'DIM_MISMATCH' }));
	});
});
