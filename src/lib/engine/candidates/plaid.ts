/**
 * PLAID's candidate stages (Santhanam et al., CIKM 2022; stanford-futuredata/ColBERT
 * `search/index_storage.py` `score_pids` and `modeling/filter_pids.cpp`), as pure functions over
 * centroid ids, so each can be checked against a brute-force reference:
 *  1. each query token probes its `nprobe` most similar centroids (ColBERT's `ncells`); candidates are
 *     the documents with a token in a probed centroid (the inverted lists);
 *  2. centroid interaction with pruning: a document's score is MaxSim with each of its tokens replaced
 *     by its centroid, counting only centroids whose best query-token score is >= `threshold`;
 *     keep the best `ndocs`;
 *  3. centroid interaction without pruning on those; keep the best `ndocs / 4`;
 *  4. MaxSim with decoded residuals (or exact vectors) on those (done by the index).
 */
import { dotAll } from '../compress/blocked-dot';
import type { ScoredIndex } from '../maxsim/maxsim';
import type { TokenMatrix } from '../types';
import { topIndices } from './top';

/** PLAID's search defaults by the number of results `k` (ColBERT `Searcher.search`). */
export interface PlaidSettings {
	/** Centroids probed per query token (ColBERT `ncells`). */
	nprobe: number;
	/** Stage 2 drops centroids whose best query-token score is below this (`centroid_score_threshold`). */
	threshold: number;
	/** Documents kept after stage 2; stage 3 keeps `floor(ndocs / 4)`. */
	ndocs: number;
}

/**
 * @example plaidDefaults(10) // { nprobe: 1, threshold: 0.5, ndocs: 256 }
 * plaidDefaults(1000) // { nprobe: 4, threshold: 0.4, ndocs: 4096 }
 */
export function plaidDefaults(k: number): PlaidSettings {
	if (k <= 10) return { nprobe: 1, threshold: 0.5, ndocs: 256 };
	if (k <= 100) return { nprobe: 2, threshold: 0.45, ndocs: 1024 };
	return { nprobe: 4, threshold: 0.4, ndocs: Math.max(4 * k, 4096) };
}

/**
 * Query-token x centroid similarities, stored centroid-major (`k x nq`: row c holds centroid c's
 * score with every query token) so that scanning a document's centroids reads contiguous rows.
 * @example centroidScores({ data: Float32Array.of(1, 0), rows: 1, dim: 2 }, { data: Float32Array.of(0.6, 0.8, 0, 1), rows: 2, dim: 2 }) // Float32Array [0.6, 0]
 */
export function centroidScores(query: TokenMatrix, centroids: TokenMatrix): Float32Array {
	const out = new Float32Array(centroids.rows * query.rows);
	// 4 centroids x 4 query tokens per pass over dim (ColBERT computes this as one matmul on the GPU).
	dotAll(centroids.data, centroids.rows, query.data, query.rows, query.dim, out);
	return out;
}

/** Stage 1: the union of every query token's `nprobe` most similar centroids (ties: lower id), as a 0/1 mask over centroids. */
export function probedCentroids(scores: Float32Array, nq: number, k: number, nprobe: number): Uint8Array {
	const probed = new Uint8Array(k);
	const column = new Float32Array(k);
	for (let i = 0; i < nq; i++) {
		for (let j = 0; j < k; j++) column[j] = scores[j * nq + i];
		for (const t of topIndices(column, nprobe)) probed[t.index] = 1;
	}
	return probed;
}

/** Stage 2's mask: centroids whose best score over the query tokens is >= `threshold`. */
export function centroidsAboveThreshold(scores: Float32Array, nq: number, k: number, threshold: number): Uint8Array {
	const keep = new Uint8Array(k);
	for (let j = 0; j < k; j++) {
		let best = -Infinity;
		for (let i = 0; i < nq; i++) best = Math.max(best, scores[j * nq + i]);
		if (best >= threshold) keep[j] = 1;
	}
	return keep;
}

/** Each document's distinct centroid ids: `codes[offsets[d] .. offsets[d + 1]]`. */
export interface DocCentroids {
	codes: Int32Array;
	offsets: Int32Array;
}

/**
 * Centroid interaction of documents `docs`: `sum_i max_c scores[c, i]` over the document's centroids
 * `c` (only those with `keep[c]`, when given). A document with no counted centroid scores -Infinity
 * (PLAID's filter gives such documents a sentinel far below any real score).
 * @example
 * // query of 2 tokens; centroid 0 scores (1, 0), centroid 1 scores (0.2, 0.9); doc 0 has both
 * centroidInteraction(Float32Array.of(1, 0, 0.2, 0.9), 2, { codes: Int32Array.of(0, 1), offsets: Int32Array.of(0, 2) }, [0]) // Float32Array [1.9]
 */
export function centroidInteraction(scores: Float32Array, nq: number, docCentroids: DocCentroids, docs: ArrayLike<number>, keep?: Uint8Array): Float32Array {
	const { codes, offsets } = docCentroids;
	const out = new Float32Array(docs.length);
	const best = new Float32Array(nq);
	for (let n = 0; n < docs.length; n++) {
		const d = docs[n];
		best.fill(-Infinity);
		let any = false;
		for (let p = offsets[d]; p < offsets[d + 1]; p++) {
			const c = codes[p];
			if (keep && !keep[c]) continue;
			any = true;
			const o = c * nq;
			for (let i = 0; i < nq; i++) if (scores[o + i] > best[i]) best[i] = scores[o + i];
		}
		if (!any) {
			out[n] = -Infinity;
			continue;
		}
		let s = 0;
		for (let i = 0; i < nq; i++) s += best[i];
		out[n] = s;
	}
	return out;
}

/** `docs` re-indexed: the best `n` of `scores` (aligned with `docs`), as document ids with their scores, best first. */
export function bestOf(docs: ArrayLike<number>, scores: Float32Array, n: number): ScoredIndex[] {
	return topIndices(scores, n).map((t) => ({ index: docs[t.index], score: t.score }));
}
