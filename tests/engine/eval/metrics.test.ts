import { describe, expect, it } from 'vitest';
import { evaluateRun, judgedQueryIds, parseMetric, rankedIds, scoreQuery, type Run } from '../../../src/lib/engine/eval/metrics';
import { isLatelabError } from '../../../src/lib/engine/errors';
import type { Hit, Qrels } from '../../../src/lib/engine/types';

/** Hits from ids, best first, scores descending from 100. */
function hits(...ids: string[]): Hit[] {
	return ids.map((id, i) => ({ id, score: 100 - i, rank: i + 1 }));
}

function qrelsOf(entries: Record<string, Record<string, number>>): Qrels {
	return new Map(Object.entries(entries).map(([q, j]) => [q, new Map(Object.entries(j))]));
}

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (error) {
		return isLatelabError(error) ? error.code : 'not a LatelabError';
	}
	return undefined;
}

describe('parseMetric', () => {
	it('parseMetric(name) reads cutoffs case-insensitively and canonicalises the name', () => {
		expect(parseMetric('nDCG@10')).toEqual({ name: 'ndcg@10', kind: 'ndcg', k: 10 });
		expect(parseMetric('P@5')).toEqual({ name: 'p@5', kind: 'p', k: 5 });
		expect(parseMetric('map')).toEqual({ name: 'map', kind: 'map', k: Infinity });
		expect(parseMetric(' recall@100 ')).toEqual({ name: 'recall@100', kind: 'recall', k: 100 });
	});

	it('parseMetric(name) throws UNKNOWN_OPTION on unknown names, zero cutoffs and p without cutoff', () => {
		for (const bad of ['bleu', 'ndcg@0', 'ndcg@x', 'p', 'mrr@-1', '', 'ndcg@10@2']) {
			expect(codeOf(() => parseMetric(bad)), bad).toBe('UNKNOWN_OPTION');
		}
	});
});

describe('rankedIds', () => {
	it('rankedIds(hits) breaks score ties by document id descending, as trec_eval', () => {
		const tied: Hit[] = [
			{ id: 'd1', score: 1, rank: 1 },
			{ id: 'd3', score: 1, rank: 2 },
			{ id: 'd2', score: 2, rank: 3 }
		];
		expect(rankedIds(tied)).toEqual(['d2', 'd3', 'd1']);
	});

	it('rankedIds(hits) keeps a repeated id once, at its best score', () => {
		expect(rankedIds([{ id: 'a', score: 1, rank: 1 }, { id: 'b', score: 2, rank: 2 }, { id: 'a', score: 3, rank: 3 }])).toEqual(['a', 'b']);
	});

	it('rankedIds(hits) rejects NaN scores with NOT_FINITE', () => {
		expect(codeOf(() => rankedIds([{ id: 'a', score: NaN, rank: 1 }]))).toBe('NOT_FINITE');
	});
});

describe('scoreQuery', () => {
	const graded = new Map([['d1', 3], ['d2', 2], ['d3', 1], ['n', 0]]);

	it('scoreQuery(ranked, judgments) computes nDCG with linear graded gains and the ideal from the qrels', () => {
		// Ranking d3 (1), n (0), d1 (3), d2 (2). Ideal order d1, d2, d3.
		const dcg3 = 1 / Math.log2(2) + 0 / Math.log2(3) + 3 / Math.log2(4); // 2.5
		const idcg3 = 3 / Math.log2(2) + 2 / Math.log2(3) + 1 / Math.log2(4); // 4.7619
		const dcg4 = dcg3 + 2 / Math.log2(5);
		const out = scoreQuery(['d3', 'n', 'd1', 'd2'], graded, [parseMetric('ndcg@3'), parseMetric('ndcg@4'), parseMetric('ndcg')]);
		expect(out['ndcg@3']).toBeCloseTo(dcg3 / idcg3, 12);
		expect(out['ndcg@3']).toBeCloseTo(0.525, 3);
		expect(out['ndcg@4']).toBeCloseTo(dcg4 / idcg3, 12);
		expect(out.ndcg).toBeCloseTo(dcg4 / idcg3, 12);
	});

	it('scoreQuery(ranked, judgments) counts relevant documents that were never retrieved in the ideal DCG and recall', () => {
		const out = scoreQuery(['d3'], graded, [parseMetric('ndcg@10'), parseMetric('recall@10')]);
		const idcg = 3 + 2 / Math.log2(3) + 1 / Math.log2(4);
		expect(out['ndcg@10']).toBeCloseTo(1 / idcg, 12);
		expect(out['recall@10']).toBeCloseTo(1 / 3, 12);
	});

	it('scoreQuery(ranked, judgments) treats unjudged and grade-0 documents as non-relevant', () => {
		const judgments = new Map([['rel', 1], ['judgedNo', 0]]);
		const out = scoreQuery(['unjudged', 'judgedNo', 'rel'], judgments, ['mrr@10', 'p@3', 'p@2', 'recall@2', 'ndcg@3'].map(parseMetric));
		expect(out['mrr@10']).toBeCloseTo(1 / 3, 12);
		expect(out['p@3']).toBeCloseTo(1 / 3, 12);
		expect(out['p@2']).toBe(0);
		expect(out['recall@2']).toBe(0);
		expect(out['ndcg@3']).toBeCloseTo(1 / Math.log2(4), 12);
	});

	it('scoreQuery(ranked, judgments) divides P@k by k even when fewer than k were retrieved', () => {
		const out = scoreQuery(['a'], new Map([['a', 1]]), [parseMetric('p@10')]);
		expect(out['p@10']).toBeCloseTo(0.1, 12);
	});

	it('scoreQuery(ranked, judgments) computes average precision over the whole list or the cutoff', () => {
		// Relevant d1, d2, d3; found at ranks 1 and 3: AP = (1/1 + 2/3) / 3.
		const judgments = new Map([['d1', 1], ['d2', 1], ['d3', 1]]);
		const out = scoreQuery(['d1', 'x', 'd2', 'y'], judgments, [parseMetric('map'), parseMetric('map@2')]);
		expect(out.map).toBeCloseTo((1 + 2 / 3) / 3, 12);
		expect(out['map@2']).toBeCloseTo(1 / 3, 12);
	});

	it('scoreQuery(ranked, judgments) gives MRR@k = 0 when the first relevant document is past k', () => {
		const out = scoreQuery(['x', 'y', 'rel'], new Map([['rel', 1]]), [parseMetric('mrr@2'), parseMetric('mrr')]);
		expect(out['mrr@2']).toBe(0);
		expect(out.mrr).toBeCloseTo(1 / 3, 12);
	});
});

