import { describe, expect, it } from 'vitest';
import { createPipeline, pipelineInfo, pipelineNames, registerPipeline, type PipelineContext } from '../../../src/lib/engine/pipelines/registry';
import { createBm25Pipeline } from '../../../src/lib/engine/pipelines/bm25';
import { isLatelabError } from '../../../src/lib/engine/errors';
import type { Corpus } from '../../../src/lib/engine/types';

const corpus: Corpus = {
	name: 'tiny',
	docs: [
		{ id: 'a', title: 'Late interaction', text: 'ColBERT scores with MaxSim' },
		{ id: 'b', title: '', text: 'dense retrieval pools one vector' },
		{ id: 'c', title: 'Lexical', text: 'BM25 counts exact terms' },
		{ id: 'd', title: '', text: 'vector vector vector search over a much longer document than the others have' }
	],
	queries: [],
	qrels: new Map(),
	warnings: []
};

async function codeOf(fn: () => Promise<unknown>): Promise<string | undefined> {
	try {
		await fn();
	} catch (e) {
		return isLatelabError(e) ? e.code : 'other';
	}
	return undefined;
}

describe('registerPipeline / createPipeline', () => {
	it('createPipeline(name, ctx) builds a registered pipeline and passes context through', async () => {
		const seen: PipelineContext[] = [];
		registerPipeline(
			'test-echo',
			async (ctx) => {
				seen.push(ctx);
				return { name: 'test-echo', search: async (q, k) => ({ hits: [{ id: q, score: k, rank: 1 }], timings: [] }) };
			},
			'echoes the query',
			{ role: 'colbert' }
		);
		const p = await createPipeline('test-echo', { corpus, options: { depth: 7, models: { colbert: 'dir' } } });
		expect((await p.search('hello', 3)).hits).toEqual([{ id: 'hello', score: 3, rank: 1 }]);
		expect(seen[0].options).toEqual({ depth: 7, models: { colbert: 'dir' } });
		expect(pipelineInfo('test-echo')).toEqual({ name: 'test-echo', description: 'echoes the query', role: 'colbert' });
		expect(pipelineNames()).toContain('test-echo');
	});

	it('createPipeline(name) throws UNKNOWN_OPTION naming the registered pipelines', async () => {
		registerPipeline('test-listed', async () => ({ name: 'x', search: async () => ({ hits: [], timings: [] }) }), 'listed');
		try {
			await createPipeline('nope', { corpus, options: {} });
			expect.unreachable();
		} catch (e) {
			expect(isLatelabError(e) && e.code).toBe('UNKNOWN_OPTION');
			expect((e as Error).message).toMatch(/"nope".*test-listed/);
		}
	});

	it('registerPipeline(name) refuses a taken name and names that are not lower-case-dashed', async () => {
		registerPipeline('test-once', async () => ({ name: 'x', search: async () => ({ hits: [], timings: [] }) }), '');
		expect(await codeOf(async () => registerPipeline('test-once', async () => ({ name: 'x', search: async () => ({ hits: [], timings: [] }) }), ''))).toBe('BAD_ARGUMENT');
		expect(await codeOf(async () => registerPipeline('Bad Name', async () => ({ name: 'x', search: async () => ({ hits: [], timings: [] }) }), ''))).toBe('BAD_ARGUMENT');
	});
});

describe('createBm25Pipeline', () => {
	it('createBm25Pipeline(ctx).search(q, k) ranks the exact-term document first with index and search timings', async () => {
		const progress: Array<[string, number, number]> = [];
		const p = await createBm25Pipeline({ corpus, options: {}, onProgress: (e) => progress.push([e.stage, e.done, e.total]) });
		expect(p.name).toBe('bm25');
		expect(p.buildTimings?.map((t) => t.stage)).toEqual(['index']);
		expect(progress).toEqual([['index', 0, 4], ['index', 4, 4]]);
		const r = await p.search('maxsim late interaction', 2);
		expect(r.hits.map((h) => [h.id, h.rank])).toEqual([['a', 1]]);
		expect(r.timings.map((t) => t.stage)).toEqual(['search']);
	});

	it('createBm25Pipeline(ctx) applies k1 and b from the options', async () => {
		const base = await createBm25Pipeline({ corpus, options: {} });
		const other = await createBm25Pipeline({ corpus, options: { k1: 2, b: 1 } });
		// tf 3 and a long document: both k1 and b change the score.
		const s1 = (await base.search('vector', 1)).hits[0].score;
		const s2 = (await other.search('vector', 1)).hits[0].score;
		expect(Math.abs(s1 - s2)).toBeGreaterThan(1e-3);
		expect(await codeOf(() => createBm25Pipeline({ corpus, options: { b: 2 } }))).toBe('BAD_ARGUMENT');
	});
});
