/**
 * What a late-interaction index costs, summarised the same way for the CLI, the panels' cost line and
 * the "Quality vs cost" chart: bytes per document, index bytes with the factor against fp32, build time
 * and the median query time. Input is the `index` object the late-interaction pipeline reports.
 */

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
		format: index.format
	};
}

/**
 * Bytes in binary units with three significant digits: `B`, `KiB`, `MiB`, `GiB`.
 * @example formatBytes(512) // '512 B'; formatBytes(1536) // '1.50 KiB'; formatBytes(5 * 2 ** 20) // '5.00 MiB'
 */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes)) return '—';
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (Math.abs(value) >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	if (unit === 0) return `${Math.round(value)} B`;
	return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

/**
 * Milliseconds for a label: one decimal below 10 ms, whole numbers above; `—` when unknown.
 * @example formatMs(4.26) // '4.3 ms'; formatMs(1234.5) // '1235 ms'
 */
export function formatMs(ms: number): string {
	if (!Number.isFinite(ms)) return '—';
	return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/**
 * The cost line a ColBERT panel shows.
 * @example
 * costLine({ bytes: 120, bytesPerDocument: 60, factor: 0.03125, buildMs: 3, queryMs: 4, format: 'binary' })
 * // 'binary · 60 B/doc · index 120 B (0.031× fp32) · build 3.0 ms · query 4.0 ms'
 */
export function costLine(cost: CostSummary): string {
	const factor = Number.isFinite(cost.factor) ? ` (${formatFactor(cost.factor)} fp32)` : '';
	return `${cost.format} · ${formatBytes(cost.bytesPerDocument)}/doc · index ${formatBytes(cost.bytes)}${factor} · build ${formatMs(cost.buildMs)} · query ${formatMs(cost.queryMs)}`;
}

/**
 * A size ratio with enough digits to tell 1/32 from 1/16: `1×`, `0.50×`, `0.031×`.
 * @example formatFactor(1) // '1×'; formatFactor(0.25) // '0.25×'; formatFactor(1 / 32) // '0.031×'
 */
export function formatFactor(factor: number): string {
	if (!Number.isFinite(factor)) return '—';
	if (Math.abs(factor - 1) < 1e-9) return '1×';
	return `${factor >= 0.1 ? factor.toFixed(2) : factor.toPrecision(2)}×`;
}
