/**
 * The `binary` storage format: one bit per number, `bit = x > 0`; the query is binarised the same way
 * and a token similarity is `1 - 2 hamming / dim` (issue 10), the cosine-like sign agreement that
 * binary quantisation (Qdrant, sentence-transformers `ubinary`) ranks by, so MaxSim stays a sum of
 * per-token maxima. Since the similarity falls with the Hamming distance, each query token's best
 * document token is the one at the smallest distance.
 */
import { createError } from '../errors';
import { checkMatrix } from '../maxsim/validate';
import type { TokenMatrix } from '../types';

/**
 * `rows` bit vectors of `dim` bits: row r is words `r * W .. (r + 1) * W` with `W = ceil(dim / 32)`;
 * component k is bit `k % 32` (least significant first) of word `k >> 5`. Unused high bits are 0.
 */
export interface BinaryMatrix {
	rows: number;
	dim: number;
	words: Uint32Array;
}

/** 32-bit words per row of a `dim`-bit binary matrix. @example wordsPerRow(100) // 4 */
export function wordsPerRow(dim: number): number {
	return Math.ceil(dim / 32);
}

/**
 * Binarises every row: bit k set when `x[k] > 0` (0 and -0 give 0). Throws `NOT_FINITE` for NaN / Infinity.
 * @example encodeBinary({ data: Float32Array.of(0.3, -1, 0, 2), rows: 1, dim: 4 }).words // Uint32Array [0b1001]
 */
export function encodeBinary(m: TokenMatrix): BinaryMatrix {
	checkMatrix(m, m.dim, 'binary input');
	const { rows, dim, data } = m;
	const w = wordsPerRow(dim);
	const words = new Uint32Array(rows * w);
	for (let r = 0; r < rows; r++) {
		for (let k = 0; k < dim; k++) {
			if (data[r * dim + k] > 0) words[r * w + (k >> 5)] |= 1 << (k & 31);
		}
	}
	return { rows, dim, words };
}

/** Set bits of a 32-bit word (SWAR popcount). @example popcount32(0xff) // 8 */
export function popcount32(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	x = (x + (x >>> 4)) & 0x0f0f0f0f;
	return Math.imul(x, 0x01010101) >>> 24;
}

/** Throws `BAD_ARGUMENT` unless `m` holds `rows * ceil(dim / 32)` words. */
export function checkBinary(m: BinaryMatrix, what: string): void {
	if (!Number.isInteger(m.rows) || m.rows < 0 || !Number.isInteger(m.dim) || m.dim <= 0) {
		throw createError('BAD_ARGUMENT', { detail: `${what}: rows must be >= 0 and dim > 0, got ${m.rows} x ${m.dim}` });
	}
	if (!(m.words instanceof Uint32Array) || m.words.length < m.rows * wordsPerRow(m.dim)) {
		throw createError('BAD_ARGUMENT', { detail: `${what}: expected a Uint32Array of ${m.rows * wordsPerRow(m.dim)} words` });
	}
}

/**
 * MaxSim of binary vectors, the reference every binary backend is tested against:
 * `sum_i (1 - 2 min_j hamming(q_i, d_j) / dim)`. A document with no rows scores 0.
 * Throws `DIM_MISMATCH` when the dims differ.
 * @example
 * // dim 4: q = [1001], d = [1000, 0110]: distances 1 and 3, best 1 -> 1 - 2/4 = 0.5
 * maxSimBinary({ rows: 1, dim: 4, words: Uint32Array.of(0b1001) },
 *              { rows: 2, dim: 4, words: Uint32Array.of(0b0001, 0b0110) }) // 0.5
 */
export function maxSimBinary(query: BinaryMatrix, doc: BinaryMatrix): number {
	if (query.dim !== doc.dim) throw createError('DIM_MISMATCH', { expected: query.dim, actual: doc.dim, detail: ' (query vs binary document)' });
	const { dim } = query;
	if (doc.rows === 0) return 0;
	const w = wordsPerRow(dim);
	let total = 0;
	for (let i = 0; i < query.rows; i++) {
		let best = dim;
		for (let j = 0; j < doc.rows; j++) {
			let h = 0;
			for (let k = 0; k < w; k++) h += popcount32(query.words[i * w + k] ^ doc.words[j * w + k]);
			if (h < best) best = h;
		}
		total += 1 - (2 * best) / dim;
	}
	return total;
}
