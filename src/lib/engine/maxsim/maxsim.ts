import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import type { MaxSimBackendName } from './backends';

/**
 * MaxSim, the late-interaction score of ColBERT (Khattab & Zaharia, SIGIR 2020, eq. 3):
 * `S(q, d) = sum_i max_j q_i . d_j` over the query's `nq` rows and the document's `nd` rows.
 * No normalisation by query length. This function is the specification every backend is tested against.
 *
 * Shapes: `query` nq x dim, `doc` nd x dim. A document with no tokens scores 0.
 * @example
 * // q = [[1, 0], [0, 1]], d = [[0.6, 0.8], [1, 0]]
 * // row 0: max(0.6, 1) = 1; row 1: max(0.8, 0) = 0.8; score 1.8
 * maxSim({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 },
 *        { data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }) // 1.8
 */
export function maxSim(query: TokenMatrix, doc: TokenMatrix): number {
	if (query.dim !== doc.dim) {
		throw createError('DIM_MISMATCH', { expected: query.dim, actual: doc.dim, detail: ' (query vs document)' });
	}
	const { dim } = query;
	if (doc.rows === 0) return 0;
	let total = 0;
	for (let i = 0; i < query.rows; i++) {
		const qOffset = i * dim;
		let best = -Infinity;
		for (let j = 0; j < doc.rows; j++) {
			const dOffset = j * dim;
			let dot = 0;
			for (let k = 0; k < dim; k++) dot += query.data[qOffset + k] * doc.data[dOffset + k];
			if (dot > best) best = dot;
		}
		total += best;
	}
	return total;
}

export type { MaxSimBackendName };

/** One scored document: `index` is its position in the store (insertion order). */
export interface ScoredIndex {
	index: number;
	score: number;
}

/**
 * A set of multi-vector documents packed once and kept resident (JS arrays, WASM memory or a GPU
 * buffer), scored against many queries. Documents have variable token counts and one fixed `dim`.
 * All calls are async, whatever the backend, so callers never branch on it.
 */
export interface MaxSimScorer {
	readonly backend: MaxSimBackendName;
	/** Worker threads in use (1 for js and webgpu). */
	readonly threads: number;
	readonly dim: number;
	/** Number of documents stored. */
	readonly size: number;
	/** Appends documents (each nd x dim, nd >= 0); they get indices size, size + 1, ... */
	add(docs: TokenMatrix[]): Promise<void>;
	/**
	 * A hint before `add`: documents of these row counts come next. A scorer whose memory grows (WASM)
	 * takes exactly their room, and a call's scratch over them, at once, instead of growing by halves
	 * (which leaves up to half the arena unused). Optional; adding more or fewer later still works.
	 */
	reserve?(rows: readonly number[]): Promise<void>;
	/** One score per stored document, in index order; or, with `subset`, one per listed index, in that order. */
	score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array>;
	/** The `k` best documents (of all, or of `subset`), best first; ties broken by lower index. */
	topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]>;
	/** Frees workers, WASM memory and GPU buffers. The scorer is unusable afterwards. */
	dispose(): Promise<void>;
}

/** What `auto` chose and why, for display ("wasm: SIMD128, 2 threads; webgpu: no adapter"). */
export interface BackendChoice {
	backend: MaxSimBackendName;
	reason: string;
}
