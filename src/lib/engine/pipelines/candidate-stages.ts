/**
 * ColBERT with a candidate stage instead of exhaustive MaxSim, over any `MultiVectorSource` (a ColBERT
 * model encoding text, or precomputed vectors; after `--opt pool`):
 * - `colbert-muvera`: MUVERA FDEs (`k_sim`, `dim_proj`, `r_reps`), flat FDE search over all documents,
 *   exact MaxSim (the MaxSim kernel, fp32) on the best `--depth` (default 100).
 *   Build: `fde-encode`, `maxsim-pack`. Search: `encode-query`, `fde-encode-query`, `fde-search`, `maxsim`.
 * - `colbert-plaid`: ColBERTv2 residual compression (`bits`, `centroids`) and PLAID's stages (`nprobe`,
 *   `threshold`, `ndocs`; defaults by k as ColBERT's Searcher), final MaxSim on decoded residuals
 *   (`--opt rerank=exact`: on fp32 vectors). Build: `plaid-collect`, `plaid-train`, `plaid-encode`.
 *   Search: `encode-query`, `plaid-probe`, `plaid-pruned-interaction`, `plaid-interaction`, `plaid-decompress-maxsim`.
 * Every search result carries `candidates` (documents with an approximate score), `touched`
 * (documents whose full vectors were scored) and `stages` (documents and ms per stage); the pipeline
 * keeps the running shares for `eval` and describes its index in `indexStats`.
 */
