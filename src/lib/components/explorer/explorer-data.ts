/**
 * The cost–quality explorer's numbers, from what panels measured: one row per panel with its index
 * size, bytes per document, factor against the exact fp32 panel of the same model (or against the fp32
 * size of its vectors when no exact panel is open), build time, median query time and quality. The
 * chart, its table and the exports read the same rows, so they cannot disagree. The measurements
 * (index stats, median query time, quality) come from the worker; this only divides and formats.
 */
import type { IndexStats } from '../../engine/eval/cost';
import { formatBytes, formatFactor, formatMs } from '../../viz/cost-format';
import type { QualityCostDatum } from '../../viz/quality-cost';

/** What one panel measured. */
export interface PanelMeasure {
	panel: string;
	/** The panel's label ("ColBERT · binary · rescore 100"). */
	label: string;
	/** The model it runs; panels of the same model are compared with that model's exact panel. */
	model?: string;
	/** fp32 storage, no pooling, exhaustive MaxSim: the reference of its model. */
	exact: boolean;
	/** The index the pipeline reported; absent for panels without one (BM25, bi-encoders). */
	index?: IndexStats;
	/** fp32 bytes of the same (unpooled) vectors, when the index is known. */
	fp32Bytes?: number;
	/** Median query time in ms (the engine's `median` over the queries run); NaN when none ran. */
	queryMs: number;
	/** nDCG@10 (or the chosen metric); absent before an evaluation. */
	quality?: number;
}

/** One row of the "Quality vs cost" table (and one point of its chart). */
export interface QualityCostRow {
	panel: string;
	label: string;
	exact: boolean;
	bytes: number;
	bytesPerDocument: number;
	/** Index bytes over the exact panel's of the same model, else over the fp32 size; NaN when neither is known. */
	factor: number;
	/** What `factor` is relative to. */
	factorOf: 'exact' | 'fp32' | 'none';
	format: string;
	buildMs: number;
	queryMs: number;
	quality: number;
}

/**
 * Rows for the panels that report an index, in the given order.
 * @example
 * qualityCostRows([
 *   { panel: 'colbert', label: 'ColBERT', model: 'm', exact: true, index: { documents: 2, vectors: 10, bytes: 3840, bytesPerDocument: 1920, format: 'fp32', buildMs: 5 }, queryMs: 4, quality: 0.7 },
 *   { panel: 'colbert@2', label: 'binary', model: 'm', exact: false, index: { documents: 2, vectors: 10, bytes: 120, bytesPerDocument: 60, format: 'binary', buildMs: 3 }, queryMs: 2, quality: 0.6 }
 * ])[1] // { ..., factor: 0.03125, factorOf: 'exact', queryMs: 2 }
 */
export function qualityCostRows(measures: readonly PanelMeasure[]): QualityCostRow[] {
	const exactBytes = new Map<string, number>();
	for (const m of measures) if (m.exact && m.index && m.model !== undefined && !exactBytes.has(m.model)) exactBytes.set(m.model, m.index.bytes);
	return measures.filter((m) => m.index).map((m) => {
		const reference = m.model !== undefined ? exactBytes.get(m.model) : undefined;
		const index = m.index!;
		const base = reference ?? m.fp32Bytes ?? 0;
		return {
			panel: m.panel,
			label: m.label,
			exact: m.exact,
			bytes: index.bytes,
			bytesPerDocument: index.bytesPerDocument,
			factor: base > 0 ? index.bytes / base : NaN,
			factorOf: reference !== undefined ? 'exact' : m.fp32Bytes ? 'fp32' : 'none',
			format: index.format,
			buildMs: index.buildMs,
			queryMs: m.queryMs,
			quality: m.quality ?? NaN
		};
	});
}

/** The chart's points from the rows. */
export function qualityCostData(rows: readonly QualityCostRow[]): QualityCostDatum[] {
	return rows.map((r) => ({ id: r.panel, label: r.label, bytes: r.bytes, quality: r.quality, queryMs: r.queryMs, exact: r.exact }));
}

/** Cost columns added to the evaluation exports (CSV / JSON), in order. */
export const COST_COLUMNS = ['index_bytes', 'bytes_per_doc', 'factor_vs_exact', 'build_ms', 'median_query_ms'] as const;

/**
 * A row's cost columns for an export: raw numbers (empty when unknown), never formatted text.
 * @example costColumns(row) // { index_bytes: 120, bytes_per_doc: 60, factor_vs_exact: 0.03125, build_ms: 3, median_query_ms: 2 }
 */
export function costColumns(row: QualityCostRow | undefined): Record<(typeof COST_COLUMNS)[number], number | ''> {
	const n = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : '');
	return {
		index_bytes: n(row?.bytes),
		bytes_per_doc: n(row?.bytesPerDocument),
		factor_vs_exact: n(row?.factor),
		build_ms: n(row?.buildMs),
		median_query_ms: n(row?.queryMs)
	};
}

/** The table's cells as text, the same formatting as the chart's tooltip. */
export function rowText(row: QualityCostRow): { bytes: string; perDoc: string; factor: string; build: string; query: string; quality: string } {
	return {
		bytes: formatBytes(row.bytes),
		perDoc: formatBytes(row.bytesPerDocument),
		factor: Number.isFinite(row.factor) ? `${formatFactor(row.factor)} ${row.factorOf}` : '—',
		build: formatMs(row.buildMs),
		query: formatMs(row.queryMs),
		quality: Number.isFinite(row.quality) ? row.quality.toFixed(3) : '—'
	};
}
