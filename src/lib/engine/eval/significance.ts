import { mulberry32 } from '../random';
import { createError } from '../errors';
import type { Qrels } from '../types';
import { DEFAULT_METRICS, evaluateRun, type Run } from './metrics';
import { studentTTwoSided } from './student-t';

/**
 * Paired comparison of two runs on the same judged queries: is B better than A, and could the
 * difference be chance? Two tests, as in Smucker, Allan & Carterette (CIKM 2007), "A comparison of
 * statistical significance tests for information retrieval evaluation": the paired randomization
 * (permutation) test they recommend, and the paired Student t-test. Both are two-sided.
 * Deltas and wins are from B's point of view: `delta = B - A`, a win is a query where B scores higher.
 */

// Re-exported: notebooks and older callers import the generator from here.
export { mulberry32 };

export interface RandomizationOptions {
	/** Random sign-flip assignments to draw (default 10,000). */
	permutations?: number;
	/** PRNG seed (default 42): the same seed gives the same p-value. */
	seed?: number;
}

/**
 * Paired randomization test on per-query scores `a[i]`, `b[i]`. Under the null hypothesis the labels
 * A/B of each pair are exchangeable, so each difference `b[i] - a[i]` may flip sign. Counts the random
 * sign assignments whose |sum of differences| reaches the observed one; `p = (count + 1) / (n + 1)`
 * with n assignments (never 0: the observed assignment is one of them).
 * @example pairedRandomizationTest([0, 0, 0], [0, 0, 0]) // 1 (no difference at all)
 */
export function pairedRandomizationTest(a: readonly number[], b: readonly number[], options: RandomizationOptions = {}): number {
	const diffs = pairedDifferences(a, b);
	const permutations = options.permutations ?? 10_000;
	if (!Number.isInteger(permutations) || permutations < 1) {
		throw createError('BAD_ARGUMENT', { detail: `permutations must be a positive integer, got ${permutations}` });
	}
	const observed = Math.abs(diffs.reduce((s, d) => s + d, 0));
	// Sums of the same numbers in another order may differ in the last bits; count those as ties.
	const threshold = observed - 1e-9 * Math.max(1, observed);
	const next = mulberry32(options.seed ?? 42);
	let count = 0;
	for (let p = 0; p < permutations; p++) {
		let sum = 0;
		let bits = 0;
		for (let i = 0; i < diffs.length; i++) {
			// One 32-bit draw gives 32 signs.
			if (i % 32 === 0) bits = next();
			sum += bits & (1 << (i % 32)) ? -diffs[i] : diffs[i];
		}
		if (Math.abs(sum) >= threshold) count++;
	}
	return (count + 1) / (permutations + 1);
}

/** Result of a paired t-test. `t` is positive when B's mean is higher. */
export interface TTestResult {
	t: number;
	df: number;
	p: number;
}

/**
 * Paired two-sided Student t-test on `b[i] - a[i]`: `t = mean / (sd / sqrt(n))`, `df = n - 1`.
 * Fewer than 2 pairs give `p = NaN`; identical scores give `t = 0, p = 1`; a constant non-zero
 * difference gives `t = ±Infinity, p = 0`.
 * @example pairedTTest([0, 0, 0], [1, 2, 3]) // { t: 3.464, df: 2, p: 0.0742 }
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): TTestResult {
	const diffs = pairedDifferences(a, b);
	const n = diffs.length;
	if (n < 2) return { t: NaN, df: Math.max(0, n - 1), p: NaN };
	const mean = diffs.reduce((s, d) => s + d, 0) / n;
	const variance = diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1);
	const df = n - 1;
	if (variance === 0) {
		return mean === 0 ? { t: 0, df, p: 1 } : { t: mean > 0 ? Infinity : -Infinity, df, p: 0 };
	}
	const t = mean / Math.sqrt(variance / n);
	return { t, df, p: studentTTwoSided(t, df) };
}

/** Wins (B > A + tolerance), ties and losses (B < A - tolerance) over paired scores. */
export interface WinTieLoss {
	wins: number;
	ties: number;
	losses: number;
}

