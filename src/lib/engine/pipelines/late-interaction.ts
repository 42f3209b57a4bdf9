/**
 * The ColBERT pipelines. Document vectors come from a `MultiVectorSource` (a ColBERT model encoding the
 * corpus, cached, or precomputed vectors), pooled with `--opt pool=<factor>`, stored in
 * `--opt storage=fp32|fp16|int8|binary|residual` (`storage-index.ts`) and scored by MaxSim (the reason
 * for the kernel recorded in every result). With `--opt rescore=<n>` the best n by the stored format
 * are rescored exactly with fp32 vectors kept outside the scoring memory (`Fp32VectorStore`: a
 * temporary file in the CLI, IndexedDB in the browser), read per query and scored by the f32 kernel
 * without being kept (`createDocumentScorer`); stages `rescore-read` (the side store) and `rescore`.
 * - `colbert`: exhaustive MaxSim over all documents. Stages: `encode-query`, `maxsim` (+ `rescore`);
 *   build: `load-model`, `encode-corpus`, `pool`, `maxsim-pack`.
 * - `colbert-rerank`: a first stage (BM25 by default, or dense) gives the top `depth` (default 100),
 *   then MaxSim scores only that subset: the two-phase pattern of OpenSearch / Lucene's
 *   `LateInteractionRescorer`. Stages: `first-stage`, `encode-query`, `maxsim` (+ `rescore`).
 */
import { createError } from '../errors';
import type { IndexStats } from '../eval/cost';
import { explainMaxSim, type MaxSimExplanation } from '../explain/maxsim-matrix';
import type { BackendChoice } from '../maxsim/maxsim';
import { createDocumentScorer, type DocumentScorer } from '../maxsim/score-docs';
import { MemoryFp32Store, type Fp32VectorStore } from '../store/fp32-vector-store';
import type { Hit, StageTiming, TokenMatrix } from '../types';
import type { ColbertEncoder } from '../encoders/encoder';
import { createFirstStage, type FirstStage } from './first-stage';
import { openMultiVectorSource, type MultiVectorSource } from './multivector-source';
import { depthOf, since, type NeuralContext, type NeuralDeps, type NeuralSearchResult } from './neural-context';
import type { Pipeline } from './registry';
import { buildStoredIndex, storageOptionsOf, type StoredIndex } from './storage-index';

/** What a colbert pipeline stored: `IndexStats` plus residual bits, the centroid table and the fp32 side store. */
export interface ColbertIndexStats extends IndexStats {
	bits?: 1 | 2;
	/** Residual: bytes of the shared centroid table (and bucket cutoffs / weights), not in `bytes`. */
	centroidBytes?: number;
	/** With rescore: the fp32 copy kept outside the scoring memory. */
	rescore?: { depth: number; bytes: number; where: string };
}

/** How far below the last rescored hit the first hit past the rescore depth is placed (PyTerrier's `^` epsilon). */
export const TAIL_EPSILON = 1e-4;

/**
 * The hits past the rescore depth, shifted by one constant so that the first sits `TAIL_EPSILON` below
 * the last rescored hit, as PyTerrier's concatenation (`^`) places a second ranking under a first. A
 * stored-format score can exceed every exact one (residual decoding runs high), and trec_eval and
 * `evaluateRun` order a run by score, so unshifted the tail would climb back over the rescored hits.
 * The gaps within the tail, hence its order, are kept.
 * @example belowHead([{ index: 3, score: 20 }], [{ index: 7, score: 23 }, { index: 1, score: 22.5 }])
 * // [{ index: 7, score: 19.9999 }, { index: 1, score: 19.4999 }]
 */
export function belowHead(head: readonly { score: number }[], tail: readonly { index: number; score: number }[]): { index: number; score: number }[] {
	if (head.length === 0 || tail.length === 0) return [...tail];
	const shift = head[head.length - 1].score - TAIL_EPSILON - tail[0].score;
	return tail.map((t) => ({ index: t.index, score: t.score + shift }));
}

