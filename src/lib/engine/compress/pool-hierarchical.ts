/**
 * Hierarchical token pooling, as PyLate's `pool_embeddings_hierarchical` (lightonai/pylate,
 * `pylate/models/colbert.py`; Clavié 2024, "A little pooling goes a long way"): the first document
 * vector ([CLS]) is protected; the other `n` are clustered by Ward linkage over the condensed `1 - cos`
 * distances (dot products and distances in float32, as PyLate's torch matmul), cut into
 * `max(n // factor, 1)` clusters with scipy's `fcluster(..., criterion="maxclust")`, and each cluster
 * becomes the unnormalised mean of its vectors. Output: the protected vector, then the means in cluster
 * label order. A cut that would not reduce anything leaves the document as it is. Never for queries.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import { fclusterMaxclust, wardLinkage } from './ward-linkage';

/** A pooled document: its vectors and, per output row, the input rows it averages. */
export interface PooledDocument {
	matrix: TokenMatrix;
	/** `groups[r]`: input row indices behind output row r (`groups[0]` is `[0]`, the protected vector). */
	groups: number[][];
}

/** Validates a pool factor (an integer >= 1), else `BAD_ARGUMENT`. */
export function poolFactorOf(value: unknown): number {
	const factor = value ?? 1;
	if (typeof factor !== 'number' || !Number.isInteger(factor) || factor < 1) {
		throw createError('BAD_ARGUMENT', { detail: `pool must be an integer factor >= 1 (1 = no pooling), got ${String(value)}` });
	}
	return factor;
}

/** The condensed `1 - x·y` distances of rows `first..rows-1`, each rounded to float32 (PyLate's numpy float32). */
export function condensedCosineDistances(doc: TokenMatrix, first = 1): Float64Array {
	const { data, dim } = doc;
	const n = doc.rows - first;
	const out = new Float64Array((n * (n - 1)) / 2);
	let at = 0;
	for (let i = 0; i < n; i++) {
		const a = (first + i) * dim;
		for (let j = i + 1; j < n; j++) {
			const b = (first + j) * dim;
			let s = 0;
			for (let k = 0; k < dim; k++) s += data[a + k] * data[b + k];
			out[at++] = Math.fround(1 - Math.fround(s));
		}
	}
	return out;
}

/**
 * Pools one document's vectors (rows are unit vectors, as a ColBERT encoder keeps them).
 * @example
 * // [CLS] + four vectors: two near (1,0), two near (0,1); factor 2 -> 2 clusters
 * const doc = { data: Float32Array.of(0,1, 1,0, 0.96,0.28, 0,1, 0.28,0.96), rows: 5, dim: 2 };
 * poolHierarchical(doc, 2).matrix // rows [0,1], [0.98,0.14], [0.14,0.98]; groups [[0], [1,2], [3,4]]
 */
export function poolHierarchical(doc: TokenMatrix, factor: number): PooledDocument {
	poolFactorOf(factor);
	const n = doc.rows - 1;
	const identity = (): PooledDocument => ({ matrix: doc, groups: Array.from({ length: doc.rows }, (_, i) => [i]) });
	if (factor === 1 || n < 2) return identity();
	const k = Math.max(Math.floor(n / factor), 1);
	if (k >= n) return identity();
	const labels = fclusterMaxclust(wardLinkage(condensedCosineDistances(doc, 1), n), n, k);
	let clusters = 0;
	for (const l of labels) if (l > clusters) clusters = l;
	const groups: number[][] = [[0]];
	for (let c = 0; c < clusters; c++) groups.push([]);
	labels.forEach((l, i) => groups[l].push(i + 1));
	const dim = doc.dim;
	const data = new Float32Array(groups.length * dim);
	data.set(doc.data.subarray(0, dim), 0);
	const sum = new Float64Array(dim);
	for (let g = 1; g < groups.length; g++) {
		sum.fill(0);
		for (const r of groups[g]) for (let c = 0; c < dim; c++) sum[c] += doc.data[r * dim + c];
		for (let c = 0; c < dim; c++) data[g * dim + c] = sum[c] / groups[g].length;
	}
	return { matrix: { data, rows: groups.length, dim }, groups };
}
