/**
 * Each neural panel kind as one shape, `PanelPipeline`: the engine pipeline its kind names
 * (`KINDS[kind].pipeline`: dense, cross, colbert, colbert-rerank), a search that says what ranked
 * ("what ranks here"), and one typed `explain()` answering the view the page draws — MaxSim matrix
 * (ColBERT), per-token shares (bi-encoder) or occlusion (cross-encoder, with progress). The host never
 * branches on the kind again.
 */
import { documentText, type NeuralContext, type NeuralDeps } from '../../engine/pipelines/neural-context';
import { createCrossPipeline } from '../../engine/pipelines/rerank';
import { createDensePipeline } from '../../engine/pipelines/dense';
import { createColbertPipeline, createColbertRerankPipeline, type ColbertPipeline } from '../../engine/pipelines/late-interaction';
import { createMuveraPipeline, createPlaidPipeline, type CandidatePipeline } from '../../engine/pipelines/candidate-stages';
import { explainMaxSim } from '../../engine/explain/maxsim-matrix';
import type { IndexStats } from '../../engine/eval/cost';
import type { Corpus, SearchResult, StageTiming } from '../../engine/types';
import { createError } from '../../engine/errors';
import { KINDS, type PanelKind, type PanelOptions } from '../../engine/panels';
import { colbertView, denseView, occlusionView } from './explain-views';
import { occlusionWithProgress } from './occlusion-progress';
import type { NeuralExplanationView } from './protocol';

/** What an explanation needs besides the query and document. */
export interface ExplainContext {
	/** Occlusion: most variants scored. */
	maxVariants?: number;
	signal?: AbortSignal;
	/** Occlusion: pairs scored of the total. */
	onProgress?: (done: number, total: number) => void;
}

/** A built neural panel. */
export interface PanelPipeline {
	/** Top-k hits with timings, and what ranked them (MaxSim kernel and why, the index, or the reranking). */
	search(query: string, k: number): Promise<SearchResult & { kernel: string }>;
	/** What ranks here before any search (the kernel `auto` picked, or the index). */
	readonly kernel: string;
	/** The view of one (query, document) score. */
	explain(query: string, docId: string, ctx: ExplainContext): Promise<NeuralExplanationView>;
	readonly buildTimings: readonly StageTiming[];
	/** ColBERT panels: what the index costs (the engine's stats) and the fp32 bytes of the same unpooled vectors. */
	readonly index?: PanelIndex;
	dispose(): Promise<void>;
}

/** A ColBERT panel's index: the pipeline's `IndexStats` plus what fp32 exhaustive would store for the same vectors. */
export type PanelIndex = IndexStats & { fp32Bytes: number; dim: number };

/** `IndexStats` of a pipeline with the fp32 size of its unpooled vectors (a vectors folder knows them; else the stored count). */
function panelIndex(stats: IndexStats, source: { dim: number; collection?: { totalVectors: number } }): PanelIndex {
	const { documents, vectors, bytes, bytesPerDocument, format, buildMs, centroids } = stats;
	const unpooled = source.collection?.totalVectors ?? vectors;
	return { documents, vectors, bytes, bytesPerDocument, format, buildMs, ...(centroids ? { centroids } : {}), dim: source.dim, fp32Bytes: unpooled * source.dim * 4 };
}

/** What ranks in a reranking panel, before the reranker's own part. @example reranking({ ...defaultOptions() }) // 'bm25 top 100' */
function reranking(options: PanelOptions): string {
	return `${options.firstStage} top ${options.depth}`;
}

/** The document's text (what the encoders read), or BAD_ARGUMENT for an unknown id. */
function docText(corpus: Corpus, docId: string): string {
	const doc = corpus.docs.find((d) => d.id === docId);
	if (!doc) throw createError('BAD_ARGUMENT', { detail: `unknown document id "${docId}"` });
	return documentText(doc);
}

function colbertPanel(pipeline: ColbertPipeline, corpus: Corpus, kernelLabel: (reason: string) => string): PanelPipeline {
	const rescore = pipeline.indexStats.rescore;
	// Says where rescoring reads its fp32 vectors ("rescore 100 from IndexedDB latelab-vectors-…").
	const label = (reason: string) => (rescore ? `${kernelLabel(reason)} · rescore ${rescore.depth} from ${rescore.where}` : kernelLabel(reason));
	return {
		get kernel() {
			return label(pipeline.kernel.reason);
		},
		buildTimings: pipeline.buildTimings ?? [],
		index: panelIndex(pipeline.indexStats, pipeline.source),
		async search(query, k) {
			const result = await pipeline.search(query, k);
			return { ...result, kernel: label((result.kernel ?? pipeline.kernel).reason) };
		},
		async explain(query, docId) {
			const text = docText(corpus, docId);
			return colbertView(await pipeline.explain(query, docId), text);
		},
		dispose: async () => pipeline.dispose?.()
	};
}

