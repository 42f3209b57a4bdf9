/**
 * What a late-interaction index costs, summarised the same way for the CLI, the panels' cost line and
 * the "Quality vs cost" chart: bytes per document, index bytes with the factor against fp32, build time
 * and the median query time. Input is the `index` object the late-interaction pipeline reports. The
 * page formats these numbers with `viz/cost-format.ts`.
 */
import type { CentroidChoice } from '../compress/centroid-count';

/** The pipeline's description of a built index (see `late-interaction.ts`, `eval --json`'s `index`). */
export interface IndexStats {
	documents: number;
	/** Stored vectors after pooling. */
	vectors: number;
	/** Bytes of the stored vectors in their format (shared tables such as centroids excluded). */
	bytes: number;
	bytesPerDocument: number;
	/** `fp32`, `fp16`, `int8`, `binary` or `residual`. */
	format: string;
	buildMs: number;
	/** Residual indexes (PLAID, `storage=residual`): the centroids trained and ColBERTv2's count for these vectors. */
	centroids?: CentroidChoice;
}

/** The numbers of one cost line. */
export interface CostSummary {
	bytes: number;
	bytesPerDocument: number;
	/** `bytes / fp32Bytes`, NaN when no fp32 size is known. */
	factor: number;
	buildMs: number;
	/** Median of the query times given, NaN for none. */
	queryMs: number;
	format: string;
	/** Residual indexes: the centroids trained and ColBERTv2's count (as in `IndexStats`). */
	centroids?: CentroidChoice;
}

/**
 * Median of finite values (the mean of the middle two for an even count); NaN for none.
 * @example median([3, 1, 2]) // 2; median([1, 2, 3, 10]) // 2.5
 */
export function median(values: readonly number[]): number {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Bytes of the same vectors as fp32 exhaustive would store them: `4 dim` per vector, before pooling.
 * @example fp32Bytes(1000, 96) // 384000
 */
export function fp32Bytes(vectors: number, dim: number): number {
	return vectors * dim * 4;
}

/**
 * Summarises an index against the fp32 size of its (unpooled) vectors.
 * @example
 * costSummary({ documents: 2, vectors: 10, bytes: 120, bytesPerDocument: 60, format: 'binary', buildMs: 3 }, 3840, [2, 4, 9])
 * // { bytes: 120, bytesPerDocument: 60, factor: 0.03125, buildMs: 3, queryMs: 4, format: 'binary' }
 */
export function costSummary(index: IndexStats, fp32: number, queryMs: readonly number[]): CostSummary {
	return {
		bytes: index.bytes,
		bytesPerDocument: index.bytesPerDocument,
		factor: fp32 > 0 ? index.bytes / fp32 : NaN,
		buildMs: index.buildMs,
		queryMs: median(queryMs),
		format: index.format,
		...(index.centroids ? { centroids: index.centroids } : {})
	};
}
