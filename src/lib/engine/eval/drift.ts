import { createError } from '../errors';
import type { Hit } from '../types';
import { rankedIds, type Run } from './metrics';

/**
 * How far an approximate late-interaction setup (int8 / binary storage, token pooling, a candidate
 * stage) strays from the exact fp32 exhaustive ranking of the same model on the same query: which
 * documents entered or left the top k, and how much the scores of documents both ranked moved.
 * The same numbers feed the panel's cost line, the "diff vs exact" view and the CLI, so they are
 * computed once, here. Both lists are ordered as trec_eval orders a run (see `rankedIds`).
 */

/** One document that entered or left the top k, with its rank (1-based) in each list when present. */
export interface DriftEntry {
	id: string;
	/** Rank in the approximate list, `undefined` when it did not return the document at all. */
	rank?: number;
	/** Rank in the exact list, `undefined` when the exact list did not return it. */
	exactRank?: number;
}

/** The comparison of one approximate ranking with the exact one. */
export interface RankingDrift {
	k: number;
	/** Documents in both top-k lists. */
	common: number;
	/** Documents in the exact top k, `min(k, exact list length)`: the overlap's denominator. */
	depth: number;
	/** `common / depth`: 1 when the top k is unchanged (1 for two empty lists). */
	overlap: number;
	/** In the approximate top k but not the exact top k, in approximate order. */
	entered: DriftEntry[];
	/** In the exact top k but not the approximate top k, in exact order. */
	left: DriftEntry[];
	/** Documents of the union of both top-k lists that both lists scored: the ones drift is measured on. */
	compared: number;
	/** Mean |score − exact score| over the compared documents; NaN when none. */
	meanDrift: number;
	/** Largest |score − exact score| over the compared documents; NaN when none. */
	maxDrift: number;
}

/**
 * Compares `hits` (any storage / pooling / candidate setup) with `exact` (fp32 exhaustive) at depth k.
 * Score drift is only meaningful when both score on the same scale (fp16, int8, pooling, rescored
 * binary); binary storage without rescoring scores `1 − 2 hamming / dim` and drifts by design.
 * @example
 * rankingDrift(
 *   [{ id: 'a', score: 0.9, rank: 1 }, { id: 'c', score: 0.5, rank: 2 }],
 *   [{ id: 'a', score: 1, rank: 1 }, { id: 'b', score: 0.7, rank: 2 }, { id: 'c', score: 0.6, rank: 3 }], 2)
 * // common 1, depth 2, overlap 0.5, entered [{ id: 'c', rank: 2, exactRank: 3 }], left [{ id: 'b', exactRank: 2 }],
 * // compared 2 (a and c), meanDrift (0.1 + 0.1) / 2 = 0.1, maxDrift 0.1
 */
export function rankingDrift(hits: readonly Hit[], exact: readonly Hit[], k = 10): RankingDrift {
	checkK(k);
	const ids = rankedIds(hits);
	const exactIds = rankedIds(exact);
	const rank = positions(ids);
	const exactRank = positions(exactIds);
	const top = ids.slice(0, k);
	const exactTop = exactIds.slice(0, k);
	const topSet = new Set(top);
	const exactSet = new Set(exactTop);
	const entered = top.filter((id) => !exactSet.has(id)).map((id) => ({ id, rank: rank.get(id), exactRank: exactRank.get(id) }));
	const left = exactTop.filter((id) => !topSet.has(id)).map((id) => ({ id, rank: rank.get(id), exactRank: exactRank.get(id) }));
	const common = top.length - entered.length;
	const denominator = Math.min(k, exactTop.length);
	const overlap = denominator === 0 ? (top.length === 0 ? 1 : 0) : common / denominator;

	const score = bestScores(hits);
	const exactScore = bestScores(exact);
	let compared = 0;
	let sum = 0;
	let max = 0;
	for (const id of new Set([...top, ...exactTop])) {
		const a = score.get(id);
		const b = exactScore.get(id);
		if (a === undefined || b === undefined) continue;
		const d = Math.abs(a - b);
		compared++;
		sum += d;
		if (d > max) max = d;
	}
	return {
		k, common, depth: denominator, overlap, entered, left, compared,
		meanDrift: compared === 0 ? NaN : sum / compared,
		maxDrift: compared === 0 ? NaN : max
	};
}

/** `rankingDrift` averaged over the queries two runs share. */
export interface RunDrift {
	queries: number;
	k: number;
	/** Mean overlap@k over the shared queries. */
	overlap: number;
	/** Mean of the per-query mean drifts (queries with no compared document skipped). */
	meanDrift: number;
	/** Largest drift of any compared document of any query. */
	maxDrift: number;
}

/**
 * Averages `rankingDrift` over the queries present in both runs (the evaluation view's numbers).
 * @example runDrift(run, run, 10) // { queries: run.size, k: 10, overlap: 1, meanDrift: 0, maxDrift: 0 }
 */
export function runDrift(run: Run, exact: Run, k = 10): RunDrift {
	checkK(k);
	let queries = 0;
	let overlap = 0;
	let driftQueries = 0;
	let driftSum = 0;
	let max = NaN;
	for (const [qid, hits] of run) {
		const exactHits = exact.get(qid);
		if (!exactHits) continue;
		const d = rankingDrift(hits, exactHits, k);
		queries++;
		overlap += d.overlap;
		if (d.compared > 0) {
			driftQueries++;
			driftSum += d.meanDrift;
			max = Number.isNaN(max) ? d.maxDrift : Math.max(max, d.maxDrift);
		}
	}
	return {
		queries, k,
		overlap: queries === 0 ? NaN : overlap / queries,
		meanDrift: driftQueries === 0 ? NaN : driftSum / driftQueries,
		maxDrift: max
	};
}

function positions(ids: readonly string[]): Map<string, number> {
	const map = new Map<string, number>();
	ids.forEach((id, i) => map.set(id, i + 1));
	return map;
}

/** A document listed twice keeps its best score, as `rankedIds` keeps its best position. */
function bestScores(hits: readonly Hit[]): Map<string, number> {
	const map = new Map<string, number>();
	for (const hit of hits) {
		const seen = map.get(hit.id);
		if (seen === undefined || hit.score > seen) map.set(hit.id, hit.score);
	}
	return map;
}

function checkK(k: number): void {
	if (!Number.isInteger(k) || k < 1) throw createError('BAD_ARGUMENT', { detail: `k must be a positive integer, got ${k}` });
}