/**
 * Counts per-query wins, ties and losses of B against A.
 * @example winTieLoss([0.5, 0.5, 0.5], [0.7, 0.5, 0.2]) // { wins: 1, ties: 1, losses: 1 }
 */
export function winTieLoss(a: readonly number[], b: readonly number[], tolerance = 1e-9): WinTieLoss {
	const out = { wins: 0, ties: 0, losses: 0 };
	for (const d of pairedDifferences(a, b)) {
		if (d > tolerance) out.wins++;
		else if (d < -tolerance) out.losses++;
		else out.ties++;
	}
	return out;
}

function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
	if (a.length !== b.length) {
		throw createError('BAD_ARGUMENT', { detail: `paired scores differ in length: ${a.length} vs ${b.length}` });
	}
	return a.map((x, i) => b[i] - x);
}

export interface CompareOptions extends RandomizationOptions {
	/** Metric names as `parseMetric` (default ndcg@10, recall@100, mrr@10, map). */
	metrics?: readonly string[];
	/** Per-query differences within this are ties (default 1e-9). */
	tieTolerance?: number;
}

/** One metric of a two-run comparison. */
export interface MetricComparison extends WinTieLoss {
	meanA: number;
	meanB: number;
	/** meanB - meanA */
	delta: number;
	pRandomization: number;
	pTTest: number;
	t: number;
}

export interface RunComparison {
	judgedQueries: number;
	metrics: string[];
	byMetric: Record<string, MetricComparison>;
	/** judged query id -> metric -> B - A. */
	perQueryDelta: Record<string, Record<string, number>>;
	/** The settings used, so a report can be reproduced. */
	settings: { permutations: number; seed: number; tieTolerance: number };
}

/**
 * Compares run B against run A on the judged queries of `qrels` (see `evaluateRun` for which
 * queries count and how missing ones score).
 * @example
 * const cmp = compareRuns(bm25Run, colbertRun, qrels, { metrics: ['ndcg@10'] });
 * cmp.byMetric['ndcg@10'] // { meanA, meanB, delta, pRandomization, pTTest, t, wins, ties, losses }
 */
export function compareRuns(a: Run, b: Run, qrels: Qrels, options: CompareOptions = {}): RunComparison {
	const settings = {
		permutations: options.permutations ?? 10_000,
		seed: options.seed ?? 42,
		tieTolerance: options.tieTolerance ?? 1e-9
	};
	const evalA = evaluateRun(a, qrels, options.metrics ?? DEFAULT_METRICS);
	const evalB = evaluateRun(b, qrels, options.metrics ?? DEFAULT_METRICS);
	const qids = Object.keys(evalA.perQuery);
	const byMetric: Record<string, MetricComparison> = {};
	const perQueryDelta: Record<string, Record<string, number>> = {};
	for (const qid of qids) perQueryDelta[qid] = {};
	for (const metric of evalA.metrics) {
		const scoresA = qids.map((q) => evalA.perQuery[q][metric]);
		const scoresB = qids.map((q) => evalB.perQuery[q][metric]);
		qids.forEach((q, i) => (perQueryDelta[q][metric] = scoresB[i] - scoresA[i]));
		const tTest = pairedTTest(scoresA, scoresB);
		byMetric[metric] = {
			meanA: evalA.mean[metric],
			meanB: evalB.mean[metric],
			delta: evalB.mean[metric] - evalA.mean[metric],
			pRandomization: pairedRandomizationTest(scoresA, scoresB, settings),
			pTTest: tTest.p,
			t: tTest.t,
			...winTieLoss(scoresA, scoresB, settings.tieTolerance)
		};
	}
	return { judgedQueries: qids.length, metrics: evalA.metrics, byMetric, perQueryDelta, settings };
}
