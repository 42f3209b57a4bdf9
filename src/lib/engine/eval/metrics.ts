import { createError } from '../errors';
import type { Hit, Qrels } from '../types';

/**
 * Ranking metrics computed as trec_eval (and pytrec_eval, which wraps it) computes them, so our
 * numbers can be compared with published BEIR / Pyserini figures.
 *
 * Conventions, all following trec_eval 9.x:
 * - **Ordering.** A run's hits are re-ordered by score descending, ties broken by document id
 *   descending (trec_eval's `comp_sim_docno` in `form_res_rels.c`; we compare UTF-16 code units,
 *   the same as its `strcmp` for ASCII ids). The `rank` field of a hit is ignored. A document listed
 *   twice for one query counts once, at its best position.
 * - **Relevant** means a judged grade > 0. Unjudged documents count as non-relevant.
 * - **Judged queries** are the queries of the qrels with at least one relevant document. Means are
 *   over those only: a run's queries without judgments are ignored, qrels queries with only
 *   grade-0 judgments are excluded, and a judged query missing from the run scores 0 on every metric
 *   (trec_eval's `-c` flag).
 */

/** A run: query id -> hits. Hits need not be sorted; see the ordering rule above. */
export type Run = Map<string, Hit[]>;

export type MetricKind = 'ndcg' | 'recall' | 'mrr' | 'map' | 'p';

/** A parsed metric name. `k` is the cutoff, `Infinity` when the name has none (whole run). */
export interface MetricSpec {
	/** Canonical lower-case name, e.g. `ndcg@10`, `map`. */
	name: string;
	kind: MetricKind;
	k: number;
}

/** What `evaluateRun` and the CLI report when no metrics are named. */
export const DEFAULT_METRICS: readonly string[] = ['ndcg@10', 'recall@100', 'mrr@10', 'map'];

const METRIC_PATTERN = /^(ndcg|recall|mrr|map|p)(?:@(\d+))?$/;
const EXPECTED_METRICS = 'ndcg@k, ndcg, recall@k, recall, mrr@k, mrr, map, map@k, p@k (k a positive integer)';

/**
 * Resolves a metric name (case-insensitive) or throws `UNKNOWN_OPTION`.
 * - `ndcg@k`: nDCG with linear gains (the grade) and discount `log2(rank + 1)`; the ideal DCG sorts
 *   all judged grades of the query (trec_eval `ndcg_cut`).
 * - `recall@k`: relevant documents in the top k / all relevant documents (`recall_k`).
 * - `mrr@k`: 1 / rank of the first relevant document within the top k, else 0 (`recip_rank`).
 * - `map` / `map@k`: average precision over the whole run / the top k (`map`, `map_cut`).
 * - `p@k`: relevant documents in the top k / k, even when fewer than k were retrieved (`P_k`).
 * @example parseMetric('P@10') // { name: 'p@10', kind: 'p', k: 10 }
 */
export function parseMetric(name: string): MetricSpec {
	const match = METRIC_PATTERN.exec(name.trim().toLowerCase());
	const k = match?.[2] === undefined ? Infinity : Number(match[2]);
	if (!match || k < 1 || (match[1] === 'p' && k === Infinity)) {
		throw createError('UNKNOWN_OPTION', { what: 'metric', value: name, expected: EXPECTED_METRICS });
	}
	const kind = match[1] as MetricKind;
	return { name: k === Infinity ? kind : `${kind}@${k}`, kind, k };
}

/**
 * Orders hits as trec_eval does (score descending, then id descending) and drops repeated ids.
 * @example rankedIds([{ id: 'a', score: 1, rank: 1 }, { id: 'b', score: 1, rank: 2 }]) // ['b', 'a']
 */
