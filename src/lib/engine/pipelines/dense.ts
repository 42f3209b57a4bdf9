/**
 * The `dense` pipeline (bi-encoder, Sentence-BERT style): every document is encoded once into one unit
 * vector (cached per model and corpus), the query is encoded at search time, and an exact flat search
 * ranks all documents by cosine (default), dot product or negated L2 distance.
 * Stages: `encode-query`, `search`; build: `load-model`, `encode-corpus`, `index`.
 */
import { createError } from '../errors';
import { explainBiEncoderPair, type NotDecomposable, type PooledContributions } from '../explain/pooled-contributions';
import { FlatIndex, denseMetric } from '../index/flat';
import type { Hit } from '../types';
import { encodeDenseCorpus, encodingOptionsFor } from './corpus-encoding';
import { documentText, encoderFor, since, type NeuralContext, type NeuralDeps, type NeuralSearchResult } from './neural-context';
import type { Pipeline } from './registry';


/** The dense pipeline, with its index and model exposed for explanations and first stages. */
export interface DensePipeline extends Pipeline {
	readonly index: FlatIndex;
	readonly modelId: string;
	/** Document ids in index row order. */
	readonly ids: readonly string[];
	search(query: string, k: number): Promise<NeuralSearchResult>;
	/** Document `docId`'s exact per-token share of its cosine (mean pooling), or why there is none (CLS). */
	explain(query: string, docId: string): Promise<PooledContributions | NotDecomposable>;
	/** Rows of the `k` best documents (of all, or of `subset`), with scores. */
	searchRows(query: string, k: number, subset?: ArrayLike<number>): Promise<{ rows: { index: number; score: number }[]; encodeMs: number; searchMs: number }>;
}

/**
 * @example
 * const dense = await createDensePipeline({ corpus, options: { models: { 'bi-encoder': 'Xenova/all-MiniLM-L6-v2' } } });
 * (await dense.search('heart attack', 10)).timings // [{ stage: 'encode-query', ms }, { stage: 'search', ms }]
 */
export async function createDensePipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<DensePipeline> {
	const metric = denseMetric(ctx.options.metric);
	const t0 = performance.now();
	const { encoder, ref, owned } = await encoderFor('bi-encoder', ctx, deps);
	const loadMs = since(t0);
	try {
		const { matrix, stats } = await encodeDenseCorpus(encoder, ctx.corpus.docs, await encodingOptionsFor(ctx, deps, ref));
		const t1 = performance.now();
		const index = new FlatIndex(matrix, metric);
		const ids = ctx.corpus.docs.map((d) => d.id);
		const buildTimings = [{ stage: 'load-model', ms: loadMs }, ...stats.timings, { stage: 'index', ms: since(t1) }];

		const searchRows = async (query: string, k: number, subset?: ArrayLike<number>) => {
			const a = performance.now();
			const q = await encoder.encode([query], 'query');
			const encodeMs = since(a);
			const b = performance.now();
			const rows = index.search(q.data.subarray(0, q.dim), k, subset);
			return { rows, encodeMs, searchMs: since(b) };
		};
		return {
			name: 'dense',
			index,
			modelId: encoder.modelId,
			ids,
			buildTimings,
			searchRows,
			async search(query: string, k: number) {
				const { rows, encodeMs, searchMs } = await searchRows(query, k);
				const hits: Hit[] = rows.map((r, i) => ({ id: ids[r.index], score: r.score, rank: i + 1 }));
				return { hits, timings: [{ stage: 'encode-query', ms: encodeMs }, { stage: 'search', ms: searchMs }] };
			},
			async explain(query: string, docId: string) {
				const doc = ctx.corpus.docs[ids.indexOf(docId)];
				if (!doc) throw createError('BAD_ARGUMENT', { detail: `no document "${docId}" in this corpus` });
				return explainBiEncoderPair(encoder, query, documentText(doc));
			},
			async dispose() {
				if (owned) await encoder.dispose();
			}
		};
	} catch (error) {
		if (owned) await encoder.dispose();
		throw error;
	}
}
