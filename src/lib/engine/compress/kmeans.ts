/**
 * Seeded k-means over unit vectors, as ColBERTv2 trains its centroids (stanford-futuredata/ColBERT
 * `indexing/collection_indexer.py` `_train_kmeans`: faiss `Kmeans(dim, k, niter, seed)` on a sample
 * of the document vectors, then the centroids are L2-normalised). Also the exact nearest-centroid
 * assignment every vector needs afterwards (its centroid id), which is where the time goes: `n x k`
 * dot products, on the WASM SIMD128 kernel (`nearest-centroids-wasm.ts`) or, as the reference and
 * fallback, in 4 x 4 register blocks over flat Float32Arrays.
 */
import { createError } from '../errors';
import { dot4x4 } from './blocked-dot';
import { NEAREST_WASM_MIN_WORK, prepareNearestWasm, type NearestWasm } from './nearest-centroids-wasm';
import { uniformRandom } from '../random';
import type { TokenMatrix } from '../types';

/** The centroid count ColBERTv2 picks: `2^floor(log2(16 sqrt(numVectors)))` (at least 1). @example defaultCentroidCount(1_000_000) // 8192 */
export function defaultCentroidCount(numVectors: number): number {
	if (numVectors < 1) return 1;
	return 2 ** Math.max(0, Math.floor(Math.log2(16 * Math.sqrt(numVectors))));
}

/** Vectors k-means trains on for `k` centroids when no sample size is given: 64 per centroid, at least 4096. @example kmeansSampleSize(1024) // 65536 */
export function kmeansSampleSize(k: number): number {
	return Math.max(4096, 64 * k);
}

/**
 * ColBERTv2's document sample for k-means (`_sample_pids`, typical document length 120):
 * `min(n, 1 + floor(16 sqrt(120 n)))` documents of `n`. @example documentSampleSize(5000) // 5000
 */
export function documentSampleSize(documents: number): number {
	return Math.min(documents, 1 + Math.floor(16 * Math.sqrt(120 * documents)));
}

export interface KMeansOptions {
	/** Number of centroids (default `defaultCentroidCount` of all vectors). */
	k?: number;
	/** Lloyd iterations (default 4, ColBERTv2's `kmeans_niters`). */
	iterations?: number;
	/** Seed of the sample and the initial centroids (default 123, ColBERTv2's faiss seed). */
	seed?: number;
	/** At most this many vectors are sampled for training (default 64 per centroid, at least 4096). */
	sample?: number;
	/** Progress: `done` of `total` vectors of one step (`kmeans-assign` per iteration, `kmeans-sample`). */
	onProgress?: (p: { stage: string; done: number; total: number }) => void;
	/** Where the assignments run (`nearestCentroids`; default `auto`): the result is the same either way. */
	backend?: NearestBackend;
}

/** Rows `rows` (in order) gathered from `docs` (one matrix, or many concatenated) into one matrix. */
export function gatherRows(docs: TokenMatrix | readonly TokenMatrix[], rows: ArrayLike<number>): TokenMatrix {
	const list = Array.isArray(docs) ? (docs as readonly TokenMatrix[]) : [docs as TokenMatrix];
	const dim = list[0]?.dim ?? 0;
	const out = new Float32Array(rows.length * dim);
	let doc = 0;
	let first = 0; // global row index of list[doc]'s row 0
	let prev = -1;
	for (let i = 0; i < rows.length; i++) {
		const r = rows[i];
		if (r < prev) throw createError('BAD_ARGUMENT', { detail: 'gatherRows: row indices must be increasing' });
		prev = r;
		while (doc < list.length && r >= first + list[doc].rows) first += list[doc++].rows;
		if (doc >= list.length) throw createError('BAD_ARGUMENT', { detail: `gatherRows: row ${r} is past the last vector` });
		const m = list[doc];
		out.set(m.data.subarray((r - first) * dim, (r - first + 1) * dim), i * dim);
	}
	return { data: out, rows: rows.length, dim };
}

