import { describe, expect, it } from 'vitest';
import { runQueries } from '../../../src/lib/engine/eval/run-queries';
import { isLatelabError } from '../../../src/lib/engine/errors';
import type { Pipeline } from '../../../src/lib/engine/pipelines/registry';

/** A pipeline that returns the query's words as document ids and reports two stages. */
const echo: Pick<Pipeline, 'search'> = {
	async search(query, k) {
		const hits = query.split(' ').slice(0, k).map((id, i) => ({ id, score: 10 - i, rank: i + 1 }));
		return { hits, timings: [{ stage: 'first', ms: 1 }, { stage: 'rerank', ms: 2 }] };
	}
};
const queries = [
	{ id: 'q1', text: 'a b c' },
	{ id: 'q2', text: 'd e' }
];

describe('runQueries', () => {
	it('runQueries(pipeline, queries, k) collects top-k hits per query id and sums stage times', async () => {
		const progress: number[] = [];
		const { run, stages, searchMs } = await runQueries(echo, queries, 2, { onProgress: (p) => progress.push(p.done) });
		expect([...run.keys()]).toEqual(['q1', 'q2']);
		expect(run.get('q1')!.map((h) => h.id)).toEqual(['a', 'b']);
		expect(stages).toEqual({ first: 2, rerank: 4 });
		expect(progress).toEqual([1, 2]);
		expect(searchMs).toBeGreaterThanOrEqual(0);
	});

	it('runQueries(pipeline, queries, k, { signal }) stops with CANCELLED once aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		try {
			await runQueries(echo, queries, 2, { signal: controller.signal });
			expect.unreachable();
		} catch (e) {
			expect(isLatelabError(e) && e.code).toBe('CANCELLED');
		}
	});
});
