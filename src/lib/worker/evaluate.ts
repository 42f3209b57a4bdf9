/**
 * The evaluation half of the engine worker: runs every judged query of the loaded corpus through the
 * panels the page asks for (through the same `PanelRunner`s a search uses, so a neural panel is
 * evaluated exactly as it ranks on screen), scores the runs with `engine/eval`, compares them against
 * a baseline panel (paired randomization and t-test, win/tie/loss, Jaccard@10 and RBO) and exports a
 * run as TREC lines. It keeps the last evaluation's runs so a new baseline or an export needs no rerun,
 * and saves each corpus's last evaluation (`./saved-evaluations.ts`) so a reloaded page gets it back.
 */
import { createError } from '../engine/errors';
import { compareRuns, evaluateRun, formatTrecRun, judgedQueryIds, median, runDrift, runOverlap, runQueries, type Run } from '../engine/eval';
import type { Corpus, Qrels, Query } from '../engine/types';
import type { EngineCore, EngineExtension, Handlers } from './engine-core';
import { toFailure } from './failures';
import type { EngineProgress, PanelId } from './protocol';
import { evaluationCorpusKey, MemoryEvaluationArchive, type EvaluationArchive } from './saved-evaluations';
import {
	EVALUATION_DEPTH,
	EVALUATION_METRICS,
	type EvaluateRequest,
	type EvaluationComparison,
	type EvaluationReport,
	type PanelEvaluation,
	type SkippedPanel
} from './evaluate-protocol';

/** Permutations of the randomization test, and its seed (reproducible p-values). */
export const PERMUTATIONS = 10_000;
export const SEED = 42;
/** Rank overlap: Jaccard of the top 10, RBO with persistence 0.9. */
const OVERLAP_K = 10;
const RBO_P = 0.9;
/** Give the worker's message loop a turn this often, so a cancel arrives during synchronous BM25 work. */
const YIELD_EVERY_MS = 25;
/** Progress events at most this often (thousands of BEIR queries would flood the page). */
const PROGRESS_EVERY_MS = 50;

interface StoredEvaluation {
	id: number;
	corpus: Corpus;
	qrels: Qrels;
	runs: Map<PanelId, Run>;
}

export class Evaluator implements EngineExtension {
	readonly core: EngineCore;
	private last: StoredEvaluation | undefined;
	/** The report of `last` as the page last saw it (its comparison follows the chosen baseline). */
	private lastReport: EvaluationReport | undefined;
	private readonly archive: EvaluationArchive;
	/** Each corpus's archive key, computed once (fingerprinting a big corpus takes a moment). */
	private readonly corpusKeys = new WeakMap<Corpus, Promise<string>>();

	/** One handler per evaluation request type (the compiler checks the list against `EvaluateRequest`). */
	readonly handlers: Handlers<EvaluateRequest> = {
		evaluate: async (request, ctx) => ({ type: 'evaluation', id: request.id, report: await this.evaluate(request, ctx.signal, ctx.onProgress) }),
		'compare-evaluation': async (request) => {
			const stored = this.stored(request.evaluation);
			const comparison = compareAgainst(stored, request.baseline);
			// A reload shows the baseline last chosen.
			if (this.lastReport?.evaluation === stored.id) await this.save(stored, (this.lastReport = { ...this.lastReport, comparison }));
			return { type: 'evaluation-comparison', id: request.id, evaluation: stored.id, comparison };
		},
		'export-run': async (request) => {
			const stored = this.stored(request.evaluation);
			const run = stored.runs.get(request.panel);
			if (!run) throw createError('BAD_ARGUMENT', { detail: `the ${request.panel} panel was not part of this evaluation` });
			const text = formatTrecRun(run, request.panel);
			const lines = text === '' ? 0 : text.split('\n').length - 1;
			return { type: 'run-export', id: request.id, panel: request.panel, filename: `${slug(stored.corpus.name)}-${request.panel}.trec`, text, lines };
		},
		'restore-evaluation': async (request) => {
			const report = await this.restore(request.id);
			return { type: 'evaluation-restored', id: request.id, ...(report ? { report } : {}) };
		},
		'forget-evaluation': async (request) => {
			const corpus = this.core.requireCorpus();
			await this.archive.delete(await this.corpusKey(corpus));
			return { type: 'evaluation-forgotten', id: request.id };
		}
	};

