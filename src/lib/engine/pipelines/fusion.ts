import { createError } from '../errors';
import type { Hit } from '../types';
import type { Run } from '../eval/metrics';

/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009, "Reciprocal rank fusion
 * outperforms Condorcet and individual rank learning methods"): a document's fused score is
 *
 *     RRF(d) = Σ_r 1 / (k + rank_r(d))
 *
 * over the rankings r that contain d, with rank 1 for the best hit and k = 60 (the paper's value, also
 * Elasticsearch's and OpenSearch's default `rank_constant`). Only ranks count, never scores, so a
 * BM25 list (unbounded scores) and a dense list (cosines) fuse without any normalisation. A document
 * missing from a ranking gets nothing from it.
 */

export interface FusionOptions {
	/** The rank constant k (default 60); larger k flattens the difference between top and lower ranks. */
	k?: number;
	/** Use only the first `depth` hits of each ranking (default: all of them). */
	depth?: number;
	/** Keep the best `limit` fused hits (default: all). */
	limit?: number;
}

function checkOptions(options: FusionOptions): { k: number; depth: number; limit: number } {
	const k = options.k ?? 60;
	const depth = options.depth ?? Infinity;
	const limit = options.limit ?? Infinity;
	if (!Number.isFinite(k) || k < 0) throw createError('BAD_ARGUMENT', { detail: `RRF rank constant k must be a finite number >= 0, got ${k}` });
	for (const [name, v] of [['depth', depth], ['limit', limit]] as const) {
		if (v !== Infinity && (!Number.isInteger(v) || v < 1)) throw createError('BAD_ARGUMENT', { detail: `RRF ${name} must be a positive integer, got ${v}` });
	}
	return { k, depth, limit };
}

/**
 * Fuses rankings (each best first, as `search` returns them: the position in the array is the rank,
 * the hits' own `score` and `rank` fields are not read). A document listed twice in one ranking counts
 * once, at its better position. Ties in the fused score go to the document with the better single
 * rank, then to the smaller id, so the result is deterministic.
 * @example
 * // a: [x, y], b: [y, z], k = 60: y = 1/62 + 1/61, x = 1/61, z = 1/62
 * reciprocalRankFusion([[{ id: 'x', score: 9, rank: 1 }, { id: 'y', score: 5, rank: 2 }],
 *                       [{ id: 'y', score: 0.8, rank: 1 }, { id: 'z', score: 0.7, rank: 2 }]]).map((h) => h.id)
 * // ['y', 'x', 'z']; y's score is 0.03252...
 */
export function reciprocalRankFusion(rankings: readonly (readonly Hit[])[], options: FusionOptions = {}): Hit[] {
	const { k, depth, limit } = checkOptions(options);
	const fused = new Map<string, { score: number; best: number }>();
	for (const ranking of rankings) {
		const seen = new Set<string>();
		const n = Math.min(depth, ranking.length);
		for (let i = 0; i < n; i++) {
			const id = ranking[i].id;
			if (seen.has(id)) continue;
			seen.add(id);
			const entry = fused.get(id) ?? { score: 0, best: Infinity };
			entry.score += 1 / (k + i + 1);
			entry.best = Math.min(entry.best, i + 1);
			fused.set(id, entry);
		}
	}
	return [...fused]
		.sort(([ia, a], [ib, b]) => b.score - a.score || a.best - b.best || (ia < ib ? -1 : ia > ib ? 1 : 0))
		.slice(0, limit === Infinity ? undefined : limit)
		.map(([id, e], i) => ({ id, score: e.score, rank: i + 1 }));
}

/**
 * Fuses runs query by query with `reciprocalRankFusion`. Each run's hits are taken best first by score
 * (ties by id descending, as `rankedIds` orders them for evaluation); a query missing from a run gets
 * nothing from it.
 * @example fuseRuns([bm25Run, denseRun], { k: 60, depth: 100 }).get('q1') // fused hits, best first
 */
export function fuseRuns(runs: readonly Run[], options: FusionOptions = {}): Run {
	checkOptions(options);
	const qids = new Set<string>();
	for (const run of runs) for (const qid of run.keys()) qids.add(qid);
	const out: Run = new Map();
	for (const qid of qids) {
		const rankings = runs.map((run) =>
			[...(run.get(qid) ?? [])].sort((x, y) => y.score - x.score || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0))
		);
		out.set(qid, reciprocalRankFusion(rankings, options));
	}
	return out;
}