/** A ColBERT pipeline, with its source and stored index exposed for explanations and benchmarks. */
export interface ColbertPipeline extends Pipeline {
	/** The ColBERT encoder; absent when the corpus brought precomputed vectors. */
	readonly encoder?: ColbertEncoder;
	/** Where the vectors came from (encoder or precomputed collection), with the pooling applied. */
	readonly source: MultiVectorSource;
	readonly index: StoredIndex;
	readonly indexStats: ColbertIndexStats;
	/** The MaxSim kernel in use and why. */
	readonly kernel: BackendChoice;
	search(query: string, k: number): Promise<NeuralSearchResult>;
	/**
	 * Top k for query vectors (nq x dim) over all documents (no first stage), rescored as configured or
	 * with `overrides.rescore` (any depth when the pipeline keeps an fp32 side store; 0 = none): for
	 * benchmarks and notebooks sweeping rescore depths over one index.
	 */
	searchVectors(query: TokenMatrix, k: number, overrides?: { rescore?: number }): Promise<{ top: { index: number; score: number }[]; timings: StageTiming[] }>;
	/** The MaxSim matrix of `query` against document `docId` on its fp32 (pooled) vectors. */
	explain(query: string, docId: string): Promise<MaxSimExplanation>;
	/** Frees the scorer, the fp32 side store, the first stage and the source (always present here). */
	dispose(): Promise<void>;
}

type Scored = { index: number; score: number };

