/**
 * ColBERT with a candidate stage instead of exhaustive MaxSim, over any `MultiVectorSource` (a ColBERT
 * model encoding text, or precomputed vectors; after `--opt pool`):
 * - `colbert-muvera`: MUVERA FDEs (`k_sim`, `dim_proj`, `r_reps`), flat FDE search over all documents,
 *   exact MaxSim (the WASM MaxSim kernel, fp32, documents passed per query) on the best `--depth` (default 100).
 *   Build: `fde-encode`, `collect`. Search: `encode-query`, `fde-encode-query`, `fde-search`, `maxsim`.
 * - `colbert-plaid`: ColBERTv2 residual compression (`bits`, `centroids`) and PLAID's stages (`nprobe`,
 *   `threshold`, `ndocs`; defaults by k as ColBERT's Searcher), final MaxSim on decoded residuals
 *   (`--opt rerank=exact`: on fp32 vectors), on the WASM MaxSim kernel. Build: `plaid-collect`, `plaid-train`, `plaid-encode`.
 *   Search: `encode-query`, `plaid-probe`, `plaid-pruned-interaction`, `plaid-interaction`, `plaid-decompress-maxsim`.
 * Every search result carries `candidates` (documents with an approximate score), `touched`
 * (documents whose full vectors were scored) and `stages` (documents and ms per stage); the pipeline
 * keeps the running shares for `eval` and describes its index in `indexStats`.
 */
import { trainResidualIndexCodec } from '../compress/centroid-count';
import { documentSampleSize, sampleIndices } from '../compress/kmeans';
import { createMuvera } from '../candidates/muvera';
import { FdeIndex, muveraSearch } from '../candidates/muvera-index';
import { muveraOptionsOf, plaidBuildOptionsOf, plaidSearchOptionsOf } from '../candidates/options';
import { PlaidIndex } from '../candidates/plaid-index';
import type { CandidateSearch, CandidateStage } from '../candidates/top';
import type { IndexStats } from '../eval/cost';
import { CPU_BACKENDS, type CpuBackendChoice } from '../maxsim/backends';
import { createDocumentScorer, type DocumentScorer } from '../maxsim/score-docs';
import type { MultiVectorDoc } from '../index/serialize';
import type { SearchResult, StageTiming, TokenMatrix } from '../types';
import { openMultiVectorSource, type MultiVectorSource } from './multivector-source';
import { depthOf, since, type NeuralContext, type NeuralDeps } from './neural-context';
import type { Pipeline } from './registry';
import { createError } from '../errors';
import { formatSize } from '../store/size';

/** A search result with what the candidate stages did. */
export interface CandidateSearchResult extends SearchResult {
	candidates: number;
	touched: number;
	stages: CandidateStage[];
}

/** The index a candidate pipeline built: `IndexStats` plus its bytes by part (centroid table, codes, inverted lists, FDEs, fp32 vectors). */
export interface CandidateIndexStats extends IndexStats {
	parts: Record<string, number>;
}

export interface CandidatePipeline extends Pipeline {
	readonly source: MultiVectorSource;
	readonly indexStats: CandidateIndexStats;
	/** Where the stages run, e.g. `FDE scan: wasm SIMD128; MaxSim: wasm, 2 threads`. */
	readonly kernel: string;
	search(query: string, k: number): Promise<CandidateSearchResult>;
	/**
	 * The candidate search for query vectors (nq x dim), with settings overriding the pipeline's for
	 * this call (`depth` for MUVERA; `nprobe`, `ndocs`, `threshold` for PLAID): for benchmarks and
	 * notebooks that sweep settings over one built index. Not counted in `candidateShares`.
	 */
	searchVectors(query: TokenMatrix, k: number, overrides?: CandidateOverrides): Promise<CandidateSearch>;
	/** Over the searches so far: mean share of documents with an approximate score, and with full vectors scored. */
	candidateShares(): { queries: number; candidateShare: number; touchedShare: number };
}

/** Per-call settings of `searchVectors`. */
export interface CandidateOverrides {
	depth?: number;
	nprobe?: number;
	ndocs?: number;
	threshold?: number;
}

