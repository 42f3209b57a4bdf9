/**
 * Small vector operations of the encoders, on row-major Float32Arrays: pooling over the attention
 * mask, the bias-free ColBERT projection, per-row L2 normalisation.
 *
 * @example
 * meanPool(Float32Array.of(1, 2, 3, 4, 9, 9), 3, 2, [1, 1, 0]) // Float32Array [2, 3] (third token masked)
 */

/** Mean of the rows whose mask is 1 (sentence-transformers `Pooling`, mean mode). */
export function meanPool(rows: Float32Array, n: number, dim: number, mask: number[]): Float32Array {
	const out = new Float32Array(dim);
	let count = 0;
	for (let i = 0; i < n; i++) {
		if (!mask[i]) continue;
		count++;
		for (let d = 0; d < dim; d++) out[d] += rows[i * dim + d];
	}
	// sentence-transformers clamps the count at 1e-9; an all-masked row stays zero.
	const c = Math.max(count, 1e-9);
	for (let d = 0; d < dim; d++) out[d] /= c;
	return out;
}

/** In place: each `dim`-wide row divided by max(||row||, 1e-12) (torch.nn.functional.normalize). */
export function normalizeRows(data: Float32Array, dim: number): Float32Array {
	for (let r = 0; r < data.length / dim; r++) {
		let s = 0;
		for (let d = 0; d < dim; d++) s += data[r * dim + d] ** 2;
		const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
		for (let d = 0; d < dim; d++) data[r * dim + d] *= inv;
	}
	return data;
}

/** `rows` [n, hidden] times W^T, W = `weight` [outDim, hidden] (torch Linear without bias). */
export function project(rows: Float32Array, n: number, hidden: number, weight: Float32Array, outDim: number): Float32Array {
	const out = new Float32Array(n * outDim);
	for (let i = 0; i < n; i++) {
		for (let o = 0; o < outDim; o++) {
			let s = 0;
			for (let h = 0; h < hidden; h++) s += rows[i * hidden + h] * weight[o * hidden + h];
			out[i * outDim + o] = s;
		}
	}
	return out;
}
