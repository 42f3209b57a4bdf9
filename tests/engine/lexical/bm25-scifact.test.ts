import { describe, expect, it } from 'vitest';
import { loadCorpusFromPath } from '../../../src/lib/engine/corpus/node-files';
import { evaluateRun } from '../../../src/lib/engine/eval/metrics';
import { Bm25Index } from '../../../src/lib/engine/lexical';
import type { Hit } from '../../../src/lib/engine/types';
import { collectionDir, missingCollectionReason } from '../../support/data';

const dir = collectionDir('scifact');

describe.skipIf(dir === null)(dir === null ? missingCollectionReason('scifact') : 'BM25 on SciFact', () => {
	it('Bm25Index.search(q) reaches nDCG@10 in [0.655, 0.690] on SciFact test (BEIR 0.665, Pyserini flat 0.679)', async () => {
		const corpus = await loadCorpusFromPath(dir!, { split: 'test' });
		const index = Bm25Index.build(corpus.docs);
		const queries = new Map(corpus.queries.map((q) => [q.id, q.text]));
		const run = new Map<string, Hit[]>();
		for (const qid of corpus.qrels.keys()) run.set(qid, index.search(queries.get(qid) ?? '', 100));
		const { judgedQueries, mean } = evaluateRun(run, corpus.qrels, ['ndcg@10']);
		expect(judgedQueries).toBe(300);
		expect(mean['ndcg@10']).toBeGreaterThanOrEqual(0.655);
		expect(mean['ndcg@10']).toBeLessThanOrEqual(0.69);
	});
});