async function build(ctx: NeuralContext, deps: NeuralDeps, rerank: boolean): Promise<ColbertPipeline> {
	const depth = rerank ? depthOf(ctx.options) : 0;
	const storage = storageOptionsOf(ctx.options);
	if (storage.rescore > 0 && storage.format === 'fp32') {
		throw createError('BAD_ARGUMENT', { detail: 'rescore needs a compressed storage format (storage=fp16|int8|binary|residual); fp32 is already exact' });
	}
	const t0 = performance.now();
	let source: MultiVectorSource | undefined;
	let first: FirstStage | undefined;
	let index: StoredIndex | undefined;
	let side: Fp32VectorStore | undefined;
	let rescorer: DocumentScorer | undefined;
	try {
		source = await openMultiVectorSource(ctx, deps);
		if (rerank) first = await createFirstStage(ctx, deps);
		// A vectors folder kept in OPFS or IndexedDB is already where rescoring reads from: no second copy.
		if (storage.rescore > 0) side = source.fp32Store ?? (await deps.fp32Store?.()) ?? new MemoryFp32Store();
		if (storage.rescore > 0) {
			// The kernel of the exact rescoring: WebGPU has no per-call document mode, so WASM or JS.
			const wanted = ctx.options.maxsimBackend;
			rescorer = await createDocumentScorer({ dim: source.dim, backend: wanted === 'js' || wanted === 'wasm' ? wanted : 'auto', threads: ctx.options.threads });
		}
		const t1 = performance.now();
		const sideStore = side;
		const exactScorer = rescorer;
		// Pack batch by batch and let each go: the scorer keeps its own (encoded) copy.
		index = await buildStoredIndex(source, storage, { backend: ctx.options.maxsimBackend, threads: ctx.options.threads, quantized: ctx.options.quantized }, sideStore ? (f, docs) => sideStore.putBatch(f, docs.map((d) => d.matrix)) : undefined);
		for (const w of index.warnings) (deps.onWarning ?? ctx.onWarning)?.(`MaxSim: ${w}`);
		// Pooling runs inside the loop above and is reported as its own stage.
		const poolMs = source.buildTimings.filter((t) => t.stage === 'pool').reduce((sum, t) => sum + t.ms, 0);
		const packMs = since(t1) - poolMs;
		const built = index;
		const src = source;
		const ids = src.ids;
		const n = ids.length;
		const indexStats: ColbertIndexStats = {
			documents: n,
			vectors: built.vectors,
			bytes: built.bytes,
			bytesPerDocument: n > 0 ? built.bytes / n : 0,
			format: storage.format,
			buildMs: since(t0),
			...(storage.format === 'residual' ? { bits: storage.bits, centroidBytes: built.tableBytes, ...(built.centroids ? { centroids: built.centroids } : {}) } : {}),
			...(sideStore ? { rescore: { depth: storage.rescore, bytes: sideStore.bytes, where: sideStore.label } } : {})
		};
		const kernel = (): BackendChoice => ({ ...built.choice });
		/** The best `k` of `scored` after rescoring its best `rescore` exactly with the side store's fp32 vectors. */
		const rescored = async (q: TokenMatrix, scored: Scored[], k: number, timings: StageTiming[], depth = storage.rescore): Promise<Scored[]> => {
			if (!sideStore || !exactScorer || scored.length === 0 || depth === 0) return scored.slice(0, k);
			const a = performance.now();
			const head = scored.slice(0, depth);
			const rows = head.map((s) => s.index);
			let scores: Float32Array;
			let readMs: number;
			// The side store holds vectors checked when they were indexed.
			if (sideStore.readInto) {
				// A synchronous store (OPFS) reads straight into the rescoring kernel's memory.
				const read = sideStore.readInto.bind(sideStore);
				readMs = 0;
				scores = await exactScorer.score(q, (allocate) => {
					const r = performance.now();
					const docs = read(rows, allocate);
					readMs += since(r);
					return docs;
				}, { finite: true });
			} else {
				const docs = await sideStore.get(rows);
				readMs = since(a);
				scores = await exactScorer.score(q, docs, { finite: true });
			}
			timings.push({ stage: 'rescore-read', ms: readMs });
			const b = a + readMs;
			// Exact scores first (best first); candidates past the rescore depth follow in their stored-format order.
			const exact = head.map((s, i) => ({ index: s.index, score: scores[i] })).sort((x, y) => y.score - x.score || x.index - y.index);
			timings.push({ stage: 'rescore', ms: since(b) });
			return [...exact, ...belowHead(exact, scored.slice(depth, Math.max(k, depth)))].slice(0, k);
		};
		const searchAll = async (q: TokenMatrix, k: number, timings: StageTiming[], depth = storage.rescore): Promise<Scored[]> => {
			const b = performance.now();
			const top = await built.scorer.topK(q, Math.max(k, depth));
			timings.push({ stage: 'maxsim', ms: since(b) });
			return rescored(q, top, k, timings, depth);
		};
		return {
			name: rerank ? 'colbert-rerank' : 'colbert',
			encoder: src.encoder,
			source: src,
			index: built,
			indexStats,
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
				const timings: StageTiming[] = [];
				let subset: number[] | undefined;
				if (first) {
					const c = await first.candidates(query, depth);
					subset = c.rows;
					timings.push({ stage: 'first-stage', ms: c.ms });
				}
				const a = performance.now();
				const q = await src.queryVectors(query);
				timings.push({ stage: 'encode-query', ms: since(a) });
				let top: Scored[] = [];
				if (!subset) top = await searchAll(q, k, timings);
				else if (subset.length > 0) {
					const b = performance.now();
					// score(query, subset) then sort: the subset is small, and ties keep first-stage order.
					const scores = await built.scorer.score(q, subset);
					const sorted = subset.map((index, i) => ({ index, score: scores[i] })).sort((x, y) => y.score - x.score);
					timings.push({ stage: 'maxsim', ms: since(b) });
					top = await rescored(q, sorted, k, timings);
				}
				const hits: Hit[] = top.map((t, r) => ({ id: ids[t.index], score: t.score, rank: r + 1 }));
				return { hits, timings, kernel: kernel() };
			},
			async searchVectors(q: TokenMatrix, k: number, overrides?: { rescore?: number }) {
				const depth = overrides?.rescore ?? storage.rescore;
				if (!Number.isInteger(depth) || depth < 0 || (depth > 0 && !sideStore)) {
					throw createError('BAD_ARGUMENT', { detail: `searchVectors: rescore ${depth} needs a pipeline built with rescore > 0 (an fp32 side store)` });
				}
				const timings: StageTiming[] = [];
				return { top: await searchAll(q, k, timings, depth), timings };
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
				await exactScorer?.dispose();
				await sideStore?.dispose();
				await first?.pipeline.dispose?.();
				await src.dispose();
			}
		};
	} catch (error) {
		await index?.dispose();
		await rescorer?.dispose();
		await side?.dispose();
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
