import { createError } from '../errors';
import type { Pipeline, PipelineProgress } from '../pipelines/registry';
import type { Query } from '../types';
import type { Run } from './metrics';

/** What `runQueries` returns: the run, the wall time of all searches, and per-stage sums. */
export interface QueriesResult {
	run: Run;
	/** Wall-clock milliseconds of all `search` calls together. */
	searchMs: number;
	/** Stage name -> milliseconds summed over queries, as the pipeline reported them. */
	stages: Record<string, number>;
}

export interface RunQueriesOptions {
	/** Called after each query as `{ stage: 'search', done, total }`. */
	onProgress?: (p: PipelineProgress) => void;
	/** Checked before each query; an aborted signal throws `CANCELLED`. */
	signal?: AbortSignal;
}

/**
 * Searches every query in order (one at a time, so per-query timings stay meaningful) and collects
 * the top-k hits per query id: the run that `evaluateRun` scores. Shared by `latelab eval` and the
 * playground's evaluation view.
 * @example
 * const { run, searchMs } = await runQueries(bm25, corpus.queries, 1000);
 * evaluateRun(run, corpus.qrels).mean['ndcg@10']
 */
export async function runQueries(
	pipeline: Pick<Pipeline, 'search'>,
	queries: readonly Query[],
	k: number,
	options: RunQueriesOptions = {}
): Promise<QueriesResult> {
	const run: Run = new Map();
	const stages: Record<string, number> = {};
	const started = performance.now();
	for (let i = 0; i < queries.length; i++) {
		if (options.signal?.aborted) throw createError('CANCELLED', { detail: ` after ${i} of ${queries.length} queries` });
		const result = await pipeline.search(queries[i].text, k);
		run.set(queries[i].id, result.hits);
		for (const t of result.timings) stages[t.stage] = (stages[t.stage] ?? 0) + t.ms;
		options.onProgress?.({ stage: 'search', done: i + 1, total: queries.length });
	}
	return { run, searchMs: performance.now() - started, stages };
}