/** `count` distinct indices of `0..n-1`, increasing, drawn with a seeded partial Fisher-Yates shuffle. @example sampleIndices(10, 3, 1) // e.g. [2, 5, 9] */
export function sampleIndices(n: number, count: number, seed: number): Int32Array {
	const m = Math.min(n, count);
	const random = uniformRandom(seed);
	if (m === n) return Int32Array.from({ length: n }, (_, i) => i);
	// Sparse Fisher-Yates: only the swapped positions are stored, so sampling 1e5 of 1e7 costs 1e5.
	const swapped = new Map<number, number>();
	const out = new Int32Array(m);
	for (let i = 0; i < m; i++) {
		const j = i + Math.floor(random() * (n - i));
		const vi = swapped.get(i) ?? i;
		const vj = swapped.get(j) ?? j;
		out[i] = vj;
		swapped.set(j, vi);
	}
	return out.sort();
}

/** Where `nearestCentroids` runs: `auto` (the WASM kernel when the runtime has SIMD128 and the work is not tiny), `wasm` (the kernel or an error), `js` (the reference). */
export type NearestBackend = 'auto' | 'wasm' | 'js';

/** Options of `nearestCentroids`. */
export interface NearestOptions {
	/** Subtracted from each centroid's dot product (`|c|^2 / 2` gives the nearest centroid in L2). */
	bias?: Float32Array;
	onProgress?: (done: number, total: number) => void;
	/** Default `auto`. Both paths return the same ids and scores, bit for bit. */
	backend?: NearestBackend;
}


/**
 * For every row of `vectors`, the centroid with the largest `x . c - bias[c]` (ties: lower id), and
 * that value. With `bias[c] = |c|^2 / 2` this is the nearest centroid in L2; with no bias (unit
 * centroids) the most similar one, which is the same thing for unit vectors. Runs on the WASM
 * SIMD128 kernel (`nearest-centroids-wasm.ts`, ~8x the JS loop on one thread) where available, with the same
 * results as the JS reference `nearestCentroidsJs`.
 * Shapes: `vectors` n x dim, `centroids` k x dim; returns `ids` (n) and `scores` (n).
 * @example
 * nearestCentroids({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }, { data: Float32Array.of(0, 1, 0.8, 0.6), rows: 2, dim: 2 }).ids // Int32Array [1, 0]
 */
export function nearestCentroids(vectors: TokenMatrix, centroids: TokenMatrix, options: NearestOptions = {}): { ids: Int32Array; scores: Float32Array } {
	return prepareNearestCentroids(centroids, options)(vectors, options.onProgress);
}

/**
 * `nearestCentroids` against fixed centroids, for many batches of rows (the residual codec encodes
 * document by document): the WASM kernel packs the centroids once, on the first batch large enough
 * to use it. `centroids` and `bias` must not change while the returned function is in use.
 * @example
 * const assign = prepareNearestCentroids({ data: Float32Array.of(0, 1, 0.8, 0.6), rows: 2, dim: 2 });
 * assign({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }).ids // Int32Array [1, 0]
 */
export function prepareNearestCentroids(
	centroids: TokenMatrix,
	options: Pick<NearestOptions, 'bias' | 'backend'> = {}
): (vectors: TokenMatrix, onProgress?: (done: number, total: number) => void) => { ids: Int32Array; scores: Float32Array } {
	const backend = options.backend ?? 'auto';
	let wasm: NearestWasm | null | undefined;
	return (vectors, onProgress) => {
		checkShapes(vectors, centroids);
		if (backend === 'wasm' || (backend === 'auto' && vectors.rows * centroids.rows * vectors.dim >= NEAREST_WASM_MIN_WORK)) {
			if (wasm === undefined) wasm = prepareNearestWasm(centroids, options.bias);
			if (wasm) {
				const { ids, scores } = wasm.assign(vectors, onProgress);
				return { ids, scores };
			}
			if (backend === 'wasm') throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: 'no WebAssembly SIMD128 for the nearest-centroid kernel' });
		}
		return nearestCentroidsJs(vectors, centroids, { bias: options.bias, onProgress });
	};
}