export function rankedIds(hits: readonly Hit[]): string[] {
	for (const hit of hits) {
		if (!Number.isFinite(hit.score)) {
			throw createError('NOT_FINITE', { detail: `as the score of document "${hit.id}"` });
		}
	}
	const sorted = [...hits].sort((x, y) => y.score - x.score || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
	const seen = new Set<string>();
	const ids: string[] = [];
	for (const hit of sorted) {
		if (seen.has(hit.id)) continue;
		seen.add(hit.id);
		ids.push(hit.id);
	}
	return ids;
}

/**
 * One query's value for each metric. `ranked` is best first (see `rankedIds`); `judgments` maps
 * document id -> grade. A query without relevant documents scores 0 everywhere.
 * @example
 * // grades d1 = 2, d2 = 1; ranking [d2, x, d1]:
 * // DCG@3 = 1/log2(2) + 2/log2(4) = 2; ideal = 2/log2(2) + 1/log2(3) = 2.631; nDCG@3 = 0.760
 * scoreQuery(['d2', 'x', 'd1'], new Map([['d1', 2], ['d2', 1]]), [parseMetric('ndcg@3')]) // { 'ndcg@3': 0.760... }
 */
export function scoreQuery(
	ranked: readonly string[],
	judgments: ReadonlyMap<string, number>,
	specs: readonly MetricSpec[]
): Record<string, number> {
	const ideal = [...judgments.values()].filter((g) => g > 0).sort((x, y) => y - x);
	const numRelevant = ideal.length;
	const grades = ranked.map((id) => Math.max(0, judgments.get(id) ?? 0));
	const out: Record<string, number> = {};
	for (const spec of specs) {
		out[spec.name] = numRelevant === 0 ? 0 : metricValue(spec, grades, ideal);
	}
	return out;
}

function metricValue(spec: MetricSpec, grades: readonly number[], ideal: readonly number[]): number {
	const depth = Math.min(spec.k, grades.length);
	switch (spec.kind) {
		case 'ndcg': {
			let dcg = 0;
			for (let i = 0; i < depth; i++) dcg += grades[i] / Math.log2(i + 2);
			let idcg = 0;
			for (let i = 0; i < Math.min(spec.k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
			return dcg / idcg;
		}
		case 'recall':
			return countRelevant(grades, depth) / ideal.length;
		case 'p':
			return countRelevant(grades, depth) / spec.k;
		case 'mrr': {
			for (let i = 0; i < depth; i++) if (grades[i] > 0) return 1 / (i + 1);
			return 0;
		}
		case 'map': {
			let found = 0;
			let sum = 0;
			for (let i = 0; i < depth; i++) {
				if (grades[i] > 0) {
					found++;
					sum += found / (i + 1);
				}
			}
			return sum / ideal.length;
		}
	}
}

function countRelevant(grades: readonly number[], depth: number): number {
	let n = 0;
	for (let i = 0; i < depth; i++) if (grades[i] > 0) n++;
	return n;
}

/** Result of `evaluateRun`: means and per-query values over the judged queries. */
export interface Evaluation {
	judgedQueries: number;
	/** Canonical metric names, in the order asked. */
	metrics: string[];
	/** metric -> mean over judged queries (0 when there are none). */
	mean: Record<string, number>;
	/** judged query id -> metric -> value, in qrels order. */
	perQuery: Record<string, Record<string, number>>;
}

/** Query ids of the qrels with at least one relevant (grade > 0) document, in qrels order. */
export function judgedQueryIds(qrels: Qrels): string[] {
	const ids: string[] = [];
	for (const [qid, judgments] of qrels) {
		for (const grade of judgments.values()) {
			if (grade > 0) {
				ids.push(qid);
				break;
			}
		}
	}
	return ids;
}

/**
 * Scores a run against qrels. Metric names as `parseMetric`; default `DEFAULT_METRICS`.
 * @example
 * const qrels = new Map([['q1', new Map([['d1', 1]])], ['q2', new Map([['d9', 1]])]]);
 * const run = new Map([['q1', [{ id: 'x', score: 2, rank: 1 }, { id: 'd1', score: 1, rank: 2 }]]]);
 * evaluateRun(run, qrels, ['mrr@10']).mean // { 'mrr@10': 0.25 }: q1 scores 1/2, q2 (absent) 0
 */
export function evaluateRun(run: Run, qrels: Qrels, metrics: readonly string[] = DEFAULT_METRICS): Evaluation {
	const specs = uniqueSpecs(metrics);
	const names = specs.map((s) => s.name);
	const judged = judgedQueryIds(qrels);
	const perQuery: Record<string, Record<string, number>> = {};
	const mean: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
	for (const qid of judged) {
		const hits = run.get(qid);
		const values = scoreQuery(hits ? rankedIds(hits) : [], qrels.get(qid)!, specs);
		perQuery[qid] = values;
		for (const n of names) mean[n] += values[n];
	}
	if (judged.length > 0) for (const n of names) mean[n] /= judged.length;
	return { judgedQueries: judged.length, metrics: names, mean, perQuery };
}

/** Parses names and drops repeats (`NDCG@10` and `ndcg@10` are one metric). */
export function uniqueSpecs(metrics: readonly string[]): MetricSpec[] {
	const byName = new Map<string, MetricSpec>();
	for (const m of metrics) {
		const spec = parseMetric(m);
		if (!byName.has(spec.name)) byName.set(spec.name, spec);
	}
	if (byName.size === 0) {
		throw createError('BAD_ARGUMENT', { detail: 'no metric named; try ndcg@10, recall@100, mrr@10, map' });
	}
	return [...byName.values()];
}
