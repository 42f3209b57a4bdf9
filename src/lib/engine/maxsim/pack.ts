/**
 * Packing of documents and queries into the layouts the WASM kernels read (described in full in
 * `kernels/wasm/maxsim-template.ts`): docs as k-major panels of 4 tokens, grouped in blocks of 16
 * tokens, padded by repeating the last token; queries as interleaved row pairs. Dims are padded to a
 * multiple of 4 with zeros, which changes no dot product.
 */
import type { TokenMatrix } from '../types';

/**
 * Panels of 4 tokens per register block, by kernel flavour: 2 query rows x 4 panels = 8 accumulators
 * for both. 2 x 5 would give FMA more independent chains, but TurboFan then spills (measured slower).
 */
export const BLOCK_PANELS = { simd: 4, relaxed: 4 } as const;

/** `dim` rounded up to a multiple of 4. @example paddedDim(6) // 8 */
export function paddedDim(dim: number): number {
	return (dim + 3) & ~3;
}

/** Block structure of a doc of `rows` tokens: full blocks of `blockPanels` panels and a tail. */
export interface DocShape {
	nBlocks: number;
	tail: number;
	/** Panels of 4 tokens (= padded tokens / 4). */
	panels: number;
}

/** @example docShape(21, 4) // { nBlocks: 1, tail: 2, panels: 6 } (24 padded tokens) */
export function docShape(rows: number, blockPanels: number): DocShape {
	const panels = Math.ceil(rows / 4);
	return { nBlocks: Math.floor(panels / blockPanels), tail: panels % blockPanels, panels };
}

/** Writes `doc` as f32 panels in blocks of `blockPanels` at `out[at..]`; needs `panels * 4 * paddedDim` floats. */
export function packDocF32(doc: TokenMatrix, blockPanels: number, out: Float32Array, at: number): void {
	const { rows, dim, data } = doc;
	const dimP = paddedDim(dim);
	const { nBlocks, tail } = docShape(rows, blockPanels);
	for (let b = 0; b <= nBlocks; b++) {
		const width = b < nBlocks ? blockPanels : tail; // panels in this block
		if (width === 0) break;
		const base = at + b * blockPanels * 4 * dimP;
		const stride = width * 4;
		for (let p = 0; p < width; p++) {
			for (let t = 0; t < 4; t++) {
				const row = Math.min((b * blockPanels + p) * 4 + t, rows - 1) * dim;
				let o = base + p * 4 + t;
				for (let k = 0; k < dim; k++, o += stride) out[o] = data[row + k];
				for (let k = dim; k < dimP; k++, o += stride) out[o] = 0;
			}
		}
	}
}

/** Largest |value| of the first `rows x dim` values; 0 for an empty matrix. */
export function maxAbs(matrix: TokenMatrix): number {
	let m = 0;
	const n = matrix.rows * matrix.dim;
	for (let i = 0; i < n; i++) {
		const v = Math.abs(matrix.data[i]);
		if (v > m) m = v;
	}
	return m;
}

/** Quantisation scale mapping the largest |value| to 127 (int8 range held in i16 lanes). */
export function quantScale(matrix: TokenMatrix): number {
	const m = maxAbs(matrix);
	return m > 0 ? 127 / m : 1;
}

/** Writes `doc` as i16 panels (values `round(x * scale)`) in blocks of `blockPanels`; needs `panels * 4 * paddedDim` i16. */
export function packDocI16(doc: TokenMatrix, blockPanels: number, scale: number, out: Int16Array, at: number): void {
	const { rows, dim, data } = doc;
	const dimP = paddedDim(dim);
	const { nBlocks, tail } = docShape(rows, blockPanels);
	for (let b = 0; b <= nBlocks; b++) {
		const width = b < nBlocks ? blockPanels : tail;
		if (width === 0) break;
		const base = at + b * blockPanels * 4 * dimP;
		const stride = width * 8; // i16 values per component pair
		for (let p = 0; p < width; p++) {
			for (let t = 0; t < 4; t++) {
				const row = Math.min((b * blockPanels + p) * 4 + t, rows - 1) * dim;
				const o = base + p * 8 + t * 2;
				for (let k = 0; k < dimP; k++) {
					out[o + (k >> 1) * stride + (k & 1)] = k < dim ? Math.round(data[row + k] * scale) : 0;
				}
			}
		}
	}
}

/** Query row pairs: `ceil(rows / 2)`; an odd count gets a zero row, which adds exactly 0. */
export function queryPairs(rows: number): number {
	return (rows + 1) >> 1;
}

/** The query as interleaved f32 row pairs: `pairs * paddedDim * 2` floats. */
export function packQueryF32(query: TokenMatrix): Float32Array {
	const { rows, dim, data } = query;
	const dimP = paddedDim(dim);
	const out = new Float32Array(queryPairs(rows) * dimP * 2);
	for (let i = 0; i < rows; i++) {
		const base = (i >> 1) * dimP * 2 + (i & 1);
		for (let k = 0; k < dim; k++) out[base + k * 2] = data[i * dim + k];
	}
	return out;
}

/** The query as interleaved i16 row pairs (`round(x * scale)`): `pairs * paddedDim * 2` values. */
export function packQueryI16(query: TokenMatrix, scale: number): Int16Array {
	const { rows, dim, data } = query;
	const dimP = paddedDim(dim);
	const out = new Int16Array(queryPairs(rows) * dimP * 2);
	for (let i = 0; i < rows; i++) {
		const base = (i >> 1) * dimP * 2 + (i & 1) * 2;
		for (let k = 0; k < dim; k++) out[base + (k >> 1) * 4 + (k & 1)] = Math.round(data[i * dim + k] * scale);
	}
	return out;
}
