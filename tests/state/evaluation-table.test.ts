import { describe, expect, it } from 'vitest';
import { csvField, formatDelta, formatP, metricLabel, metricsCsv, metricsJson, panelSetup, perQueryCsv, queryRows, readEvaluationView, sortRows } from '../../src/lib/state/evaluation-table';
import { defaultOptions, pipelineOptionsOf, type PanelOptions } from '../../src/lib/engine/panels';
import type { PanelId } from '../../src/lib/worker/protocol';
import type { EvaluationComparison, EvaluationReport } from '../../src/lib/worker/evaluate-protocol';

const report: EvaluationReport = {
	evaluation: 7,
	corpus: 'tiny',
	metrics: ['ndcg@10', 'mrr@10'],
	depth: 100,
	queries: [
		{ id: 'q1', text: 'cats' },
		{ id: 'q2', text: '=HYPERLINK("x")' },
		{ id: 'q3', text: 'dogs, "big"' }
	],
	missingQueries: 0,
	panels: [
		{ panel: 'bm25', kernel: 'BM25 (k1 0.9, b 0.4)', searchMs: 1, medianQueryMs: 0.5, mean: { 'ndcg@10': 0.5, 'mrr@10': 0.5 }, perQuery: { q1: { 'ndcg@10': 1, 'mrr@10': 1 }, q2: { 'ndcg@10': 0.5, 'mrr@10': 0.5 }, q3: { 'ndcg@10': 0, 'mrr@10': 0 } } },
		{ panel: 'colbert', kernel: 'js', searchMs: 2, medianQueryMs: 1, index: { documents: 2, vectors: 10, bytes: 120, bytesPerDocument: 60, format: 'binary', buildMs: 3, fp32Bytes: 3840, dim: 96 }, drift: { queries: 3, k: 10, overlap: 0.9, meanDrift: 0.01, maxDrift: 0.05, exact: 'colbert@2' }, mean: { 'ndcg@10': 0.6, 'mrr@10': 0.6 }, perQuery: { q1: { 'ndcg@10': 0.8, 'mrr@10': 1 }, q2: { 'ndcg@10': 0.5, 'mrr@10': 0.5 }, q3: { 'ndcg@10': 0.5, 'mrr@10': 0.3 } } }
	],
	skipped: [],
	setups: { bm25: '{"kind":"bm25","options":{"stem":true},"model":null,"firstStage":{"k1":0.9,"b":0.4}}' },
	ms: 3,
	evaluatedAt: Date.UTC(2026, 11, 8, 9, 30)
};

const metric = (delta: number) => ({ meanA: 0, meanB: delta, delta, pRandomization: 0.2, pTTest: 0.3, t: 1, wins: 1, ties: 1, losses: 1 });
const comparison: EvaluationComparison = {
	baseline: 'bm25',
	metrics: ['ndcg@10', 'mrr@10'],
	rows: [{ panel: 'colbert', byMetric: { 'ndcg@10': metric(0.1), 'mrr@10': metric(0.1) }, overlap: { jaccard: 0.25, rbo: 0.4, k: 10, p: 0.9 } }],
	permutations: 10000,
	seed: 42
};