import { defaultCentroidCount, sampleIndices } from '../compress/kmeans';
import { trainResidualCodec } from '../compress/residual';
import { createMuvera } from '../candidates/muvera';
import { FdeIndex, muveraSearch } from '../candidates/muvera-index';
import { muveraOptionsOf, plaidBuildOptionsOf, plaidSearchOptionsOf } from '../candidates/options';
import { PlaidIndex } from '../candidates/plaid-index';
import type { CandidateSearch, CandidateStage } from '../candidates/top';
import type { IndexStats } from '../eval/cost';
import { MultiVectorIndex } from '../index/multivector';
import type { MultiVectorDoc } from '../index/serialize';
import type { SearchResult, StageTiming, TokenMatrix } from '../types';
import { openMultiVectorSource, type MultiVectorSource } from './multivector-source';
import { depthOf, since, type NeuralContext, type NeuralDeps } from './neural-context';
import type { Pipeline } from './registry';

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
	dispose: () => Promise<void>
): CandidatePipeline {
	let queries = 0;
	let candidateSum = 0;
	let touchedSum = 0;
	const n = source.ids.length;
	return {
		name,
		source,
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

/**
 * MUVERA first stage + exact MaxSim on the top `depth`.
 * @example
 * const p = await createMuveraPipeline({ corpus, options: { depth: 100, k_sim: 5 } }, deps);
 * const r = await p.search('red planet', 10); r.touched // 100
 */
export async function createMuveraPipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<CandidatePipeline> {
	const depth = depthOf(ctx.options);
	const source = await openMultiVectorSource(ctx, deps);
	let exact: MultiVectorIndex | undefined;
	try {
		const settings = muveraOptionsOf(ctx.options, source.dim);
		const muvera = createMuvera(source.dim, settings);
		const t0 = performance.now();
		exact = await MultiVectorIndex.create(source.dim, { backend: ctx.options.maxsimBackend, threads: ctx.options.threads });
		for (const w of exact.warnings) (deps.onWarning ?? ctx.onWarning)?.(`MaxSim: ${w}`);
		const fdes = new FdeIndex(muvera.length, muvera.dimProj, Math.min(Math.max(1, source.ids.length), 1024));
		let fdeMs = 0;
		let vectors = 0;
		const n = source.ids.length;
		for await (const { docs } of source.documents()) {
			const t1 = performance.now();
			for (const d of docs) {
				fdes.add(muvera.encodeDocument(d.matrix));
				vectors += d.matrix.rows;
			}
			fdeMs += since(t1);
			await exact.add(docs);
			ctx.onProgress?.({ stage: 'fde-encode', done: fdes.size, total: n });
		}
		const poolMs = source.buildTimings.filter((t) => t.stage === 'pool').reduce((s, t) => s + t.ms, 0);
		const buildMs = since(t0);
		const parts = { fdes: fdes.bytes, vectors: vectors * source.dim * 4 };
		const built = exact;
		return wrap(
			'colbert-muvera',
			source,
			statsOf(n, vectors, 'fp32+fde', parts, ['fdes', 'vectors'], buildMs),
			[...source.buildTimings, { stage: 'fde-encode', ms: fdeMs }, { stage: 'maxsim-pack', ms: buildMs - fdeMs - poolMs }],
			(q, k, o) => muveraSearch(muvera, fdes, built.scorer, q, k, { depth: o?.depth ?? depth }),
			async () => {
				await built.dispose();
				await source.dispose();
			}
		);
	} catch (error) {
		await exact?.dispose();
		await source.dispose();
		throw error;
	}
}

function withoutDepth(o: CandidateOverrides | undefined): { nprobe?: number; ndocs?: number; threshold?: number } {
	const out: { nprobe?: number; ndocs?: number; threshold?: number } = {};
	if (o?.nprobe !== undefined) out.nprobe = o.nprobe;
	if (o?.ndocs !== undefined) out.ndocs = o.ndocs;
	if (o?.threshold !== undefined) out.threshold = o.threshold;
	return out;
}

/** ColBERTv2's document sample for k-means: `min(1 + floor(16 sqrt(120 n)), n)` documents (`_sample_pids`, typical length 120). */
export function plaidSampleSize(documents: number): number {
	return Math.min(documents, 1 + Math.floor(16 * Math.sqrt(120 * documents)));
}

/**
 * PLAID over ColBERTv2 residual compression.
 * @example
 * const p = await createPlaidPipeline({ corpus, options: { bits: 2, nprobe: 2 } }, deps);
 * (await p.search('red planet', 10)).stages.map((s) => s.documents) // e.g. [812, 256, 64, 64]
 */
export async function createPlaidPipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<CandidatePipeline> {
	const build = plaidBuildOptionsOf(ctx.options);
	const source = await openMultiVectorSource(ctx, deps);
	let exact: MultiVectorIndex | undefined;
	try {
		const t0 = performance.now();
		const n = source.ids.length;
		// One pass over the documents: held until the codec is trained, then encoded and let go batch by batch.
		const batches: MultiVectorDoc[][] = [];
		let vectors = 0;
		if (build.rerank === 'exact') exact = await MultiVectorIndex.create(source.dim, { backend: ctx.options.maxsimBackend, threads: ctx.options.threads });
		for await (const { docs } of source.documents()) {
			batches.push(docs);
			for (const d of docs) vectors += d.matrix.rows;
			if (exact) await exact.add(docs);
		}
		const chosen = new Uint8Array(n);
		for (const d of sampleIndices(n, plaidSampleSize(n), build.seed)) chosen[d] = 1;
		const sample: TokenMatrix[] = [];
		let row = 0;
		for (const batch of batches) for (const d of batch) if (chosen[row++]) sample.push(d.matrix);
		const t1 = performance.now();
		const poolMs = source.buildTimings.filter((t) => t.stage === 'pool').reduce((s, t) => s + t.ms, 0);
		const centroids = build.centroids ?? defaultCentroidCount(vectors);
		const codec = trainResidualCodec(sample, {
			bits: build.bits,
			centroids,
			seed: build.seed,
			sample: build.sample,
			iterations: build.iterations,
			onProgress: (p) => ctx.onProgress?.(p)
		});
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
		const b = index.bytes;
		const parts: Record<string, number> = { centroids: b.table, codes: b.codes, ivf: b.ivf, ...(exact ? { vectors: vectors * source.dim * 4 } : {}) };
		const stats = statsOf(n, vectors, `residual-${build.bits}bit`, parts, ['codes', 'ivf'], t3 - t0);
		const built = exact;
		return wrap(
			'colbert-plaid',
			source,
			stats,
			[...source.buildTimings, { stage: 'plaid-collect', ms: t1 - t0 - poolMs }, { stage: 'plaid-train', ms: t2 - t1 }, { stage: 'plaid-encode', ms: t3 - t2 }],
			(q, k, o) => index.search(q, k, { ...search, ...withoutDepth(o), exact: built?.scorer }),
			async () => {
				await built?.dispose();
				await source.dispose();
			}
		);
	} catch (error) {
		await exact?.dispose();
		await source.dispose();
		throw error;
	}
}