function checkShapes(vectors: TokenMatrix, centroids: TokenMatrix): void {
	if (centroids.dim !== vectors.dim) throw createError('DIM_MISMATCH', { expected: vectors.dim, actual: centroids.dim, detail: ' (centroids vs vectors)' });
	if (centroids.rows < 1) throw createError('BAD_ARGUMENT', { detail: 'nearestCentroids needs at least one centroid' });
}

/**
 * The JS reference of `nearestCentroids` (and its fallback without WASM SIMD128): 4 x 4 register
 * blocks of `dot4x4`, f64 sums, ids scanned upwards with a strict `>`.
 * @example
 * nearestCentroidsJs({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }, { data: Float32Array.of(0, 1, 0.8, 0.6), rows: 2, dim: 2 }).ids // Int32Array [1, 0]
 */
export function nearestCentroidsJs(vectors: TokenMatrix, centroids: TokenMatrix, options: Pick<NearestOptions, 'bias' | 'onProgress'> = {}): { ids: Int32Array; scores: Float32Array } {
	checkShapes(vectors, centroids);
	const { dim } = vectors;
	const n = vectors.rows;
	const k = centroids.rows;
	const x = vectors.data;
	const c = centroids.data;
	const bias = options.bias ?? new Float32Array(k);
	const ids = new Int32Array(n);
	const scores = new Float32Array(n).fill(-Infinity);
	const k4 = k - (k % 4);
	const step = Math.max(4, 4 * Math.floor(16384 / Math.max(1, k))); // report about every 64M multiply-adds / dim
	const s = new Float64Array(16);
	const best = new Float64Array(4);
	const arg = new Int32Array(4);
	for (let i = 0; i < n; i += 4) {
		const rowsHere = Math.min(4, n - i);
		// Missing rows of the last block reuse row i: computed, never stored.
		const o0 = i * dim;
		const o1 = (rowsHere > 1 ? i + 1 : i) * dim;
		const o2 = (rowsHere > 2 ? i + 2 : i) * dim;
		const o3 = (rowsHere > 3 ? i + 3 : i) * dim;
		best.fill(-Infinity);
		arg.fill(0);
		// Full blocks of 4 centroids, then the last k % 4 one by one (the block padded with the same centroid).
		for (let j = 0; j < k; ) {
			const cols = j < k4 ? 4 : 1;
			const p0 = j * dim;
			const p1 = cols > 1 ? p0 + dim : p0;
			dot4x4(x, o0, o1, o2, o3, c, p0, p1, cols > 1 ? p1 + dim : p0, cols > 1 ? p1 + 2 * dim : p0, dim, s);
			// Strict > keeps the lower id on ties, scanning ids upwards.
			for (let r = 0; r < 4; r++) {
				for (let q = 0; q < cols; q++) {
					const v = s[4 * r + q] - bias[j + q];
					if (v > best[r]) {
						best[r] = v;
						arg[r] = j + q;
					}
				}
			}
			j += cols;
		}
		for (let r = 0; r < rowsHere; r++) {
			ids[i + r] = arg[r];
			scores[i + r] = best[r];
		}
		if (options.onProgress && (i / 4) % (step / 4) === 0) options.onProgress(i + rowsHere, n);
	}
	options.onProgress?.(n, n);
	return { ids, scores };
}

/** Rows of `m` scaled to unit length in place (zero rows stay zero). */
export function normalizeRows(m: TokenMatrix): TokenMatrix {
	const { data, rows, dim } = m;
	for (let r = 0; r < rows; r++) {
		let s = 0;
		for (let d = 0; d < dim; d++) s += data[r * dim + d] * data[r * dim + d];
		if (s === 0) continue;
		const inv = 1 / Math.sqrt(s);
		for (let d = 0; d < dim; d++) data[r * dim + d] *= inv;
	}
	return m;
}