describe('evaluation table helpers', () => {
	it('queryRows(report, metric, baseline) gives each query its value per panel and the difference from the baseline', () => {
		const rows = queryRows(report, 'ndcg@10', 'bm25');
		expect(rows.map((r) => r.id)).toEqual(['q1', 'q2', 'q3']);
		expect(rows[0].values).toEqual({ bm25: 1, colbert: 0.8 });
		expect(rows[0].deltas.colbert).toBeCloseTo(-0.2, 12);
		expect(rows[0].deltas.bm25).toBeUndefined();
		expect(queryRows(report, 'ndcg@10', 'colbert')[2].deltas.bm25).toBeCloseTo(-0.5, 12);
	});

	it('sortRows(rows, delta, direction) orders by the panel difference and keeps qrels order on ties', () => {
		const rows = queryRows(report, 'ndcg@10', 'bm25');
		expect(sortRows(rows, { by: 'delta', panel: 'colbert' }, 'descending').map((r) => r.id)).toEqual(['q3', 'q2', 'q1']);
		expect(sortRows(rows, { by: 'delta', panel: 'colbert' }, 'ascending').map((r) => r.id)).toEqual(['q1', 'q2', 'q3']);
		expect(sortRows(rows, { by: 'value', panel: 'bm25' }, 'descending').map((r) => r.id)).toEqual(['q1', 'q2', 'q3']);
		expect(sortRows(rows, { by: 'query' }, 'ascending').map((r) => r.id)).toEqual(['q2', 'q1', 'q3']);
		// MRR deltas are 0, 0, 0.3: q1 and q2 tie and keep qrels order in both directions.
		const tied = queryRows(report, 'mrr@10', 'bm25');
		expect(sortRows(tied, { by: 'delta', panel: 'colbert' }, 'descending').map((r) => r.id)).toEqual(['q3', 'q1', 'q2']);
		expect(sortRows(tied, { by: 'delta', panel: 'colbert' }, 'ascending').map((r) => r.id)).toEqual(['q1', 'q2', 'q3']);
	});

	it('csvField(value, text) quotes commas and quotes and defuses spreadsheet formulas in text', () => {
		expect(csvField('dogs, "big"', true)).toBe('"dogs, ""big"""');
		expect(csvField('=1+1', true)).toBe("'=1+1");
		expect(csvField(-0.5)).toBe('-0.5');
		expect(csvField(NaN)).toBe('');
	});

	it('metricsCsv(report, comparison) has one row per panel and metric, comparison cells only for compared panels', () => {
		const lines = metricsCsv(report, comparison).trim().split('\n');
		expect(lines).toHaveLength(1 + 2 * 2);
		expect(lines[0]).toContain(',index_bytes,bytes_per_doc,factor_vs_fp32,build_ms,median_query_ms,exact_panel,overlap_at_10_vs_exact,mean_drift_vs_exact,max_drift_vs_exact');
		expect(lines[1]).toBe('tiny,bm25,"BM25 (k1 0.9, b 0.4)",ndcg@10,0.5,bm25,,,,,,,,,,,,,0.5,,,,');
		// The cost columns: the engine's index stats, median query time and drift against the exact panel, raw numbers.
		expect(lines[3]).toBe('tiny,colbert,js,ndcg@10,0.6,bm25,0.1,0.2,0.3,1,1,1,0.25,0.4,120,60,0.03125,3,1,colbert@2,0.9,0.01,0.05');
	});

	it('perQueryCsv(report) writes one row per query and panel with query text escaped', () => {
		const lines = perQueryCsv(report).trim().split('\n');
		expect(lines[0]).toBe('query_id,query,panel,ndcg@10,mrr@10');
		expect(lines).toHaveLength(1 + 3 * 2);
		expect(lines[3]).toBe(`q2,"'=HYPERLINK(""x"")",bm25,0.5,0.5`);
	});

	it('metricsJson(report, comparison) round-trips the report without its worker handle, with each panel\'s settings and the time', () => {
		const parsed = JSON.parse(metricsJson(report, comparison));
		expect(parsed.evaluation).toBeUndefined();
		expect(parsed.setups).toBeUndefined();
		expect(parsed.settings.bm25).toEqual({ kind: 'bm25', options: { stem: true }, model: null, firstStage: { k1: 0.9, b: 0.4 } });
		expect(parsed.evaluatedAt).toBe('2026-12-08T09:30:00.000Z');
		expect(parsed.panels[1].perQuery.q3['ndcg@10']).toBe(0.5);
		expect(parsed.comparison.rows[0].overlap.rbo).toBe(0.4);
	});

	it('formatP(p), formatDelta(d) and metricLabel(m) format table cells', () => {
		expect(formatP(0.0004)).toBe('< 0.001');
		expect(formatP(0.04321)).toBe('0.043');
		expect(formatDelta(-0.0421)).toBe('−0.042');
		expect(formatDelta(0.1)).toBe('+0.100');
		expect(formatDelta(-0.0001)).toBe('0.000');
		expect(metricLabel('ndcg@10')).toBe('nDCG@10');
		expect(metricLabel('recall@100')).toBe('Recall@100');
		expect(metricLabel('mrr@10')).toBe('MRR@10');
	});

	describe('panelSetup(pg, panel)', () => {
		/** The playground fields panelSetup reads, with the defaults and one model per role. */
		function playground(change: { options?: Partial<Record<PanelId, Partial<PanelOptions>>>; bm25?: { k1: number; b: number }; models?: Partial<Record<PanelId, string>> } = {}) {
			const options = Object.fromEntries(
				(['bm25', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'] as PanelId[]).map((id) => [id, { ...defaultOptions(), ...change.options?.[id] }])
			) as Record<PanelId, PanelOptions>;
			const bm25 = change.bm25 ?? { k1: 0.9, b: 0.4 };
			const spec = (id: PanelId) => change.models?.[id] ?? `model-of-${id}`;
			return {
				options,
				modelOf: (id: PanelId) => spec(id),
				settingOf: (id: PanelId) => ({ spec: spec(id), dtype: 'q8', device: 'wasm' }),
				bm25Config: () => ({ ...bm25, ...pipelineOptionsOf('bm25', options.bm25) })
			};
		}
		const all: PanelId[] = ['bm25', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'];
		const changed = (pg: ReturnType<typeof playground>) => all.filter((id) => panelSetup(pg, id) !== panelSetup(playground(), id));

		it('is the same for the same settings, and changes for exactly the panels a change reaches', () => {
			expect(changed(playground())).toEqual([]);
			// BM25's b: BM25 and the rerankers of its top 100, not the bi-encoder or exhaustive ColBERT.
			expect(changed(playground({ bm25: { k1: 0.9, b: 0 } }))).toEqual(['bm25', 'cross-encoder', 'colbert-two-stage']);
			// A reranker on the bi-encoder's candidates follows the bi-encoder's model.
			const dense = { options: { 'cross-encoder': { firstStage: 'dense' as const } } };
			expect(changed(playground(dense))).toEqual(['cross-encoder']);
			expect(panelSetup(playground({ ...dense, bm25: { k1: 2, b: 1 } }), 'cross-encoder')).toBe(panelSetup(playground(dense), 'cross-encoder'));
			expect(panelSetup(playground({ ...dense, models: { 'bi-encoder': 'another' } }), 'cross-encoder')).not.toBe(panelSetup(playground(dense), 'cross-encoder'));
			expect(changed(playground({ models: { colbert: 'another' } }))).toEqual(['colbert']);
			expect(changed(playground({ options: { colbert: { depth: 7 } } }))).toEqual([]);
			expect(changed(playground({ options: { 'colbert-two-stage': { depth: 7 } } }))).toEqual(['colbert-two-stage']);
		});
	});

	it('readEvaluationView(text) keeps the valid fields of a saved metric and sort and drops the rest', () => {
		expect(readEvaluationView(JSON.stringify({ metric: 'mrr@10', sortKey: { by: 'delta', panel: 'colbert@2' }, sortDirection: 'descending' }))).toEqual({
			metric: 'mrr@10',
			sortKey: { by: 'delta', panel: 'colbert@2' },
			sortDirection: 'descending'
		});
		expect(readEvaluationView(JSON.stringify({ metric: 'ndcg@7', sortKey: { by: 'delta', panel: 'not a panel' }, sortDirection: 'up' }))).toEqual({});
		expect(readEvaluationView(JSON.stringify({ sortKey: { by: 'query', panel: 'bm25' } }))).toEqual({ sortKey: { by: 'query' } });
		expect(readEvaluationView('{not json')).toEqual({});
		expect(readEvaluationView(null)).toEqual({});
		expect(readEvaluationView('[1]')).toEqual({});
	});
});
