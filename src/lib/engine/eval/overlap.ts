import { createError } from '../errors';
import { rankedIds, type Run } from './metrics';

/**
 * How much two rankings agree, with no relevance judgments needed: Jaccard overlap of the top k,
 * and rank-biased overlap (RBO), which weighs agreement near the top more.
 * Lists are document ids, best first; a repeated id counts once, at its first position.
 */

/**
 * |A_k ∩ B_k| / |A_k ∪ B_k| of the two top-k sets. Two empty lists are identical (1).
 * @example jaccardAtK(['a', 'b', 'c'], ['b', 'c', 'd'], 3) // 2 / 4 = 0.5
 */
export function jaccardAtK(a: readonly string[], b: readonly string[], k: number): number {
	checkK(k);
	const setA = new Set(unique(a).slice(0, k));
	const setB = new Set(unique(b).slice(0, k));
	if (setA.size === 0 && setB.size === 0) return 1;
	let common = 0;
	for (const id of setA) if (setB.has(id)) common++;
	return common / (setA.size + setB.size - common);
}

/**
 * Extrapolated rank-biased overlap, RBO_EXT of Webber, Moffat & Zobel (2010), "A similarity measure
 * for indefinite rankings", ACM TOIS 28(4), eq. 32, which also covers lists of different lengths.
 * With `s` the shorter length, `l` the longer, `X_d` the overlap of the two prefixes at depth d
 * (beyond `s` the short list contributes all its `s` items) and `A_d = X_d / d`:
 * `RBO = (1 - p)/p * [sum_{d=1..l} X_d/d p^d + sum_{d=s+1..l} X_s (d - s)/(s d) p^d]
 *        + [(X_l - X_s)/l + X_s/s] p^l`.
 * `p` (default 0.9) sets how top-heavy it is: the top 10 ranks carry about 86% of the weight.
 * Identical lists give 1, disjoint lists 0; two empty lists 1, one empty list 0.
 * @example rbo(['a', 'b'], ['b', 'a'], 0.9) // 0.1/0.9 * (0 + 2/2 * 0.81) + 1 * 0.81 = 0.9
 */
export function rbo(a: readonly string[], b: readonly string[], p = 0.9): number {
	if (!(p > 0 && p < 1)) throw createError('BAD_ARGUMENT', { detail: `RBO persistence p must be in (0, 1), got ${p}` });
	const listA = unique(a);
	const listB = unique(b);
	if (listA.length === 0 && listB.length === 0) return 1;
	const [short, long] = listA.length <= listB.length ? [listA, listB] : [listB, listA];
	const s = short.length;
	const l = long.length;
	if (s === 0) return 0;
	const seenShort = new Set<string>();
	const seenLong = new Set<string>();
	let overlap = 0;
	let overlapAtS = 0;
	let sum = 0;
	let weight = 1;
	for (let d = 1; d <= l; d++) {
		weight *= p;
		const fromLong = long[d - 1];
		if (d <= s) {
			const fromShort = short[d - 1];
			if (fromShort === fromLong) overlap++;
			else {
				if (seenLong.has(fromShort)) overlap++;
				if (seenShort.has(fromLong)) overlap++;
			}
			seenShort.add(fromShort);
			seenLong.add(fromLong);
			if (d === s) overlapAtS = overlap;
		} else if (seenShort.has(fromLong)) {
			overlap++;
		}
		sum += (overlap / d) * weight;
		if (d > s) sum += ((overlapAtS * (d - s)) / (s * d)) * weight;
	}
	return ((1 - p) / p) * sum + ((overlap - overlapAtS) / l + overlapAtS / s) * weight;
}

/** Mean Jaccard@k and RBO of two runs over the queries both contain. */
export interface RunOverlap {
	queries: number;
	jaccard: number;
	rbo: number;
	k: number;
	p: number;
}

/**
 * Averages `jaccardAtK` and `rbo` (on the top k of each list) over the queries present in both runs,
 * each run ordered as trec_eval orders it (see `rankedIds`).
 * @example runOverlap(run, run, 10) // { queries: run.size, jaccard: 1, rbo: 1, k: 10, p: 0.9 }
 */
export function runOverlap(a: Run, b: Run, k = 10, p = 0.9): RunOverlap {
	checkK(k);
	let queries = 0;
	let jaccard = 0;
	let rboSum = 0;
	for (const [qid, hitsA] of a) {
		const hitsB = b.get(qid);
		if (!hitsB) continue;
		const topA = rankedIds(hitsA).slice(0, k);
		const topB = rankedIds(hitsB).slice(0, k);
		queries++;
		jaccard += jaccardAtK(topA, topB, k);
		rboSum += rbo(topA, topB, p);
	}
	return queries === 0
		? { queries, jaccard: 0, rbo: 0, k, p }
		: { queries, jaccard: jaccard / queries, rbo: rboSum / queries, k, p };
}

function unique(list: readonly string[]): string[] {
	return [...new Set(list)];
}

function checkK(k: number): void {
	if (!Number.isInteger(k) || k < 1) throw createError('BAD_ARGUMENT', { detail: `k must be a positive integer, got ${k}` });
}
