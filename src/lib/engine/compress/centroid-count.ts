/**
 * How many centroids a residual index (PLAID, `storage=residual`) trains. ColBERTv2's rule
 * (`defaultCentroidCount`, stanford-futuredata/ColBERT `collection_indexer.py`) grows with the square
 * root of the vectors, and the build's nearest-centroid work grows with k times the vectors: at
 * 5,000 x 250 vectors of dim 96 the rule gives 16,384 centroids, ~18 minutes on the single-thread
 * WASM kernel. `centroidCountWithin` gives the largest power of two at most the rule whose build
 * stays within a budget of multiply-adds; the CLI keeps the rule, the playground's worker caps it.
 */
import type { TokenMatrix } from '../types';
import { defaultCentroidCount, kmeansSampleSize } from './kmeans';
import { heldoutCount, trainResidualCodec, type ResidualCodec, type ResidualCodecOptions } from './residual';

/** The fewest centroids a cap goes down to (or the rule's count when that is smaller). */
export const MIN_CAPPED_CENTROIDS = 256;

/** What a residual index is built from, as far as the centroid search's cost goes. */
export interface CentroidBuildShape {
	/** All vectors that get encoded (after pooling). */
	vectors: number;
	/** Vectors of the sampled documents (`documentSampleSize`), where k-means draws its training sample. */
	sampleVectors: number;
	dim: number;
	/** k-means iterations (default 4, as `trainKMeans`). */
	iterations?: number;
	/** Vectors sampled for training (default `kmeansSampleSize(k)`, as `trainResidualCodec`). */
	sample?: number;
}

/**
 * Multiply-adds of the nearest-centroid searches a residual build with `k` centroids runs, following
 * `trainResidualCodec`: a sample of `min(sampleVectors, sample)` vectors, of which `heldoutCount` are
 * held out; k-means assigns the rest `iterations` times, the held-out vectors (or the whole sample
 * when none) once for the bucket cutoffs, then every vector once to encode it. Each assignment is
 * `k x dim` multiply-adds.
 * @example centroidBuildWork(1024, { vectors: 1_250_000, sampleVectors: 1_250_000, dim: 96 }) // 1024 * 96 * (4 * 62260 + 3276 + 1250000)
 */
export function centroidBuildWork(k: number, shape: CentroidBuildShape): number {
	const s = Math.min(shape.sampleVectors, shape.sample ?? kmeansSampleSize(k));
	const heldout = heldoutCount(s);
	const train = s - heldout;
	const iterations = shape.iterations ?? 4;
	return Math.min(k, Math.max(1, train)) * shape.dim * (iterations * train + (heldout > 0 ? heldout : s) + shape.vectors);
}

/**
 * The largest power of two at most ColBERTv2's count (`defaultCentroidCount(vectors)`) whose
 * `centroidBuildWork` is at most `budget` multiply-adds, but never below `minimum` (or the rule, when
 * the rule is smaller). Non-decreasing in `budget`.
 * @example centroidCountWithin({ vectors: 1_250_000, sampleVectors: 1_250_000, dim: 96 }, 2e11) // 1024 (the rule: 16384)
 */
export function centroidCountWithin(shape: CentroidBuildShape, budget: number, minimum = MIN_CAPPED_CENTROIDS): number {
	const rule = defaultCentroidCount(shape.vectors);
	const floor = Math.min(rule, minimum);
	let k = rule;
	while (k > floor && centroidBuildWork(k, shape) > budget) k /= 2;
	return Math.max(k, floor);
}

/** The centroid count a build uses and why: `rule` is ColBERTv2's count, `capped` says a budget lowered it. */
export interface CentroidChoice {
	count: number;
	rule: number;
	capped: boolean;
}

/**
 * The centroids of one build: a number asked for is used as it is; `'auto'` (or none) is ColBERTv2's
 * rule, capped by `budget` multiply-adds when one is given (the playground's worker gives one).
 * @example chooseCentroids('auto', { vectors: 1_250_000, sampleVectors: 1_250_000, dim: 96 }, 2e11) // { count: 1024, rule: 16384, capped: true }
 * @example chooseCentroids(undefined, { vectors: 1_250_000, sampleVectors: 1_250_000, dim: 96 }) // { count: 16384, rule: 16384, capped: false }
 */
export function chooseCentroids(requested: number | 'auto' | undefined, shape: CentroidBuildShape, budget?: number): CentroidChoice {
	const rule = defaultCentroidCount(shape.vectors);
	if (typeof requested === 'number') return { count: requested, rule, capped: false };
	const count = budget === undefined ? rule : centroidCountWithin(shape, budget);
	return { count, rule, capped: count < rule };
}

/**
 * A residual codec trained on the documents ColBERTv2 samples (`sample`, `documentSampleSize` of them)
 * with the centroid count `chooseCentroids` picks for the whole collection (`vectors`), and that choice
 * with the count the codec ended up with (k-means keeps fewer when the sample has fewer vectors).
 * The one path of PLAID's index and `storage=residual`.
 * @example const { codec, centroids } = trainResidualIndexCodec(sample, 1_250_000, { bits: 2 }, 'auto', 2e11)
 */
export function trainResidualIndexCodec(
	sample: readonly TokenMatrix[],
	vectors: number,
	options: Omit<ResidualCodecOptions, 'centroids'>,
	requested: number | 'auto' | undefined,
	budget?: number
): { codec: ResidualCodec; centroids: CentroidChoice } {
	const sampleVectors = sample.reduce((sum, m) => sum + m.rows, 0);
	const dim = sample[0]?.dim ?? 0;
	const choice = chooseCentroids(requested, { vectors, sampleVectors, dim, iterations: options.iterations, sample: options.sample }, budget);
	const codec = trainResidualCodec(sample, { ...options, centroids: choice.count });
	return { codec, centroids: { ...choice, count: codec.centroids.rows } };
}