function wrap(
	name: string,
	source: MultiVectorSource,
	stats: CandidateIndexStats,
	buildTimings: StageTiming[],
	run: (q: TokenMatrix, k: number, overrides?: CandidateOverrides) => Promise<CandidateSearch>,
	dispose: () => Promise<void>,
	kernel: string
): CandidatePipeline {
	let queries = 0;
	let candidateSum = 0;
	let touchedSum = 0;
	const n = source.ids.length;
	return {
		name,
		source,
		kernel,
		indexStats: stats,
		buildTimings,
		async search(query, k) {
			const t0 = performance.now();
			const q = await source.queryVectors(query);
			const encodeMs = since(t0);
			const r = await run(q, k);
			queries++;
			candidateSum += n > 0 ? r.candidates / n : 0;
			touchedSum += n > 0 ? r.touched / n : 0;
			return {
				hits: r.top.map((t, i) => ({ id: source.ids[t.index], score: t.score, rank: i + 1 })),
				timings: [{ stage: 'encode-query', ms: encodeMs }, ...r.stages.map((s) => ({ stage: s.stage, ms: s.ms }))],
				candidates: r.candidates,
				touched: r.touched,
				stages: r.stages
			};
		},
		searchVectors: (q, k, overrides) => run(q, k, overrides),
		candidateShares: () => ({ queries, candidateShare: queries ? candidateSum / queries : 0, touchedShare: queries ? touchedSum / queries : 0 }),
		dispose
	};
}

function statsOf(documents: number, vectors: number, format: string, parts: Record<string, number>, storedParts: string[], buildMs: number): CandidateIndexStats {
	const bytes = storedParts.reduce((s, p) => s + (parts[p] ?? 0), 0);
	return { documents, vectors, bytes, bytesPerDocument: documents > 0 ? bytes / documents : 0, format, buildMs, parts };
}

/** The most FDE bytes a MUVERA index may ask for (100k documents at fastembed's shape take 4.1 GB). */
export const MAX_FDE_INDEX_BYTES = 2 ** 34;

/**
 * Refuses, before any encoding, an FDE shape whose index would not fit (`BAD_ARGUMENT` naming the
 * product), and says the size when it is large: `r_reps · 2^k_sim · dim_proj` floats per document
 * grow fast (k_sim 10, r_reps 256, dim_proj 96 is 100 MB a document).
 * @example checkFdeIndexSize(100_000, 10_240, { kSim: 5, dimProj: 16, rReps: 20 }) // fine: 4.1 GB
 */
export function checkFdeIndexSize(documents: number, length: number, settings: { kSim: number; dimProj: number; rReps: number }, onInfo?: (message: string) => void): void {
	const bytes = documents * length * 4;
	const shape = `${documents.toLocaleString('en-US')} documents x ${length.toLocaleString('en-US')} floats (r_reps ${settings.rReps} x 2^${settings.kSim} buckets x dim_proj ${settings.dimProj})`;
	if (bytes > MAX_FDE_INDEX_BYTES) {
		throw createError('BAD_ARGUMENT', { detail: `MUVERA's FDEs would take ${formatSize(bytes)}: ${shape}, over the ${formatSize(MAX_FDE_INDEX_BYTES)} an index may use; lower r_reps, k_sim or dim_proj` });
	}
	if (bytes >= 1e9) onInfo?.(`MUVERA's FDEs will take ${formatSize(bytes)} in memory: ${shape}`);
}

/**
 * MUVERA first stage + exact MaxSim on the top `depth`.
 * @example
 * const p = await createMuveraPipeline({ corpus, options: { depth: 100, k_sim: 5 } }, deps);
 * const r = await p.search('red planet', 10); r.touched // 100
 */