describe('evaluateRun', () => {
	const qrels = qrelsOf({
		q1: { d1: 1, d2: 0 },
		q2: { d5: 2, d6: 1 },
		q3: { d9: 0 }, // no relevant document: excluded from the means
		q4: { d7: 1 } // judged but absent from the run: scores 0
	});

	it('evaluateRun(run, qrels) averages over judged queries only, scoring absent ones 0', () => {
		const run: Run = new Map([
			['q1', hits('d1', 'd2')],
			['q2', hits('x', 'd5')],
			['q3', hits('d9')],
			['unjudged', hits('d1')]
		]);
		const result = evaluateRun(run, qrels, ['mrr@10', 'recall@1']);
		expect(result.judgedQueries).toBe(3);
		expect(Object.keys(result.perQuery)).toEqual(['q1', 'q2', 'q4']);
		expect(result.perQuery.q4).toEqual({ 'mrr@10': 0, 'recall@1': 0 });
		expect(result.perQuery.q2['mrr@10']).toBeCloseTo(0.5, 12);
		expect(result.mean['mrr@10']).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
		expect(result.mean['recall@1']).toBeCloseTo((1 + 0 + 0) / 3, 12);
		expect(result.metrics).toEqual(['mrr@10', 'recall@1']);
	});

	it('evaluateRun(run, qrels) uses ndcg@10, recall@100, mrr@10 and map by default', () => {
		const result = evaluateRun(new Map([['q1', hits('d1')]]), qrels);
		expect(result.metrics).toEqual(['ndcg@10', 'recall@100', 'mrr@10', 'map']);
		expect(result.perQuery.q1).toEqual({ 'ndcg@10': 1, 'recall@100': 1, 'mrr@10': 1, map: 1 });
	});

	it('evaluateRun(run, qrels) orders tied scores by id descending before scoring', () => {
		const tied: Run = new Map([['q1', [{ id: 'd1', score: 5, rank: 1 }, { id: 'd2', score: 5, rank: 2 }]]]);
		// d2 (non-relevant) sorts before d1 whatever the file's ranks say.
		expect(evaluateRun(tied, qrels, ['mrr@10']).perQuery.q1['mrr@10']).toBeCloseTo(0.5, 12);
	});

	it('evaluateRun(run, qrels, metrics) merges repeated metric names and rejects unknown ones', () => {
		expect(evaluateRun(new Map(), qrels, ['MAP', 'map']).metrics).toEqual(['map']);
		expect(codeOf(() => evaluateRun(new Map(), qrels, ['ndcg@10', 'err@20']))).toBe('UNKNOWN_OPTION');
		expect(codeOf(() => evaluateRun(new Map(), qrels, []))).toBe('BAD_ARGUMENT');
	});

	it('evaluateRun(run, qrels) reports zero judged queries and zero means when nothing is relevant', () => {
		const result = evaluateRun(new Map([['q3', hits('d9')]]), qrelsOf({ q3: { d9: 0 } }), ['map']);
		expect(result).toEqual({ judgedQueries: 0, metrics: ['map'], mean: { map: 0 }, perQuery: {} });
	});
});

describe('judgedQueryIds', () => {
	it('judgedQueryIds(qrels) keeps queries with a grade > 0, in qrels order', () => {
		expect(judgedQueryIds(qrelsOf({ b: { x: 1 }, a: { y: 0 }, c: { z: 0, w: 2 } }))).toEqual(['b', 'c']);
	});
});
