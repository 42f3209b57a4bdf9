/**
 * The evaluation view's state: which panels run, progress per panel, the report, the baseline and
 * its comparison, the per-query table's metric and sort, and the exports. The work runs in the
 * engine worker (`src/lib/worker/evaluate.ts`) through `EngineClient.send` on the `evaluate`,
 * `evaluate-compare` and `evaluate-export` channels; the panels are the playground's own (`Playground`).
 */
import type { EvaluationComparison, EvaluationReport, SkippedPanel } from '../worker/evaluate-protocol';
import type { EngineFailure, PanelId } from '../worker/protocol';
import { EVALUATION_VIEW_KEY, fileSlug, metricsCsv, metricsJson, panelSetup, perQueryCsv, queryRows, readEvaluationView, sortRows, type EvaluationView, type SortDirection, type SortKey } from './evaluation-table';
import type { Playground } from './playground.svelte';

export interface PanelProgress {
	panel: PanelId;
	done: number;
	total: number;
}

export type EvaluationStatus =
	| { kind: 'idle'; note?: string }
	| { kind: 'running'; progress: PanelProgress[]; skipped: SkippedPanel[] }
	| { kind: 'ready'; report: EvaluationReport }
	| { kind: 'error'; failure: EngineFailure };

/** What every part of the evaluation view is drawn from: the state and the report on screen. */
export interface EvaluationViewProps {
	ev: EvaluationState;
	report: EvaluationReport;
}

/** A file to hand to the browser as a download. */
export interface Download {
	filename: string;
	mime: string;
	text: string;
}

export class EvaluationState {
	readonly pg: Playground;
	status = $state.raw<EvaluationStatus>({ kind: 'idle' });
	/** The panel others are compared against (BM25 unless changed). */
	baseline = $state<PanelId>('bm25');
	comparison = $state.raw<EvaluationComparison | undefined>(undefined);
	comparing = $state(false);
	/** Metric of the per-query table and the delta chart. */
	metric = $state('ndcg@10');
	sortKey = $state.raw<SortKey>({ by: 'order' });
	sortDirection = $state<SortDirection>('ascending');
	/** Why the last export or comparison failed, if it did. */
	problem = $state.raw<EngineFailure | undefined>(undefined);
	/** The report on screen came from this browser's saved evaluations (after a reload), not from a run here. */
	restored = $state(false);

	report = $derived(this.status.kind === 'ready' ? this.status.report : undefined);
	/**
	 * Evaluated panels still shown whose settings changed since the report was made (their figures are
	 * of the old ones). A panel that is not ready is left out: after a reload its model is still loading
	 * (or failed to), which is not a change of settings, and its own status says so.
	 */
	changedPanels = $derived(
		this.report
			? this.report.panels
					.map((p) => p.panel)
					.filter((p) => this.pg.order.includes(p) && this.pg.isReady(p) && this.report!.setups?.[p] !== undefined && this.report!.setups[p] !== panelSetup(this.pg, p))
			: []
	);
	rows = $derived(this.report ? sortRows(queryRows(this.report, this.metric, this.comparison?.baseline ?? this.baseline), this.sortKey, this.sortDirection) : []);

	readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;

	/** `storage`: where the per-query table's metric and sort are remembered across reloads (the page passes localStorage). */
	constructor(pg: Playground, storage?: Pick<Storage, 'getItem' | 'setItem'>) {
		this.pg = pg;
		this.#storage = storage;
		const saved = readEvaluationView(storage?.getItem(EVALUATION_VIEW_KEY));
		if (saved.metric) this.metric = saved.metric;
		if (saved.sortKey) this.sortKey = saved.sortKey;
		if (saved.sortDirection) this.sortDirection = saved.sortDirection;
	}

	/** Remembers the table's metric and sort (the view calls it when they change). */
	saveView(): void {
		const view: EvaluationView = { metric: this.metric, sortKey: this.sortKey, sortDirection: this.sortDirection };
		try {
			this.#storage?.setItem(EVALUATION_VIEW_KEY, JSON.stringify(view));
		} catch {
			// Storage full or refused: the view still works, it is just not remembered.
		}
	}

	/** Visible panels split into those that can run and those that cannot (with why). */
	plan(): { run: PanelId[]; skipped: SkippedPanel[] } {
		const run: PanelId[] = [];
		const skipped: SkippedPanel[] = [];
		for (const panel of this.pg.order) {
			const status = this.pg.statuses[panel];
			const title = this.pg.title(panel);
			if (this.pg.hidden.includes(panel)) skipped.push({ panel, reason: `${title} is hidden: tick it under “Panels” to include it` });
			else if (status.kind === 'needs-model') skipped.push({ panel, reason: status.message });
			else if (status.kind === 'loading') skipped.push({ panel, reason: `${title} is not ready yet (${status.stage} ${status.done}/${status.total})` });
			else run.push(panel);
		}
		return { run, skipped };
	}

