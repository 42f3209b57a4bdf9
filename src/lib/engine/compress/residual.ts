/**
 * The ColBERTv2 residual codec (Santhanam et al., NAACL 2022; stanford-futuredata/ColBERT
 * `indexing/codecs/residual.py` and `collection_indexer.py` `_compute_avg_residual`): a vector is
 * stored as the id of its nearest k-means centroid plus its residual `x - c`, quantised per
 * dimension into `2^bits` buckets. The bucket cutoffs are the quantiles `i / 2^bits`
 * (i = 1 .. 2^bits - 1) and the bucket weights the quantiles `(i + 0.5) / 2^bits` (i = 0 .. 2^bits - 1)
 * of held-out residual values, all dimensions pooled (torch.quantile, linear interpolation).
 * Decoding: centroid + weights[code] per dimension, then L2-normalised.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import { defaultCentroidCount, gatherRows, kmeansSampleSize, nearestCentroids, prepareNearestCentroids, sampleIndices, trainKMeans } from './kmeans';

/** Documents' vectors in residual form. Shapes: `centroidIds` rows; `codes` rows x `codeBytes`. */
export interface ResidualMatrix {
	rows: number;
	dim: number;
	bits: 1 | 2;
	centroidIds: Int32Array;
	/** Bucket codes packed least-significant bit first: dimension d at bits `d·bits .. d·bits+bits-1`. */
	codes: Uint8Array;
}

export interface ResidualCodecOptions {
	bits: 1 | 2;
	/** Centroid count (default `defaultCentroidCount` of all vectors, as ColBERTv2). */
	centroids?: number;
	/** Seed of the sample, the held-out split and k-means (default 123). */
	seed?: number;
	/** Vectors sampled for k-means and the held-out residuals (default: k-means' default). */
	sample?: number;
	/** k-means iterations (default 4). */
	iterations?: number;
	onProgress?: (p: { stage: string; done: number; total: number }) => void;
}

export interface ResidualCodec {
	readonly bits: 1 | 2;
	readonly dim: number;
	/** k x dim unit rows. */
	readonly centroids: TokenMatrix;
	/** 2^bits - 1 increasing bucket cutoffs. */
	readonly cutoffs: Float32Array;
	/** 2^bits bucket weights (the value a code decodes to). */
	readonly weights: Float32Array;
	/** Bytes of one vector's packed codes: `ceil(dim·bits / 8)`. */
	readonly codeBytes: number;
	/** Bytes per stored vector: codes plus a 4-byte centroid id (ColBERTv2 stores an int32). */
	readonly bytesPerVector: number;
	/** Bytes of the shared table: centroids (fp32), cutoffs and weights. */
	readonly tableBytes: number;
	/** Each row's centroid (largest dot product, as ColBERTv2's `compress_into_codes`) and bucket codes. */
	encode(m: TokenMatrix): ResidualMatrix;
	/** Decoded (centroid + residual weights, renormalised) vectors, written to `into` when given (at least rows x dim values). */
	decode(r: ResidualMatrix, into?: Float32Array): TokenMatrix;
}

/** Held-out vectors: 5% of the sample, at most 50,000 (ColBERTv2 `_concatenate_and_split_sample`). */
const HELDOUT_FRACTION = 0.05;
const HELDOUT_MAX = 50_000;

/** Held-out vectors of a sample of `n` (none below 20 vectors: then the whole sample gives the cutoffs). @example heldoutCount(65536) // 3276 */
export function heldoutCount(n: number): number {
	return n < 20 ? 0 : Math.min(HELDOUT_MAX, Math.max(1, Math.floor(HELDOUT_FRACTION * n)));
}

/**
 * The `q`-quantile of ascending `sorted` with linear interpolation between order statistics (numpy's
 * and torch's default). @example quantile(Float32Array.of(0, 1, 2, 3), 0.5) // 1.5
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
	const n = sorted.length;
	if (n === 0) throw createError('BAD_ARGUMENT', { detail: 'quantile of no values' });
	const at = q * (n - 1);
	const lo = Math.floor(at);
	const hi = Math.min(n - 1, lo + 1);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Cutoffs and weights of a `bits`-bit codec from residual values (any order; all dims pooled).
 * @example
 * bucketsFromResiduals(Float32Array.of(-3, -1, 1, 3), 1) // { cutoffs: [0], weights: [-1.5, 1.5] }
 */
