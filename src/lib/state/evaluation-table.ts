/**
 * Pure helpers of the evaluation view, free of Svelte so they run in Node tests: the per-query rows
 * (metric per panel, delta against the baseline), their sort orders, the metrics exports (CSV, JSON),
 * and each panel's settings as the report records them (`panelSetup`). The numbers come from the
 * worker's `EvaluationReport`; nothing is recomputed here except the per-query differences, which are
 * plain subtractions.
 */
import { defaultOptions, isPanelId, kindOf, panelKind, pipelineOptionsOf } from '../engine/panels';
import { EVALUATION_METRICS, type EvaluationComparison, type EvaluationReport } from '../worker/evaluate-protocol';
import type { PanelId } from '../worker/protocol';
import type { Playground } from './playground.svelte';

/** One judged query in the per-query table. */
export interface QueryRow {
	/** Position in qrels order (the "as judged" sort). */
	index: number;
	id: string;
	text: string;
	/** panel -> value of the table's metric. */
	values: Partial<Record<PanelId, number>>;
	/** panel -> value minus the baseline's value (absent for the baseline itself). */
	deltas: Partial<Record<PanelId, number>>;
}

/** `order`: qrels order; `delta`/`value` of one panel; `query`: by text. */
export type SortKey = { by: 'order' } | { by: 'query' } | { by: 'delta' | 'value'; panel: PanelId };
export type SortDirection = 'ascending' | 'descending';

/** The per-query table's metric and sort, as this browser remembers them (localStorage `latelab:evaluation-view`). */
export interface EvaluationView {
	metric: string;
	sortKey: SortKey;
	sortDirection: SortDirection;
}

export const EVALUATION_VIEW_KEY = 'latelab:evaluation-view';

/**
 * The saved view's valid fields (storage can hold an older shape or a hand edit); the rest is left out.
 * @example readEvaluationView('{"metric":"mrr@10","sortKey":{"by":"delta","panel":"colbert"}}') // { metric: 'mrr@10', sortKey: { by: 'delta', panel: 'colbert' } }
 */
export function readEvaluationView(text: string | null | undefined): Partial<EvaluationView> {
	let raw: unknown;
	try {
		raw = JSON.parse(text ?? '{}');
	} catch {
		return {};
	}
	if (!raw || typeof raw !== 'object') return {};
	const o = raw as Record<string, unknown>;
	const view: Partial<EvaluationView> = {};
	if ((EVALUATION_METRICS as readonly unknown[]).includes(o.metric)) view.metric = o.metric as string;
	if (o.sortDirection === 'ascending' || o.sortDirection === 'descending') view.sortDirection = o.sortDirection;
	const key = o.sortKey as Record<string, unknown> | undefined;
	if (key && (key.by === 'order' || key.by === 'query')) view.sortKey = { by: key.by };
	else if (key && (key.by === 'delta' || key.by === 'value') && isPanelId(key.panel)) view.sortKey = { by: key.by, panel: key.panel };
	return view;
}

/**
 * Rows of the per-query table for `metric`, with deltas against `baseline`.
 * @example queryRows(report, 'ndcg@10', 'bm25')[0] // { index: 0, id: 'q01', text: 'heart attack symptoms', values: { bm25: 0.63, ... }, deltas: { ... } }
 */
export function queryRows(report: EvaluationReport, metric: string, baseline: PanelId): QueryRow[] {
	const base = report.panels.find((p) => p.panel === baseline);
	return report.queries.map((q, index) => {
		const values: QueryRow['values'] = {};
		const deltas: QueryRow['deltas'] = {};
		for (const p of report.panels) {
			const value = p.perQuery[q.id]?.[metric] ?? 0;
			values[p.panel] = value;
			if (base && p.panel !== baseline) deltas[p.panel] = value - (base.perQuery[q.id]?.[metric] ?? 0);
		}
		return { index, id: q.id, text: q.text, values, deltas };
	});
}

/**
 * Sorts a copy of `rows`. Ties keep qrels order, so the table does not shuffle between clicks.
 * @example sortRows(rows, { by: 'delta', panel: 'colbert' }, 'descending')[0] // the query ColBERT improves most
 */
export function sortRows(rows: readonly QueryRow[], key: SortKey, direction: SortDirection): QueryRow[] {
	const sign = direction === 'ascending' ? 1 : -1;
	const value = (row: QueryRow): number | string => {
		if (key.by === 'order') return row.index;
		if (key.by === 'query') return row.text.toLowerCase();
		return (key.by === 'delta' ? row.deltas[key.panel] : row.values[key.panel]) ?? 0;
	};
	return [...rows].sort((a, b) => {
		const va = value(a);
		const vb = value(b);
		const c = va < vb ? -1 : va > vb ? 1 : 0;
		return c * sign || a.index - b.index;
	});
}