	/** `archive`: where each corpus's last evaluation is saved (the worker passes IndexedDB's; default: memory). */
	constructor(core: EngineCore, options: { archive?: EvaluationArchive } = {}) {
		this.core = core;
		this.archive = options.archive ?? new MemoryEvaluationArchive();
	}

	/**
	 * Runs the judged queries through `panels` one panel at a time. A panel that fails (no model, still
	 * encoding) is listed in `skipped` with the failure's message and fix; the others go on.
	 */
	async evaluate(request: Extract<EvaluateRequest, { type: 'evaluate' }>, signal: AbortSignal, onProgress?: (p: EngineProgress) => void): Promise<EvaluationReport> {
		const started = performance.now();
		const corpus = this.core.requireCorpus();
		const { queries, qrels, missing } = judgedQueries(corpus);
		if (queries.length === 0) {
			throw createError('BAD_ARGUMENT', { detail: `the corpus "${corpus.name}" has no judged queries (qrels): load the demo corpus or a BEIR folder with qrels to evaluate` });
		}
		const metrics = [...EVALUATION_METRICS];
		const panels: PanelEvaluation[] = [];
		const skipped: SkippedPanel[] = [...(request.skipped ?? [])];
		const runs = new Map<PanelId, Run>();
		const order = [...new Set(request.panels)];
		let lastYield = performance.now();
		let lastProgress = 0;
		for (const panel of order) {
			const runner = this.core.runnerOf(panel);
			if (!runner) {
				skipped.push({ panel, reason: `the ${panel} panel is not wired in this build` });
				continue;
			}
			let kernel = '';
			const times: number[] = [];
			const pipeline = {
				search: async (text: string, k: number) => {
					if (performance.now() - lastYield > YIELD_EVERY_MS) {
						await new Promise((resolve) => setTimeout(resolve, 0));
						lastYield = performance.now();
					}
					if (signal.aborted) throw signal.reason;
					const t0 = performance.now();
					const result = await runner(this.core, text, k);
					times.push(performance.now() - t0);
					kernel ||= result.kernel;
					return result;
				}
			};
			const report = (done: number, force = false) => {
				const now = performance.now();
				if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
				lastProgress = now;
				onProgress?.({ type: 'progress', id: request.id, stage: panel, done, total: queries.length, unit: 'queries' });
			};
			report(0, true);
			try {
				const result = await runQueries(pipeline, queries, EVALUATION_DEPTH, { signal, onProgress: (p) => report(p.done, p.done === p.total) });
				const evaluation = evaluateRun(result.run, qrels, metrics);
				runs.set(panel, result.run);
				const index = this.core.indexOf(panel);
				panels.push({ panel, kernel, mean: evaluation.mean, perQuery: evaluation.perQuery, searchMs: result.searchMs, medianQueryMs: median(times), ...(index ? { index } : {}) });
			} catch (error) {
				if (signal.aborted) throw signal.reason;
				// The engine's message already says what to do ("load a ColBERT model in the model bar first").
				skipped.push({ panel, reason: toFailure(error).message });
			}
		}
		if (this.core.corpus !== corpus) throw createError('BAD_ARGUMENT', { detail: 'the corpus changed during the evaluation: run it again' });
		// Drift of each approximate ColBERT panel from the exact one of its model, over the same queries.
		for (const p of panels) {
			const exact = request.exact?.[p.panel];
			const base = exact ? runs.get(exact) : undefined;
			const run = runs.get(p.panel);
			if (exact && base && run && exact !== p.panel) p.drift = { ...runDrift(run, base, OVERLAP_K), exact };
		}
		const stored: StoredEvaluation = { id: request.id, corpus, qrels, runs };
		this.last = stored;
		const baseline = runs.has(request.baseline) ? request.baseline : panels[0]?.panel;
		const setups = Object.fromEntries(panels.flatMap((p) => (request.setups?.[p.panel] !== undefined ? [[p.panel, request.setups[p.panel]]] : [])));
		const report: EvaluationReport = {
			evaluation: request.id,
			corpus: corpus.name,
			metrics,
			depth: EVALUATION_DEPTH,
			queries: queries.map((q) => ({ id: q.id, text: q.text })),
			missingQueries: missing,
			panels,
			skipped,
			...(baseline && panels.length > 1 ? { comparison: compareAgainst(stored, baseline) } : {}),
			setups,
			ms: performance.now() - started,
			evaluatedAt: Date.now()
		};
		this.lastReport = report;
		// Before answering, so a reload right after the report appears still finds it.
		if (panels.length > 0) await this.save(stored, report);
		return report;
	}