export function bucketsFromResiduals(values: Float32Array, bits: 1 | 2): { cutoffs: Float32Array; weights: Float32Array } {
	const sorted = Float32Array.from(values).sort();
	const options = 2 ** bits;
	const cutoffs = new Float32Array(options - 1);
	const weights = new Float32Array(options);
	for (let i = 1; i < options; i++) cutoffs[i - 1] = quantile(sorted, i / options);
	for (let i = 0; i < options; i++) weights[i] = quantile(sorted, (i + 0.5) / options);
	return { cutoffs, weights };
}

/** torch.bucketize(x, cutoffs) (right = false): the number of cutoffs strictly below `x`. */
function bucketOf(x: number, cutoffs: Float32Array): number {
	let b = 0;
	while (b < cutoffs.length && cutoffs[b] < x) b++;
	return b;
}

function checkBits(bits: unknown): asserts bits is 1 | 2 {
	if (bits !== 1 && bits !== 2) throw createError('BAD_ARGUMENT', { detail: `residual bits must be 1 or 2, got ${String(bits)}` });
}

/**
 * A codec from given centroids (k x dim unit rows), cutoffs and weights; `trainResidualCodec` makes
 * all three from data. @example createResidualCodec(centroids, 1, Float32Array.of(0), Float32Array.of(-0.1, 0.1))
 */
export function createResidualCodec(centroids: TokenMatrix, bits: 1 | 2, cutoffs: Float32Array, weights: Float32Array): ResidualCodec {
	checkBits(bits);
	if (cutoffs.length !== 2 ** bits - 1 || weights.length !== 2 ** bits) {
		throw createError('BAD_ARGUMENT', { detail: `a ${bits}-bit residual codec needs ${2 ** bits - 1} cutoffs and ${2 ** bits} weights` });
	}
	const { dim } = centroids;
	const codeBytes = Math.ceil((dim * bits) / 8);
	const mask = (1 << bits) - 1;
	// Packed on the first encode (the WASM kernel's copy of the centroids), reused for every document.
	let assign: ReturnType<typeof prepareNearestCentroids> | undefined;
	return {
		bits,
		dim,
		centroids,
		cutoffs,
		weights,
		codeBytes,
		bytesPerVector: codeBytes + 4,
		tableBytes: 4 * (centroids.rows * dim + cutoffs.length + weights.length),
		encode(m) {
			if (m.dim !== dim) throw createError('DIM_MISMATCH', { expected: dim, actual: m.dim, detail: ' (residual codec)' });
			assign ??= prepareNearestCentroids(centroids);
			const { ids } = assign(m);
			const codes = new Uint8Array(m.rows * codeBytes);
			const c = centroids.data;
			for (let r = 0; r < m.rows; r++) {
				const xo = r * dim;
				const co = ids[r] * dim;
				const bo = r * codeBytes;
				for (let d = 0; d < dim; d++) {
					const bit = d * bits;
					codes[bo + (bit >> 3)] |= bucketOf(m.data[xo + d] - c[co + d], cutoffs) << (bit & 7);
				}
			}
			return { rows: m.rows, dim, bits, centroidIds: ids, codes };
		},
		decode(r, into) {
			if (r.dim !== dim || r.bits !== bits) throw createError('BAD_ARGUMENT', { detail: `residual matrix (dim ${r.dim}, ${r.bits} bits) does not fit this codec (dim ${dim}, ${bits} bits)` });
			if (into && into.length < r.rows * dim) throw createError('BAD_ARGUMENT', { detail: `${into.length} values given to decode ${r.rows} x ${dim}` });
			const out = into ?? new Float32Array(r.rows * dim);
			const c = centroids.data;
			const codes = r.codes;
			// Whole code bytes first (4 values of 2 bits, 8 of 1), then the last values one by one; the
			// values and the sum of squares are the same operations in the same order as value by value.
			const perByte = 8 / bits;
			const wholeBytes = Math.floor(dim / perByte);
			for (let i = 0; i < r.rows; i++) {
				const co = r.centroidIds[i] * dim;
				const bo = i * codeBytes;
				const oo = i * dim;
				let s = 0;
				let d = 0;
				if (bits === 2) {
					for (let j = 0; j < wholeBytes; j++, d += 4) {
						const b = codes[bo + j];
						const v0 = c[co + d] + weights[b & 3];
						const v1 = c[co + d + 1] + weights[(b >> 2) & 3];
						const v2 = c[co + d + 2] + weights[(b >> 4) & 3];
						const v3 = c[co + d + 3] + weights[b >> 6];
						out[oo + d] = v0;
						out[oo + d + 1] = v1;
						out[oo + d + 2] = v2;
						out[oo + d + 3] = v3;
						s += v0 * v0;
						s += v1 * v1;
						s += v2 * v2;
						s += v3 * v3;
					}
				} else {
					for (let j = 0; j < wholeBytes; j++) {
						const b = codes[bo + j];
						for (let t = 0; t < 8; t++, d++) {
							const v = c[co + d] + weights[(b >> t) & 1];
							out[oo + d] = v;
							s += v * v;
						}
					}
				}
				for (; d < dim; d++) {
					const bit = d * bits;
					const v = c[co + d] + weights[(codes[bo + (bit >> 3)] >> (bit & 7)) & mask];
					out[oo + d] = v;
					s += v * v;
				}
				const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
				for (let k = 0; k < dim; k++) out[oo + k] *= inv;
			}
			return { data: into ? out.subarray(0, r.rows * dim) : out, rows: r.rows, dim };
		}
	};
}