export async function createMuveraPipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<CandidatePipeline> {
	const depth = depthOf(ctx.options);
	const source = await openMultiVectorSource(ctx, deps);
	let scorer: DocumentScorer | undefined;
	try {
		const settings = muveraOptionsOf(ctx.options, source.dim);
		const muvera = createMuvera(source.dim, settings);
		checkFdeIndexSize(source.ids.length, muvera.length, settings, deps.onInfo ?? ctx.onInfo);
		const t0 = performance.now();
		// The exact stage scores only the FDE top `depth`: the documents stay here (JS memory) and the
		// chosen ones go through the WASM MaxSim kernel per query, so the collection is not bound by
		// one WASM memory's 4 GiB (100k documents x 120 vectors x 96 dims is 4.6 GB in fp32).
		scorer = await createDocumentScorer({ dim: source.dim, backend: documentScorerBackend(ctx.options.maxsimBackend), threads: ctx.options.threads });
		// Chunks of up to 1024 documents, fewer when the FDEs are long, so that a chunk fits one 1 GiB shard.
		const chunk = Math.min(Math.max(1, source.ids.length), 1024, Math.max(1, Math.floor(2 ** 30 / (muvera.length * 4))));
		const fdes = new FdeIndex(muvera.length, muvera.dimProj, chunk);
		const docs: TokenMatrix[] = [];
		let fdeMs = 0;
		let vectors = 0;
		const n = source.ids.length;
		for await (const { docs: batch } of source.documents()) {
			const t1 = performance.now();
			for (const d of batch) {
				fdes.add(muvera.encodeDocument(d.matrix));
				docs.push(d.matrix);
				vectors += d.matrix.rows;
			}
			fdeMs += since(t1);
			ctx.onProgress?.({ stage: 'fde-encode', done: fdes.size, total: n });
		}
		const poolMs = source.buildTimings.filter((t) => t.stage === 'pool').reduce((s, t) => s + t.ms, 0);
		const buildMs = since(t0);
		const parts = { fdes: fdes.bytes, vectors: vectors * source.dim * 4 };
		const built = scorer;
		const exact = { score: (q: TokenMatrix, subset?: ArrayLike<number>) => built.score(q, subset ? Array.from(subset, (i) => docs[i]) : docs) };
		return wrap(
			'colbert-muvera',
			source,
			statsOf(n, vectors, 'fp32+fde', parts, ['fdes', 'vectors'], buildMs),
			[...source.buildTimings, { stage: 'fde-encode', ms: fdeMs }, { stage: 'collect', ms: buildMs - fdeMs - poolMs }],
			(q, k, o) => muveraSearch(muvera, fdes, exact, q, k, { depth: o?.depth ?? depth }),
			async () => {
				await built.dispose();
				await source.dispose();
			},
			`FDE scan: ${fdes.backend === 'wasm' ? 'wasm SIMD128' : 'js'}; MaxSim: ${built.backend}, ${built.threads} thread${built.threads > 1 ? 's' : ''}`
		);
	} catch (error) {
		await scorer?.dispose();
		await source.dispose();
		throw error;
	}
}

/** The document scorer's backend for the pipelines' `maxsimBackend` option (WebGPU has no per-call document path: auto). */
function documentScorerBackend(backend: string | undefined): CpuBackendChoice {
	return (CPU_BACKENDS as readonly (string | undefined)[]).includes(backend) ? (backend as CpuBackendChoice) : 'auto';
}

function withoutDepth(o: CandidateOverrides | undefined): { nprobe?: number; ndocs?: number; threshold?: number } {
	const out: { nprobe?: number; ndocs?: number; threshold?: number } = {};
	if (o?.nprobe !== undefined) out.nprobe = o.nprobe;
	if (o?.ndocs !== undefined) out.ndocs = o.ndocs;
	if (o?.threshold !== undefined) out.threshold = o.threshold;
	return out;
}

/**
 * PLAID over ColBERTv2 residual compression.
 * @example
 * const p = await createPlaidPipeline({ corpus, options: { bits: 2, nprobe: 2 } }, deps);
 * (await p.search('red planet', 10)).stages.map((s) => s.documents) // e.g. [812, 256, 64, 64]
 */
