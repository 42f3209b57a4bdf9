/**
 * The ColBERT pipelines. Documents are encoded once into kept token vectors (cached) and packed into a
 * MaxSim scorer (`createMaxSimScorer`: WebGPU, WASM or JS, with the reason recorded in every result).
 * - `colbert`: exhaustive MaxSim over all documents. Stages: `encode-query`, `maxsim`; build: `load-model`, `encode-corpus`, `maxsim-pack`.
 * - `colbert-rerank`: a first stage (BM25 by default, or dense) gives the top `depth` (default 100),
 *   then MaxSim scores only that subset: the two-phase pattern of OpenSearch / Lucene's
 *   `LateInteractionRescorer`. Stages: `first-stage`, `encode-query`, `maxsim`.
 */
import { createError } from '../errors';
import { explainMaxSim, type MaxSimExplanation } from '../explain/maxsim-matrix';
import { MultiVectorIndex } from '../index/multivector';
import type { Hit } from '../types';
import { createFirstStage, type FirstStage } from './first-stage';
import { openMultiVectorSource, type MultiVectorSource } from './multivector-source';
import { depthOf, since, type NeuralContext, type NeuralDeps, type NeuralSearchResult } from './neural-context';
import type { Pipeline } from './registry';
import type { ColbertEncoder } from '../encoders/encoder';
import type { BackendChoice } from '../maxsim/maxsim';


/** A ColBERT pipeline, with its encoder and index exposed for explanations. */
export interface ColbertPipeline extends Pipeline {
	/** The ColBERT encoder; absent when the corpus brought precomputed vectors. */
	readonly encoder?: ColbertEncoder;
	/** Where the vectors came from (encoder or precomputed collection), with the pooling applied. */
	readonly source: MultiVectorSource;
	readonly index: MultiVectorIndex;
	/** The MaxSim kernel in use and why. */
	readonly kernel: BackendChoice;
	search(query: string, k: number): Promise<NeuralSearchResult>;
	/** The MaxSim matrix of `query` against document `docId` (its score equals the pipeline's, within float rounding). */
	explain(query: string, docId: string): Promise<MaxSimExplanation>;
}

async function build(ctx: NeuralContext, deps: NeuralDeps, rerank: boolean): Promise<ColbertPipeline> {
	const depth = rerank ? depthOf(ctx.options) : 0;
	let source: MultiVectorSource | undefined;
	let first: FirstStage | undefined;
	let index: MultiVectorIndex | undefined;
	try {
		source = await openMultiVectorSource(ctx, deps);
		if (rerank) first = await createFirstStage(ctx, deps);
		const t1 = performance.now();
		index = await MultiVectorIndex.create(source.dim, { backend: ctx.options.maxsimBackend, threads: ctx.options.threads, quantized: ctx.options.quantized });
		// Pack batch by batch and let each go: the scorer holds its own copy of the vectors.
		for await (const batch of source.documents()) await index.add(batch.docs);
		for (const w of index.warnings) (deps.onWarning ?? ctx.onWarning)?.(`MaxSim: ${w}`);
		// Pooling runs inside the loop above and is reported as its own stage.
		const packMs = since(t1) - source.buildTimings.filter((t) => t.stage === 'pool').reduce((sum, t) => sum + t.ms, 0);
		const built = index;
		const src = source;
		const ids = src.ids;
		const kernel = (): BackendChoice => ({ ...built.choice });
		return {
			name: rerank ? 'colbert-rerank' : 'colbert',
			encoder: src.encoder,
			source: src,
			index: built,
			get kernel() {
				return kernel();
			},
			// load-model, the first stage's own stages, then encode-corpus / pool and packing.
			buildTimings: [
				...src.buildTimings.filter((t) => t.stage === 'load-model'),
				...(first?.pipeline.buildTimings ?? []),
				...src.buildTimings.filter((t) => t.stage !== 'load-model'),
				{ stage: 'maxsim-pack', ms: packMs }
			],
			async search(query: string, k: number) {
				const timings = [];
				let subset: number[] | undefined;
				if (first) {
					const c = await first.candidates(query, depth);
					subset = c.rows;
					timings.push({ stage: 'first-stage', ms: c.ms });
				}
				const a = performance.now();
				const q = await src.queryVectors(query);
				timings.push({ stage: 'encode-query', ms: since(a) });
				const b = performance.now();
				let top: { index: number; score: number }[] = [];
				if (!subset) top = await built.topK(q, k);
				else if (subset.length > 0) {
					// score(query, subset) then sort: the subset is small, and ties keep first-stage order.
					const scores = await built.score(q, subset);
					top = subset.map((index, i) => ({ index, score: scores[i] })).sort((x, y) => y.score - x.score).slice(0, k);
				}
				timings.push({ stage: 'maxsim', ms: since(b) });
				const hits: Hit[] = top.map((t, r) => ({ id: ids[t.index], score: t.score, rank: r + 1 }));
				return { hits, timings, kernel: kernel() };
			},
			async explain(query: string, docId: string) {
				const row = ids.indexOf(docId);
				if (row < 0) throw createError('BAD_ARGUMENT', { detail: `no document "${docId}" in this corpus` });
				// The scorer keeps only packed vectors; the source gives the same stored vectors again
				// (re-encoded with the same model and dtype as the cache key, or read from the collection).
				return explainMaxSim(await src.query(query), await src.document(row));
			},
			async dispose() {
				await built.dispose();
				await first?.pipeline.dispose?.();
				await src.dispose();
			}
		};
	} catch (error) {
		await index?.dispose();
		await first?.pipeline.dispose?.();
		await source?.dispose();
		throw error;
	}
}

/**
 * Exhaustive ColBERT.
 * @example
 * const colbert = await createColbertPipeline({ corpus, options: { models: { colbert: './tiny-colbert' } } });
 * const r = await colbert.search('red planet', 10); r.kernel // { backend: 'wasm', reason: 'wasm: relaxed SIMD (FMA), 2 threads ...' }
 */
export function createColbertPipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<ColbertPipeline> {
	return build(ctx, deps, false);
}

/**
 * First stage + ColBERT MaxSim rerank of its top `depth`.
 * @example const r = await (await createColbertRerankPipeline({ corpus, options: { firstStage: 'bm25', depth: 100 } })).search('q', 10);
 */
export function createColbertRerankPipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<ColbertPipeline> {
	return build(ctx, deps, true);
}