/**
 * k-means (Lloyd) on a seeded sample of the rows of `vectors` (one matrix, or the documents' matrices
 * in order): `k` distinct sampled rows as the initial centroids, `iterations` assign/update rounds,
 * an emptied centroid re-seeded from a random member of the largest cluster (as faiss splits big
 * clusters), then the centroids are L2-normalised (as ColBERTv2 does after faiss).
 * Shapes: returns `k x dim` unit rows (k is capped at the number of sampled vectors).
 * @example
 * const c = trainKMeans({ data: Float32Array.of(1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9), rows: 4, dim: 2 }, { k: 2 });
 * // two unit centroids, near (0.99, 0.05) and (0.05, 0.99) in some order
 */
export function trainKMeans(vectors: TokenMatrix | readonly TokenMatrix[], options: KMeansOptions = {}): TokenMatrix {
	const list = Array.isArray(vectors) ? (vectors as readonly TokenMatrix[]) : [vectors as TokenMatrix];
	const total = list.reduce((s, m) => s + m.rows, 0);
	if (total === 0) throw createError('BAD_ARGUMENT', { detail: 'k-means needs at least one vector' });
	const k0 = options.k ?? defaultCentroidCount(total);
	if (!Number.isInteger(k0) || k0 < 1) throw createError('BAD_ARGUMENT', { detail: `k-means k must be a positive integer, got ${String(k0)}` });
	const iterations = options.iterations ?? 4;
	const seed = options.seed ?? 123;
	const sampleSize = options.sample ?? kmeansSampleSize(k0);
	const train = gatherRows(list, sampleIndices(total, sampleSize, seed));
	const { rows: n, dim } = train;
	const k = Math.min(k0, n);
	const random = uniformRandom(seed ^ 0x5bd1e995);
	const init = sampleIndices(n, k, seed + 1);
	const centroids: TokenMatrix = { data: new Float32Array(k * dim), rows: k, dim };
	for (let j = 0; j < k; j++) centroids.data.set(train.data.subarray(init[j] * dim, (init[j] + 1) * dim), j * dim);
	const x = train.data;
	const sums = new Float64Array(k * dim);
	const counts = new Int32Array(k);
	const bias = new Float32Array(k);
	for (let it = 0; it < iterations; it++) {
		for (let j = 0; j < k; j++) {
			let s = 0;
			for (let d = 0; d < dim; d++) s += centroids.data[j * dim + d] ** 2;
			bias[j] = s / 2;
		}
		const { ids } = nearestCentroids(train, centroids, { bias, backend: options.backend, onProgress: (done, all) => options.onProgress?.({ stage: `kmeans-iteration-${it + 1}`, done, total: all }) });
		sums.fill(0);
		counts.fill(0);
		for (let i = 0; i < n; i++) {
			const j = ids[i];
			counts[j]++;
			for (let d = 0; d < dim; d++) sums[j * dim + d] += x[i * dim + d];
		}
		let largest = 0;
		for (let j = 1; j < k; j++) if (counts[j] > counts[largest]) largest = j;
		for (let j = 0; j < k; j++) {
			if (counts[j] > 0) {
				for (let d = 0; d < dim; d++) centroids.data[j * dim + d] = sums[j * dim + d] / counts[j];
				continue;
			}
			// Empty cluster: restart it on a random vector of the largest cluster.
			const members: number[] = [];
			for (let i = 0; i < n; i++) if (ids[i] === largest) members.push(i);
			const pick = members[Math.floor(random() * members.length)] ?? Math.floor(random() * n);
			centroids.data.set(x.subarray(pick * dim, (pick + 1) * dim), j * dim);
		}
	}
	return normalizeRows(centroids);
}
