/**
 * The `int8` storage format: each document vector keeps one float32 scale and `dim` signed bytes,
 * `s = max|x| / 127` (`s = 1` for a zero vector), `v = round(x / s)` clamped to [-127, 127]; a token
 * similarity is `q · (s v)` with the query left in float32 (issue 10). Symmetric per-vector absmax
 * quantisation, as sentence-transformers' and Qdrant's scalar int8 do per collection, here per vector.
 */
import { createError } from '../errors';
import { checkMatrix } from '../maxsim/validate';
import type { TokenMatrix } from '../types';

/** `rows` vectors of `dim` int8 codes, row-major, and one scale per row: vector r is `scales[r] * codes[r]`. */
export interface Int8Matrix {
	rows: number;
	dim: number;
	codes: Int8Array;
	scales: Float32Array;
}

/** Rounds half away from zero, so `encode(-x) = -encode(x)`. */
function roundSymmetric(y: number): number {
	return y < 0 ? -Math.round(-y) : Math.round(y);
}

/**
 * Quantises every row of `m` with its own scale (the scale is stored as float32, and the codes are
 * computed from that stored scale, so decoding uses exactly the scale the codes were made with).
 * Throws `NOT_FINITE` for NaN / Infinity, `BAD_ARGUMENT` for a malformed matrix.
 * @example
 * encodeInt8({ data: Float32Array.of(0.5, -1, 0.25, 0, 0, 0), rows: 2, dim: 3 })
 * // { codes: Int8Array [64, -127, 32, 0, 0, 0], scales: Float32Array [1/127, 1], rows: 2, dim: 3 }
 * // (0.5 * 127 = 63.5 rounds away from zero to 64; 0.25 * 127 = 31.75 -> 32)
 */
export function encodeInt8(m: TokenMatrix): Int8Matrix {
	checkMatrix(m, m.dim, 'int8 input');
	const { rows, dim, data } = m;
	const codes = new Int8Array(rows * dim);
	const scales = new Float32Array(rows);
	for (let r = 0; r < rows; r++) {
		const o = r * dim;
		let max = 0;
		for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(data[o + k]));
		const s = max > 0 ? Math.fround(max / 127) : 1;
		scales[r] = s;
		for (let k = 0; k < dim; k++) codes[o + k] = Math.max(-127, Math.min(127, roundSymmetric(data[o + k] / s)));
	}
	return { rows, dim, codes, scales };
}

/**
 * The float vectors an `Int8Matrix` stands for: `s v` per row (float32).
 * @example decodeInt8({ rows: 1, dim: 2, codes: Int8Array.of(127, -64), scales: Float32Array.of(0.5) }).data
 * // Float32Array [63.5, -32]
 */
export function decodeInt8(m: Int8Matrix): TokenMatrix {
	checkInt8(m, 'int8 matrix');
	const { rows, dim, codes, scales } = m;
	const data = new Float32Array(rows * dim);
	for (let r = 0; r < rows; r++) {
		const s = scales[r];
		for (let k = r * dim; k < (r + 1) * dim; k++) data[k] = s * codes[k];
	}
	return { data, rows, dim };
}

/** Throws `BAD_ARGUMENT` unless `m` has `rows * dim` codes and `rows` scales. */
export function checkInt8(m: Int8Matrix, what: string): void {
	if (!Number.isInteger(m.rows) || m.rows < 0 || !Number.isInteger(m.dim) || m.dim <= 0) {
		throw createError('BAD_ARGUMENT', { detail: `${what}: rows must be >= 0 and dim > 0, got ${m.rows} x ${m.dim}` });
	}
	if (!(m.codes instanceof Int8Array) || m.codes.length < m.rows * m.dim || !(m.scales instanceof Float32Array) || m.scales.length < m.rows) {
		throw createError('BAD_ARGUMENT', { detail: `${what}: expected an Int8Array of ${m.rows * m.dim} codes and a Float32Array of ${m.rows} scales` });
	}
}

/**
 * MaxSim of a float32 query against an int8 document, the reference every int8 backend is tested
 * against: `sum_i max_j q_i · (s_j v_j)`, dot products in float64. A document with no rows scores 0.
 * Throws `DIM_MISMATCH` when the dims differ.
 * @example
 * // q = [[1, 0]], doc = one vector s = 0.5, v = [2, 4] (i.e. [1, 2]): 1 * 1 + 0 * 2 = 1
 * maxSimInt8({ data: Float32Array.of(1, 0), rows: 1, dim: 2 },
 *            { rows: 1, dim: 2, codes: Int8Array.of(2, 4), scales: Float32Array.of(0.5) }) // 1
 */
export function maxSimInt8(query: TokenMatrix, doc: Int8Matrix): number {
	if (query.dim !== doc.dim) throw createError('DIM_MISMATCH', { expected: query.dim, actual: doc.dim, detail: ' (query vs int8 document)' });
	const { dim } = query;
	if (doc.rows === 0) return 0;
	let total = 0;
	for (let i = 0; i < query.rows; i++) {
		const qo = i * dim;
		let best = -Infinity;
		for (let j = 0; j < doc.rows; j++) {
			const s = doc.scales[j];
			const o = j * dim;
			let dot = 0;
			for (let k = 0; k < dim; k++) dot += query.data[qo + k] * (s * doc.codes[o + k]);
			if (dot > best) best = dot;
		}
		total += best;
	}
	return total;
}