	/** Saves `report` and its runs for the corpus; a storage failure (quota, private window) only means a reload will not find it. */
	private async save(stored: StoredEvaluation, report: EvaluationReport): Promise<void> {
		try {
			const corpusKey = await this.corpusKey(stored.corpus);
			await this.archive.save({ corpusKey, savedAt: Date.now(), report, runs: stored.runs });
		} catch {
			// Not saved: the report on screen and the runs held here are unaffected.
		}
	}

	/** The loaded corpus's saved evaluation, held again as the last one (numbered `id`), or undefined. */
	private async restore(id: number): Promise<EvaluationReport | undefined> {
		const corpus = this.core.requireCorpus();
		const judged = judgedQueries(corpus);
		if (judged.queries.length === 0) return undefined;
		let saved;
		try {
			saved = await this.archive.load(await this.corpusKey(corpus));
		} catch {
			return undefined;
		}
		// A corpus loaded meanwhile, or an evaluation run meanwhile, wins over what was saved.
		if (!saved || this.core.corpus !== corpus) return undefined;
		if (this.last?.corpus === corpus) return undefined;
		this.last = { id, corpus, qrels: judged.qrels, runs: saved.runs };
		this.lastReport = { ...saved.report, evaluation: id };
		return this.lastReport;
	}

	private corpusKey(corpus: Corpus): Promise<string> {
		let key = this.corpusKeys.get(corpus);
		if (!key) {
			key = this.core.fingerprintOf(corpus.docs).then((fingerprint) => evaluationCorpusKey(corpus, judgedQueries(corpus), fingerprint));
			this.corpusKeys.set(corpus, key);
			key.catch(() => this.corpusKeys.delete(corpus));
		}
		return key;
	}

	private stored(evaluation: number): StoredEvaluation {
		const stored = this.last;
		if (!stored || stored.id !== evaluation) throw createError('BAD_ARGUMENT', { detail: `evaluation ${evaluation} is no longer held by the worker: run the evaluation again` });
		if (stored.corpus !== this.core.corpus) throw createError('BAD_ARGUMENT', { detail: 'the corpus changed since this evaluation: run it again' });
		return stored;
	}
}

/**
 * The corpus's judged queries (a relevant document and a text), in qrels order, with the qrels
 * restricted to them; `missing` counts judged queries the corpus has no text for.
 * @example judgedQueries(loadDemoCorpus()).queries.length // 28
 */
export function judgedQueries(corpus: Corpus): { queries: Query[]; qrels: Qrels; missing: number } {
	const byId = new Map(corpus.queries.map((q) => [q.id, q]));
	const queries: Query[] = [];
	const qrels: Qrels = new Map();
	let missing = 0;
	for (const qid of judgedQueryIds(corpus.qrels)) {
		const query = byId.get(qid);
		if (!query || !query.text.trim()) {
			missing++;
			continue;
		}
		queries.push(query);
		qrels.set(qid, corpus.qrels.get(qid)!);
	}
	return { queries, qrels, missing };
}

function compareAgainst(stored: StoredEvaluation, baseline: PanelId): EvaluationComparison {
	const base = stored.runs.get(baseline);
	if (!base) throw createError('BAD_ARGUMENT', { detail: `the baseline ${baseline} was not part of this evaluation` });
	const metrics = [...EVALUATION_METRICS];
	const rows = [...stored.runs]
		.filter(([panel]) => panel !== baseline)
		.map(([panel, run]) => {
			const cmp = compareRuns(base, run, stored.qrels, { metrics, permutations: PERMUTATIONS, seed: SEED });
			const { jaccard, rbo, k, p } = runOverlap(base, run, OVERLAP_K, RBO_P);
			return { panel, byMetric: cmp.byMetric, overlap: { jaccard, rbo, k, p } };
		});
	return { baseline, metrics, rows, permutations: PERMUTATIONS, seed: SEED };
}

/** A file-name-safe form of a corpus name. @example slug('latelab demo') // 'latelab-demo' */
function slug(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'corpus';
}
