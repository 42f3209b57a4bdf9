import { createError } from '../errors';
import type { Bm25Options } from '../lexical/bm25';
import { cachedBm25Index } from '../store/bm25-cached';
import type { EncodedCorpusStore } from '../store/store';
import type { Pipeline, PipelineContext, PipelineOptions } from './registry';

/** One-line description shown by `latelab --help`. */
export const BM25_DESCRIPTION = 'Okapi BM25 over title + text (k1 0.9, b 0.4 as Pyserini; --k1, --b)';

/** Where BM25 indexes are kept between runs: a store, or a function choosing one from the options (as `NeuralDeps.store`). */
export interface Bm25Deps {
	store?: EncodedCorpusStore | ((options: PipelineOptions) => EncodedCorpusStore | undefined);
}

/**
 * The `bm25` pipeline: a `Bm25Index` over the corpus, answering queries from it (stage `search`).
 * Reads `options.k1`, `options.b`, `options.stem` (boolean, Porter stemming) and `options.cache`
 * (false: no store). With a store (`deps.store`), an intact index for the same corpus fingerprint and
 * options is read back (build stage `index-load`); otherwise it is built (stage `index`, progress 0/n
 * .. n/n) and written (stage `index-cache`: fingerprint, lookup and write). A corrupt stored index
 * gives one `onWarning` line, is deleted and rebuilt.
 * @example
 * const bm25 = await createBm25Pipeline({ corpus, options: { k1: 1.2, b: 0.75 } });
 * (await bm25.search('heart attack', 10)).hits[0] // { id, score, rank: 1 }
 */
export async function createBm25Pipeline(ctx: PipelineContext, deps: Bm25Deps = {}): Promise<Pipeline> {
	const { docs } = ctx.corpus;
	ctx.onProgress?.({ stage: 'index', done: 0, total: docs.length });
	const store = ctx.options.cache === false ? undefined : typeof deps.store === 'function' ? deps.store(ctx.options) : deps.store;
	const result = await cachedBm25Index({
		docs,
		options: bm25IndexOptions(ctx.options),
		store,
		signal: ctx.signal,
		onProgress: (done, total) => ctx.onProgress?.({ stage: 'index', done, total }),
		onWarning: (problem) => ctx.onWarning?.(problem.message)
	});
	const { index } = result;
	const buildTimings =
		result.source === 'store'
			? [{ stage: 'index-load', ms: result.cacheMs }]
			: [{ stage: 'index', ms: result.buildMs }, ...(store ? [{ stage: 'index-cache', ms: result.cacheMs }] : [])];
	return {
		name: 'bm25',
		buildTimings,
		async search(query: string, k: number) {
			const t0 = performance.now();
			const hits = index.search(query, k);
			return { hits, timings: [{ stage: 'search', ms: performance.now() - t0 }] };
		}
	};
}

/**
 * The index options a pipeline's options ask for: `k1`, `b` and the BM25 panel's schema options by
 * their pipeline names (`stem`); `BAD_ARGUMENT` for a bad value. The worker's BM25 panel builds its
 * index with it too, so a BM25 option is read here only.
 * @example bm25IndexOptions({ k1: 0.9, b: 0.4, stem: false }).analyzer // { stem: false }
 */
export function bm25IndexOptions(options: PipelineOptions): Bm25Options {
	const { stem } = options;
	if (stem !== undefined && typeof stem !== 'boolean') throw createError('BAD_ARGUMENT', { detail: `stem must be true or false, got ${String(stem)}` });
	return { k1: options.k1, b: options.b, ...(stem === undefined ? {} : { analyzer: { stem } }) };
}