/** A ColBERT panel with a candidate stage (MUVERA or PLAID): explanations are MaxSim on the source's fp32 (pooled) vectors. */
function candidatePanel(pipeline: CandidatePipeline, corpus: Corpus, kernel: string): PanelPipeline {
	const { source } = pipeline;
	return {
		kernel,
		buildTimings: pipeline.buildTimings ?? [],
		index: panelIndex(pipeline.indexStats, source),
		async search(query, k) {
			const r = await pipeline.search(query, k);
			return { hits: r.hits, timings: r.timings, kernel: `${kernel} (${r.candidates} candidates, ${r.touched} scored in full)` };
		},
		async explain(query, docId) {
			const row = source.ids.indexOf(docId);
			if (row < 0) throw createError('BAD_ARGUMENT', { detail: `unknown document id "${docId}"` });
			return colbertView(explainMaxSim(await source.query(query), await source.document(row)), docText(corpus, docId));
		},
		dispose: async () => pipeline.dispose?.()
	};
}

/**
 * Builds the pipeline of a neural panel of `kind` with the host's encoders and store.
 * @example await buildPanelPipeline('colbert', defaultOptions(), { corpus, options: { maxsimBackend: 'js' } }, { encoders: { colbert } })
 */
export async function buildPanelPipeline(kind: PanelKind, options: PanelOptions, ctx: NeuralContext, deps: NeuralDeps): Promise<PanelPipeline> {
	const { corpus } = ctx;
	switch (KINDS[kind].pipeline) {
		case 'dense': {
			const pipeline = await createDensePipeline(ctx, deps);
			const kernel = 'exact flat search, cosine';
			return {
				kernel,
				buildTimings: pipeline.buildTimings ?? [],
				search: async (query, k) => ({ ...(await pipeline.search(query, k)), kernel }),
				explain: async (query, docId) => denseView(await pipeline.explain(query, docId), docText(corpus, docId)),
				dispose: async () => pipeline.dispose?.()
			};
		}
		case 'cross': {
			const pipeline = await createCrossPipeline(ctx, deps);
			const cross = deps.encoders?.['cross-encoder'];
			const kernel = `cross-encoder over ${reranking(options)}`;
			return {
				kernel,
				buildTimings: pipeline.buildTimings ?? [],
				search: async (query, k) => ({ ...(await pipeline.search(query, k)), kernel }),
				async explain(query, docId, explain) {
					const text = docText(corpus, docId);
					// With the host's encoder, occlusion reports pairs scored; else the pipeline's own (no progress).
					if (!cross) return occlusionView(await pipeline.explain(query, docId, { ...(explain.maxVariants ? { maxVariants: explain.maxVariants } : {}), ...(explain.signal ? { signal: explain.signal } : {}) }));
					return occlusionView(await occlusionWithProgress(cross, query, text, explain));
				},
				dispose: async () => pipeline.dispose?.()
			};
		}
		case 'colbert':
			// The Candidates option swaps exhaustive MaxSim for a candidate stage (engine/pipelines/candidate-stages.ts).
			if (options.candidates === 'muvera') return candidatePanel(await createMuveraPipeline(ctx, deps), corpus, `MUVERA top ${options.muveraDepth} → MaxSim`);
			if (options.candidates === 'plaid') return candidatePanel(await createPlaidPipeline(ctx, deps), corpus, `PLAID (nprobe ${options.nprobe}, ndocs ${options.ndocs}, ${options.plaidBits}-bit residuals)`);
			return colbertPanel(await createColbertPipeline(ctx, deps), corpus, (reason) => reason);
		case 'colbert-rerank':
			return colbertPanel(await createColbertRerankPipeline(ctx, deps), corpus, (reason) => `${reranking(options)} → ${reason}`);
		default:
			throw createError('BAD_ARGUMENT', { detail: `the ${kind} panel has no neural pipeline` });
	}
}