	/** Runs every judged query through the visible, ready panels. */
	async run(): Promise<void> {
		const { run, skipped } = this.plan();
		if (run.length === 0) {
			this.status = { kind: 'error', failure: { code: 'BAD_ARGUMENT', message: 'No panel can run', fix: 'Show a panel (BM25 needs no model) and evaluate again.' } };
			return;
		}
		const total = this.pg.corpus?.nJudgedQueries ?? 0;
		this.problem = undefined;
		this.comparison = undefined;
		this.status = { kind: 'running', progress: run.map((panel) => ({ panel, done: 0, total })), skipped };
		const baseline = run.includes(this.baseline) ? this.baseline : run[0];
		// Each approximate ColBERT panel is compared with the exact panel of its model, when that one runs too.
		const exact = Object.fromEntries(run.map((p) => [p, this.pg.exactOf(p)]).filter(([, e]) => e && run.includes(e as PanelId)));
		const setups = Object.fromEntries(run.map((p) => [p, panelSetup(this.pg, p)]));
		const r = await this.pg.client.send('evaluate', { type: 'evaluate', panels: run, baseline, skipped, exact, setups }, (p) => {
			if (this.status.kind !== 'running' || p.unit !== 'queries') return;
			const progress = this.status.progress.map((row) => (row.panel === p.stage ? { ...row, done: p.done, total: p.total } : row));
			this.status = { ...this.status, progress };
		});
		if (r.type === 'cancelled') {
			this.status = { kind: 'idle', note: 'Evaluation cancelled.' };
		} else if (r.type === 'error') {
			this.status = { kind: 'error', failure: r.error };
		} else if (r.type === 'evaluation') {
			this.baseline = r.report.comparison?.baseline ?? baseline;
			this.comparison = r.report.comparison;
			this.#show(r.report, false);
		}
	}

	#show(report: EvaluationReport, restored: boolean): void {
		this.baseline = report.comparison?.baseline ?? this.baseline;
		this.comparison = report.comparison;
		if (!report.metrics.includes(this.metric)) this.metric = report.metrics[0];
		this.restored = restored;
		this.status = { kind: 'ready', report };
	}

	/**
	 * Shows the loaded corpus's last evaluation saved in this browser, if there is one and nothing else
	 * is on screen (the page calls it once the corpus is loaded, e.g. after a reload).
	 */
	async restore(): Promise<void> {
		if (this.status.kind !== 'idle' || !this.pg.corpus?.nJudgedQueries) return;
		const r = await this.pg.client.send('evaluate', { type: 'restore-evaluation' });
		if (r.type === 'evaluation-restored' && r.report && this.status.kind === 'idle') this.#show(r.report, true);
	}

	/** Forgets the saved copy of the report on screen and takes the report away. */
	async forget(): Promise<void> {
		const r = await this.pg.client.send('evaluate-forget', { type: 'forget-evaluation' });
		if (r.type === 'error') {
			this.problem = r.error;
			return;
		}
		this.reset('The saved evaluation is forgotten.');
	}

	cancel(): void {
		this.pg.client.cancelChannel('evaluate');
	}

	/** Forgets the report (the corpus changed). */
	reset(note?: string): void {
		this.cancel();
		this.comparison = undefined;
		this.restored = false;
		this.problem = undefined;
		this.status = note ? { kind: 'idle', note } : { kind: 'idle' };
	}

	/** Compares every other evaluated panel against `panel` (the worker keeps the runs). */
	async setBaseline(panel: PanelId): Promise<void> {
		this.baseline = panel;
		const report = this.report;
		if (!report || report.panels.length < 2) return;
		if (this.sortKey.by === 'delta' && this.sortKey.panel === panel) this.sortKey = { by: 'order' };
		this.comparing = true;
		const r = await this.pg.client.send('evaluate-compare', { type: 'compare-evaluation', evaluation: report.evaluation, baseline: panel });
		this.comparing = false;
		if (r.type === 'evaluation-comparison' && this.report?.evaluation === r.evaluation) {
			this.comparison = r.comparison;
			this.problem = undefined;
		} else if (r.type === 'error') this.problem = r.error;
	}

	/** Sorts the per-query table by `key`; the same key again flips the direction. Deltas start largest first. */
	sortBy(key: SortKey): void {
		const same = JSON.stringify(key) === JSON.stringify(this.sortKey);
		this.sortDirection = same ? (this.sortDirection === 'ascending' ? 'descending' : 'ascending') : key.by === 'order' || key.by === 'query' ? 'ascending' : 'descending';
		this.sortKey = key;
	}

	/** Shows one judged query in the panels (the playground searches it at once). */
	openQuery(text: string): void {
		this.pg.query = text;
		this.pg.searchNow();
	}

	/** The TREC run of one evaluated panel, from the worker. */
	async trecRun(panel: PanelId): Promise<Download | undefined> {
		const report = this.report;
		if (!report) return undefined;
		const r = await this.pg.client.send(`evaluate-export:${panel}`, { type: 'export-run', evaluation: report.evaluation, panel });
		if (r.type === 'run-export') return { filename: r.filename, mime: 'text/plain', text: r.text };
		if (r.type === 'error') this.problem = r.error;
		return undefined;
	}

	/** Metrics as CSV (`summary`: one row per panel and metric; `per-query`: one per query and panel) or JSON. */
	metricsFile(format: 'summary-csv' | 'per-query-csv' | 'json'): Download | undefined {
		const report = this.report;
		if (!report) return undefined;
		const base = fileSlug(report.corpus);
		if (format === 'json') return { filename: `${base}-evaluation.json`, mime: 'application/json', text: metricsJson(report, this.comparison) };
		if (format === 'per-query-csv') return { filename: `${base}-per-query.csv`, mime: 'text/csv', text: perQueryCsv(report) };
		return { filename: `${base}-metrics.csv`, mime: 'text/csv', text: metricsCsv(report, this.comparison) };
	}
}

/** Saves `file` through a temporary Blob URL and an `<a download>` click. */
export function saveDownload(file: Download, doc: Document = document): void {
	const url = URL.createObjectURL(new Blob([file.text], { type: `${file.mime};charset=utf-8` }));
	const a = doc.createElement('a');
	a.href = url;
	a.download = file.filename;
	a.style.display = 'none';
	doc.body.append(a);
	a.click();
	a.remove();
	// Revoke after the browser has started the download.
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
