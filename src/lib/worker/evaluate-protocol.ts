/**
 * The evaluation part of the worker protocol: run every judged query of the loaded corpus through
 * some panels, compare them against a baseline panel, and export one panel's run as TREC lines.
 * `src/lib/worker/protocol.ts` adds these to its unions; `./evaluate.ts` answers them. Plain data only.
 */
import type { MetricComparison } from '../engine/eval/significance';
import type { RunDrift } from '../engine/eval/drift';
import type { IndexStats } from '../engine/eval/cost';
import type { PanelId } from './protocol';

/** Metrics the evaluation view reports, in display order. */
export const EVALUATION_METRICS = ['ndcg@10', 'recall@10', 'recall@100', 'mrr@10'] as const;

/** How many hits per query are kept (recall@100 needs 100). */
export const EVALUATION_DEPTH = 100;

/** One judged query of the corpus (text shown as text, never as HTML). */
export interface EvaluatedQuery {
	id: string;
	text: string;
}

/** One panel's scores over the judged queries. */
export interface PanelEvaluation {
	panel: PanelId;
	/** The algorithm or MaxSim kernel that ran (the first search's label). */
	kernel: string;
	/** metric -> mean over the judged queries. */
	mean: Record<string, number>;
	/** query id -> metric -> value. */
	perQuery: Record<string, Record<string, number>>;
	/** Wall-clock milliseconds of all searches of this panel. */
	searchMs: number;
	/** Median milliseconds of one search (the engine's `median`). */
	medianQueryMs: number;
	/** ColBERT panels: the index's cost, with the fp32 bytes of the same unpooled vectors. */
	index?: IndexStats & { fp32Bytes: number; dim: number };
	/** Against the exact panel of the same model (when it was evaluated too): the engine's `runDrift` at 10. */
	drift?: RunDrift & { exact: PanelId };
}

/** A panel that was not evaluated, and why (no model, still encoding, failed on a query). */
export interface SkippedPanel {
	panel: PanelId;
	reason: string;
}

/** One panel against the baseline: significance per metric and rank overlap of the top 10. */
export interface PanelComparison {
	panel: PanelId;
	byMetric: Record<string, MetricComparison>;
	/** Mean Jaccard@k and RBO(p) of the top k against the baseline's top k. */
	overlap: { jaccard: number; rbo: number; k: number; p: number };
}

export interface EvaluationComparison {
	baseline: PanelId;
	metrics: string[];
	rows: PanelComparison[];
	permutations: number;
	seed: number;
}

/** What an evaluation answers; `evaluation` names it in later compare/export requests. */
export interface EvaluationReport {
	evaluation: number;
	corpus: string;
	metrics: string[];
	depth: number;
	/** Judged queries that have text, in qrels order. */
	queries: EvaluatedQuery[];
	/** Judged queries without text in the corpus (counted 0 by trec_eval; not run here). */
	missingQueries: number;
	panels: PanelEvaluation[];
	skipped: SkippedPanel[];
	/** Against the requested baseline, when it was evaluated and another panel was too. */
	comparison?: EvaluationComparison;
	/** Per evaluated panel, the page's description of its settings when it ran (`EvaluateRequest.setups`). */
	setups: Partial<Record<PanelId, string>>;
	ms: number;
	/** `Date.now()` when the evaluation finished. */
	evaluatedAt: number;
}

export type EvaluateRequest =
	/** `exact`: per approximate ColBERT panel, the exact panel of its model (drift is measured against it). */
	/** `setups`: per panel, a description of its settings the report keeps, so the page can tell when they changed since. */
	| { type: 'evaluate'; id: number; panels: PanelId[]; baseline: PanelId; skipped?: SkippedPanel[]; exact?: Partial<Record<PanelId, PanelId>>; setups?: Partial<Record<PanelId, string>> }
	| { type: 'compare-evaluation'; id: number; evaluation: number; baseline: PanelId }
	| { type: 'export-run'; id: number; evaluation: number; panel: PanelId }
	/** The last evaluation saved in this browser for the loaded corpus (after a reload), held again for compare and export. */
	| { type: 'restore-evaluation'; id: number }
	/** Forgets the loaded corpus's saved evaluation (the one on screen stays until the page drops it). */
	| { type: 'forget-evaluation'; id: number };

export type EvaluateResponse =
	| { type: 'evaluation'; id: number; report: EvaluationReport }
	| { type: 'evaluation-comparison'; id: number; evaluation: number; comparison: EvaluationComparison }
	| { type: 'run-export'; id: number; panel: PanelId; filename: string; text: string; lines: number }
	/** `report` absent: nothing saved for this corpus. A restored report has a new `evaluation` number. */
	| { type: 'evaluation-restored'; id: number; report?: EvaluationReport }
	| { type: 'evaluation-forgotten'; id: number };