export async function createPlaidPipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<CandidatePipeline> {
	const build = plaidBuildOptionsOf(ctx.options);
	// The search settings' ranges, before the corpus is encoded or the codec trained (with centroids
	// auto, nprobe's upper bound waits for the count the codec ends up with).
	plaidSearchOptionsOf(ctx.options, build.centroids ?? Infinity);
	const source = await openMultiVectorSource(ctx, deps);
	let scorer: DocumentScorer | undefined;
	try {
		const t0 = performance.now();
		const n = source.ids.length;
		// One pass over the documents: held until the codec is trained, then encoded and let go batch by
		// batch (kept with --opt rerank=exact, whose last stage scores the fp32 vectors).
		const batches: MultiVectorDoc[][] = [];
		const kept: TokenMatrix[] = [];
		let vectors = 0;
		for await (const { docs } of source.documents()) {
			batches.push(docs);
			for (const d of docs) {
				vectors += d.matrix.rows;
				if (build.rerank === 'exact') kept.push(d.matrix);
			}
		}
		const chosen = new Uint8Array(n);
		for (const d of sampleIndices(n, documentSampleSize(n), build.seed)) chosen[d] = 1;
		const sample: TokenMatrix[] = [];
		let row = 0;
		for (const batch of batches) for (const d of batch) if (chosen[row++]) sample.push(d.matrix);
		const t1 = performance.now();
		const poolMs = source.buildTimings.filter((t) => t.stage === 'pool').reduce((s, t) => s + t.ms, 0);
		const { codec, centroids } = trainResidualIndexCodec(
			sample,
			vectors,
			{ bits: build.bits, seed: build.seed, sample: build.sample, iterations: build.iterations, onProgress: (p) => ctx.onProgress?.(p) },
			build.centroids,
			build.centroidBudget
		);
		const t2 = performance.now();
		const search = plaidSearchOptionsOf(ctx.options, codec.centroids.rows);
		const index = new PlaidIndex(codec);
		for (let i = 0; i < batches.length; i++) {
			index.add(batches[i].map((d) => d.matrix));
			batches[i] = [];
			ctx.onProgress?.({ stage: 'plaid-encode', done: index.size, total: n });
		}
		index.invertedLists();
		const t3 = performance.now();
		// Stage 4 (decoded residuals, or the fp32 vectors) runs on the WASM MaxSim kernel, documents passed per query.
		scorer = await createDocumentScorer({ dim: source.dim, backend: documentScorerBackend(ctx.options.maxsimBackend), threads: ctx.options.threads });
		const b = index.bytes;
		const parts: Record<string, number> = { centroids: b.table, codes: b.codes, ivf: b.ivf, ...(build.rerank === 'exact' ? { vectors: vectors * source.dim * 4 } : {}) };
		// With rerank=exact the fp32 vectors are part of what the index keeps (as MUVERA's are).
		const stored = build.rerank === 'exact' ? ['codes', 'ivf', 'vectors'] : ['codes', 'ivf'];
		const stats: CandidateIndexStats = { ...statsOf(n, vectors, `residual-${build.bits}bit`, parts, stored, t3 - t0), centroids };
		if (build.centroids !== undefined && centroids.count < build.centroids) {
			(deps.onWarning ?? ctx.onWarning)?.(`centroids ${build.centroids} asked for, ${centroids.count} trained: k-means had only ${centroids.count} sampled vectors`);
		}
		const built = scorer;
		const exact = build.rerank === 'exact' ? { score: (q: TokenMatrix, subset?: ArrayLike<number>) => built.score(q, subset ? Array.from(subset, (i) => kept[i]) : kept) } : undefined;
		return wrap(
			'colbert-plaid',
			source,
			stats,
			[...source.buildTimings, { stage: 'plaid-collect', ms: t1 - t0 - poolMs }, { stage: 'plaid-train', ms: t2 - t1 }, { stage: 'plaid-encode', ms: t3 - t2 }],
			(q, k, o) => index.search(q, k, { ...search, ...withoutDepth(o), exact, scorer: built }),
			async () => {
				await built.dispose();
				await source.dispose();
			},
			`${codec.centroids.rows} centroids; MaxSim: ${built.backend}, ${built.threads} thread${built.threads > 1 ? 's' : ''}`
		);
	} catch (error) {
		await scorer?.dispose();
		await source.dispose();
		throw error;
	}
}
