import { Bm25Index } from '../lexical/bm25';
import type { Pipeline, PipelineContext } from './registry';

/** One-line description shown by `latelab --help`. */
export const BM25_DESCRIPTION = 'Okapi BM25 over title + text (k1 0.9, b 0.4 as Pyserini; --k1, --b)';

/**
 * The `bm25` pipeline: builds a `Bm25Index` over the corpus (stage `index`, reported in
 * `buildTimings` and as progress 0/n then n/n) and answers queries from it (stage `search`).
 * Reads `options.k1` and `options.b`; everything else is ignored.
 * @example
 * const bm25 = await createBm25Pipeline({ corpus, options: { k1: 1.2, b: 0.75 } });
 * (await bm25.search('heart attack', 10)).hits[0] // { id, score, rank: 1 }
 */
export async function createBm25Pipeline(ctx: PipelineContext): Promise<Pipeline> {
	const { docs } = ctx.corpus;
	ctx.onProgress?.({ stage: 'index', done: 0, total: docs.length });
	const started = performance.now();
	const index = Bm25Index.build(docs, { k1: ctx.options.k1, b: ctx.options.b });
	const indexMs = performance.now() - started;
	ctx.onProgress?.({ stage: 'index', done: docs.length, total: docs.length });
	return {
		name: 'bm25',
		buildTimings: [{ stage: 'index', ms: indexMs }],
		async search(query: string, k: number) {
			const t0 = performance.now();
			const hits = index.search(query, k);
			return { hits, timings: [{ stage: 'search', ms: performance.now() - t0 }] };
		}
	};
}