/** Quotes a CSV field when needed; text fields starting with = + - @ get a leading ' (spreadsheet formula injection). */
export function csvField(value: string | number, text = false): string {
	let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
	if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const SUMMARY_HEADER = ['corpus', 'panel', 'kernel', 'metric', 'mean', 'baseline', 'delta', 'p_randomization', 'p_ttest', 'wins', 'ties', 'losses', 'jaccard_at_10', 'rbo', 'index_bytes', 'bytes_per_doc', 'factor_vs_fp32', 'build_ms', 'median_query_ms', 'exact_panel', 'overlap_at_10_vs_exact', 'mean_drift_vs_exact', 'max_drift_vs_exact'];

/**
 * The metrics CSV: one row per panel and metric, with the comparison against the baseline when there
 * is one (empty cells for the baseline itself).
 * @example metricsCsv(report, comparison).split('\n')[0] // 'corpus,panel,kernel,metric,mean,baseline,delta,...'
 */
export function metricsCsv(report: EvaluationReport, comparison: EvaluationComparison | undefined): string {
	const lines = [SUMMARY_HEADER.join(',')];
	for (const p of report.panels) {
		const row = comparison?.rows.find((r) => r.panel === p.panel);
		for (const metric of report.metrics) {
			const m = row?.byMetric[metric];
			lines.push([
				csvField(report.corpus, true),
				p.panel,
				csvField(p.kernel, true),
				metric,
				csvField(p.mean[metric]),
				comparison?.baseline ?? '',
				m ? csvField(m.delta) : '',
				m ? csvField(m.pRandomization) : '',
				m ? csvField(m.pTTest) : '',
				m ? String(m.wins) : '',
				m ? String(m.ties) : '',
				m ? String(m.losses) : '',
				row ? csvField(row.overlap.jaccard) : '',
				row ? csvField(row.overlap.rbo) : '',
				// Cost columns (ColBERT panels): the engine's index stats and timings, raw numbers.
				p.index ? csvField(p.index.bytes) : '',
				p.index ? csvField(p.index.bytesPerDocument) : '',
				p.index && p.index.fp32Bytes > 0 ? csvField(p.index.bytes / p.index.fp32Bytes) : '',
				p.index ? csvField(p.index.buildMs) : '',
				csvField(p.medianQueryMs),
				p.drift?.exact ?? '',
				p.drift ? csvField(p.drift.overlap) : '',
				p.drift ? csvField(p.drift.meanDrift) : '',
				p.drift ? csvField(p.drift.maxDrift) : ''
			].join(','));
		}
	}
	return lines.join('\n') + '\n';
}

/**
 * The per-query CSV: one row per judged query and panel, every metric as a column.
 * @example perQueryCsv(report).split('\n')[0] // 'query_id,query,panel,ndcg@10,recall@10,recall@100,mrr@10'
 */
export function perQueryCsv(report: EvaluationReport): string {
	const lines = [['query_id', 'query', 'panel', ...report.metrics].join(',')];
	for (const q of report.queries) {
		for (const p of report.panels) {
			lines.push([csvField(q.id, true), csvField(q.text, true), p.panel, ...report.metrics.map((m) => csvField(p.perQuery[q.id]?.[m] ?? 0))].join(','));
		}
	}
	return lines.join('\n') + '\n';
}

/**
 * The JSON export: everything the view shows (means, per-query values, skipped panels, the
 * comparison against the current baseline), with the settings needed to reproduce it.
 */
export function metricsJson(report: EvaluationReport, comparison: EvaluationComparison | undefined): string {
	const { evaluation: _id, setups, evaluatedAt, ...rest } = report;
	const settings = Object.fromEntries(Object.entries(setups ?? {}).flatMap(([panel, setup]) => (setup === undefined ? [] : [[panel, JSON.parse(setup) as unknown]])));
	return JSON.stringify({ ...rest, evaluatedAt: new Date(evaluatedAt).toISOString(), settings, comparison: comparison ?? null }, null, 2) + '\n';
}

/** A file-name-safe form of a corpus name. @example fileSlug('latelab demo') // 'latelab-demo' */
export function fileSlug(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'corpus';
}

/**
 * A p-value for a table cell: 3 decimals, "< 0.001" below that.
 * @example formatP(0.00004) // '< 0.001'
 */
export function formatP(p: number): string {
	if (!Number.isFinite(p)) return '—';
	return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/**
 * A signed delta with a real minus sign; "0.000" for ties.
 * @example formatDelta(-0.0421) // '−0.042'
 */
export function formatDelta(d: number, digits = 3): string {
	if (!Number.isFinite(d)) return '—';
	const r = Math.abs(d) < 0.5 * 10 ** -digits ? 0 : d;
	return (r > 0 ? '+' : '') + r.toFixed(digits).replace('-', '−');
}

/**
 * How a metric is named in the view.
 * @example metricLabel('ndcg@10') // 'nDCG@10'
 */
export function metricLabel(metric: string): string {
	return metric.replace(/^ndcg/, 'nDCG').replace(/^recall/, 'Recall').replace(/^mrr/, 'MRR').replace(/^map/, 'MAP').replace(/^p@/, 'P@');
}

/**
 * What a panel's ranking depends on, as a string to compare: its kind, its options (those that apply),
 * its model settings, and its first stage's (BM25's k1 and b, or the bi-encoder's model).
 */
export function panelSetup(pg: Pick<Playground, 'options' | 'settingOf' | 'modelOf' | 'bm25Config'>, panel: PanelId): string {
	const kind = kindOf(panel);
	const options = pipelineOptionsOf(panelKind(panel), pg.options[panel] ?? defaultOptions());
	const model = (id: PanelId) => pg.settingOf(id) ?? pg.modelOf(id) ?? null;
	const firstStage = !kind.role || options.firstStage === 'bm25' ? pg.bm25Config() : options.firstStage === 'dense' ? model('bi-encoder') : null;
	return JSON.stringify({ kind: panelKind(panel), options, model: kind.role ? model(panel) : null, firstStage });
}