/**
 * Trains a residual codec as ColBERTv2 indexes: a seeded sample of the vectors (one matrix, or the
 * documents' matrices in order) is split into held-out vectors (5%, at most 50,000; all of the sample
 * when it has fewer than 20 vectors) and training vectors; k-means centroids come from the training
 * part, cutoffs and weights from the held-out residuals.
 * @example
 * const codec = trainResidualCodec(docs, { bits: 2 });
 * const r = codec.encode(docs[0]); // r.codes.length === docs[0].rows * codec.codeBytes
 * codec.decode(r) // docs[0]'s rows, approximately, unit length
 */
export function trainResidualCodec(vectors: TokenMatrix | readonly TokenMatrix[], options: ResidualCodecOptions): ResidualCodec {
	checkBits(options.bits);
	const list = Array.isArray(vectors) ? (vectors as readonly TokenMatrix[]) : [vectors as TokenMatrix];
	const total = list.reduce((s, m) => s + m.rows, 0);
	if (total === 0) throw createError('BAD_ARGUMENT', { detail: 'a residual codec needs at least one vector to train on' });
	const seed = options.seed ?? 123;
	const k = options.centroids ?? defaultCentroidCount(total);
	const sampleSize = options.sample ?? kmeansSampleSize(k);
	// Fewer sampled vectors than centroids leave k-means a centroid per vector: residuals of zero, and
	// bucket cutoffs that collapse every code to one value (every document then scores the same).
	if (options.sample !== undefined && sampleSize < Math.min(k, total)) {
		throw createError('BAD_ARGUMENT', { detail: `sample ${sampleSize} is fewer vectors than the ${Math.min(k, total)} centroids to train (k-means needs several vectors per centroid; the default sample is max(4096, 64 k) = ${kmeansSampleSize(k)})` });
	}
	options.onProgress?.({ stage: 'residual-sample', done: 0, total: Math.min(total, sampleSize) });
	const sample = gatherRows(list, sampleIndices(total, sampleSize, seed));
	const n = sample.rows;
	const nHeldout = heldoutCount(n);
	// Held-out rows: a seeded subset of the sample; the rest trains k-means.
	const heldoutRows = sampleIndices(n, nHeldout, seed + 7);
	const isHeldout = new Uint8Array(n);
	for (const r of heldoutRows) isHeldout[r] = 1;
	const trainRows: number[] = [];
	for (let r = 0; r < n; r++) if (!isHeldout[r]) trainRows.push(r);
	const train = gatherRows(sample, trainRows);
	const heldout = nHeldout > 0 ? gatherRows(sample, heldoutRows) : sample;
	const centroids = trainKMeans(train, { k, seed, sample: train.rows, iterations: options.iterations, onProgress: options.onProgress });
	const { ids } = nearestCentroids(heldout, centroids);
	const { dim } = heldout;
	const residuals = new Float32Array(heldout.rows * dim);
	for (let r = 0; r < heldout.rows; r++) {
		for (let d = 0; d < dim; d++) residuals[r * dim + d] = heldout.data[r * dim + d] - centroids.data[ids[r] * dim + d];
	}
	const { cutoffs, weights } = bucketsFromResiduals(residuals, options.bits);
	return createResidualCodec(centroids, options.bits, cutoffs, weights);
}
