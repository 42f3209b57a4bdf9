/**
 * The explorer's numbers on real pipelines: cost summaries and drift of compressed ColBERT setups against
 * exact fp32 on the shipped synthetic pages (the same data the browser spec loads).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMultiVectorFolderFromDisk } from '../../../src/lib/engine/corpus/node-multivector-folder';
import { costSummary, fp32Bytes } from '../../../src/lib/engine/eval/cost';
import { rankingDrift } from '../../../src/lib/engine/eval/drift';
import { createColbertPipeline } from '../../../src/lib/engine/pipelines/late-interaction';

const FOLDER = join(process.cwd(), 'static', 'collections', 'synthetic-pages');

describe('rankingDrift on colbert pipelines', () => {
	it('rankingDrift(binary + rescore, fp32) on the synthetic pages: rescoring the whole list restores the exact ranking and scores', async () => {
		const c = await loadMultiVectorFolderFromDisk(FOLDER);
		const exact = await createColbertPipeline({ corpus: c.corpus, options: { maxsimBackend: 'js' } });
		const binary = await createColbertPipeline({ corpus: c.corpus, options: { maxsimBackend: 'js', storage: 'binary' } });
		const rescored = await createColbertPipeline({ corpus: c.corpus, options: { maxsimBackend: 'js', storage: 'binary', rescore: 48 } });
		try {
			const q = c.corpus.queries[0];
			const e = (await exact.search(q.text, 10)).hits;
			const b = rankingDrift((await binary.search(q.text, 10)).hits, e, 10);
			const r = rankingDrift((await rescored.search(q.text, 10)).hits, e, 10);
			expect(r.overlap).toBe(1);
			expect(r.maxDrift).toBeLessThan(1e-5);
			// Binary scores 1 - 2 hamming / dim per token: another scale, so its drift is large.
			expect(b.meanDrift).toBeGreaterThan(r.meanDrift);

			const fp32 = costSummary(exact.indexStats, fp32Bytes(c.totalVectors, c.dim), []);
			const bin = costSummary(binary.indexStats, fp32Bytes(c.totalVectors, c.dim), []);
			expect(fp32.factor).toBeCloseTo(1, 12);
			// dim 32: 4 bytes per vector against 128.
			expect(bin.factor).toBeCloseTo(1 / 32, 12);
			expect(bin.bytesPerDocument).toBe(12 * 4);
		} finally {
			await exact.dispose?.();
			await binary.dispose?.();
			await rescored.dispose?.();
		}
	});
});
