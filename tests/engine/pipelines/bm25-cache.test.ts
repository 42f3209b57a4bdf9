import { describe, expect, it } from 'vitest';
import { createBm25Pipeline } from '../../../src/lib/engine/pipelines/bm25';
import { createFirstStage } from '../../../src/lib/engine/pipelines/first-stage';
import { MemoryStore } from '../../../src/lib/engine/store/store';
import type { Corpus } from '../../../src/lib/engine/types';

const corpus: Corpus = {
	name: 'tiny',
	docs: [
		{ id: 'a', title: 'Late interaction', text: 'ColBERT scores with MaxSim' },
		{ id: 'b', title: '', text: 'dense retrieval pools one vector' },
		{ id: 'c', title: 'Lexical', text: 'BM25 counts exact terms and exact scores' },
		{ id: 'd', title: '', text: 'vector vector vector search over a much longer document than the others have' }
	],
	queries: [],
	qrels: new Map(),
	warnings: []
};
const stagesOf = (p: { buildTimings?: readonly { stage: string }[] }) => p.buildTimings?.map((t) => t.stage);

describe('createBm25Pipeline with a store', () => {
	it('createBm25Pipeline(ctx, { store }) builds (index, index-cache) and then loads (index-load) with the same hits', async () => {
		const store = new MemoryStore();
		const built = await createBm25Pipeline({ corpus, options: {} }, { store });
		expect(stagesOf(built)).toEqual(['index', 'index-cache']);
		const progress: [string, number, number][] = [];
		const loaded = await createBm25Pipeline({ corpus, options: {}, onProgress: (p) => progress.push([p.stage, p.done, p.total]) }, { store });
		expect(stagesOf(loaded)).toEqual(['index-load']);
		expect(progress).toEqual([['index', 0, 4], ['index', 4, 4]]);
		for (const q of ['vector search', 'exact scores', 'maxsim']) expect((await loaded.search(q, 3)).hits).toEqual((await built.search(q, 3)).hits);
	});

	it('createBm25Pipeline(ctx, { store }) with options.cache false, or another k1, does not load the stored index', async () => {
		const store = new MemoryStore();
		await createBm25Pipeline({ corpus, options: {} }, { store });
		expect(stagesOf(await createBm25Pipeline({ corpus, options: { cache: false } }, { store }))).toEqual(['index']);
		expect(stagesOf(await createBm25Pipeline({ corpus, options: { k1: 1.5 } }, { store: () => store }))).toEqual(['index', 'index-cache']);
		expect(stagesOf(await createBm25Pipeline({ corpus, options: { k1: 1.5 } }, { store: () => store }))).toEqual(['index-load']);
	});

	it('createBm25Pipeline(ctx) with a non-boolean stem option fails with BAD_ARGUMENT', async () => {
		await expect(createBm25Pipeline({ corpus, options: { stem: 'no' } })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});
});

describe('createFirstStage with a store', () => {
	it('createFirstStage(ctx, { store }) for a reranker reads the BM25 index a bm25 pipeline stored', async () => {
		const store = new MemoryStore();
		const direct = await createBm25Pipeline({ corpus, options: {} }, { store });
		const first = await createFirstStage({ corpus, options: { firstStage: 'bm25' } }, { store });
		expect(stagesOf(first.pipeline)).toEqual(['index-load']);
		const { rows } = await first.candidates('vector search', 2);
		expect(rows.map((r) => corpus.docs[r].id)).toEqual((await direct.search('vector search', 2)).hits.map((h) => h.id));
	});
});
