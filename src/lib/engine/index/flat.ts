/**
 * Exact ("flat") dense search: every document vector is scored against the query, no approximation.
 * Vectors live in one row-major `nDocs x dim` Float32Array. Metrics:
 * - `cosine`: `q . d / (|q| |d|)` (document norms computed once; a zero vector scores 0);
 * - `dot`: `q . d` (equals cosine for unit vectors, as sentence-transformers' normalised models give);
 * - `l2`: `-|q - d|` (negated Euclidean distance, so that higher is better everywhere).
 */
import { createError } from '../errors';
import { topKOf } from '../maxsim/top-k';
import type { TokenMatrix } from '../types';

export type DenseMetric = 'cosine' | 'dot' | 'l2';
export const DENSE_METRICS: readonly DenseMetric[] = ['cosine', 'dot', 'l2'];

/** Resolves a metric name; `UNKNOWN_OPTION` for anything else. @example denseMetric('dot') // 'dot' */
export function denseMetric(name: string | undefined): DenseMetric {
	const value = name ?? 'cosine';
	if (!(DENSE_METRICS as readonly string[]).includes(value)) {
		throw createError('UNKNOWN_OPTION', { what: 'dense metric', value, expected: DENSE_METRICS.join(', ') });
	}
	return value as DenseMetric;
}

/** One hit of a flat search: `index` is the row of the matrix. */
export interface FlatHit {
	index: number;
	score: number;
}

/**
 * A flat index over `matrix` (`nDocs x dim`).
 * @example
 * const index = new FlatIndex({ data: Float32Array.of(1, 0, 0.6, 0.8), rows: 2, dim: 2 }, 'dot');
 * index.search(Float32Array.of(0, 1), 1) // [{ index: 1, score: 0.8 }]
 */
export class FlatIndex {
	readonly metric: DenseMetric;
	readonly matrix: TokenMatrix;
	private readonly norms: Float32Array;

	constructor(matrix: TokenMatrix, metric: DenseMetric = 'cosine') {
		if (matrix.data.length < matrix.rows * matrix.dim) {
			throw createError('BAD_ARGUMENT', { detail: `FlatIndex: ${matrix.rows} x ${matrix.dim} needs ${matrix.rows * matrix.dim} floats, got ${matrix.data.length}` });
		}
		this.metric = denseMetric(metric);
		this.matrix = matrix;
		this.norms = new Float32Array(matrix.rows);
		const { data, dim } = matrix;
		for (let r = 0; r < matrix.rows; r++) {
			let s = 0;
			for (let k = 0; k < dim; k++) s += data[r * dim + k] * data[r * dim + k];
			this.norms[r] = Math.sqrt(s);
		}
	}

	get size(): number {
		return this.matrix.rows;
	}

	/** One score per document (or per listed row of `subset`, in that order). */
	score(query: Float32Array, subset?: ArrayLike<number>): Float32Array {
		const { data, dim, rows } = this.matrix;
		if (query.length !== dim) throw createError('DIM_MISMATCH', { expected: dim, actual: query.length, detail: ' (query vector vs index)' });
		let qq = 0;
		for (let k = 0; k < dim; k++) qq += query[k] * query[k];
		const qNorm = Math.sqrt(qq);
		const n = subset ? subset.length : rows;
		const out = new Float32Array(n);
		for (let i = 0; i < n; i++) {
			const r = subset ? subset[i] : i;
			if (r < 0 || r >= rows) throw createError('BAD_ARGUMENT', { detail: `FlatIndex: row ${r} outside 0..${rows - 1}` });
			const at = r * dim;
			let dot = 0;
			for (let k = 0; k < dim; k++) dot += query[k] * data[at + k];
			if (this.metric === 'dot') out[i] = dot;
			else if (this.metric === 'cosine') out[i] = qNorm === 0 || this.norms[r] === 0 ? 0 : dot / (qNorm * this.norms[r]);
			// |q - d|^2 = |q|^2 + |d|^2 - 2 q.d; clamp rounding below zero.
			else out[i] = -Math.sqrt(Math.max(0, qq + this.norms[r] * this.norms[r] - 2 * dot));
		}
		return out;
	}

	/** The `k` best rows (of all, or of `subset`), best first, ties by lower row. */
	search(query: Float32Array, k: number, subset?: ArrayLike<number>): FlatHit[] {
		return topKOf(this.score(query, subset), k, subset);
	}
}
