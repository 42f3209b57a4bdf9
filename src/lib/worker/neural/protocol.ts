/**
 * The neural part of the worker protocol: loading a model per role, preparing a panel (encoding the
 * corpus into the IndexedDB store and packing the index), explaining one (query, document) score, and
 * listing or clearing the caches. `src/lib/worker/protocol.ts` adds these to its unions; everything is
 * plain data (structured clone), so it crosses the worker boundary and can be tested in Node.
 */
import type { ModelRole } from '../../engine/pipelines/registry';
import { panelKind, type PanelId } from '../protocol';

/** Weights files transformers.js can load (`ModelRef.dtype`). */
export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Dtype = (typeof DTYPES)[number];

/** Where a model's ONNX graph runs in the browser. */
export const DEVICES = ['wasm', 'webgpu'] as const;
export type Device = (typeof DEVICES)[number];

/** MaxSim kernels the ColBERT panels can ask for. */
export const KERNELS = ['auto', 'js', 'wasm', 'webgpu'] as const;
export type KernelChoice = (typeof KERNELS)[number];

/** First stages a reranking panel can use. */
export const FIRST_STAGE_CHOICES = ['bm25', 'dense'] as const;
export type FirstStageChoice = (typeof FIRST_STAGE_CHOICES)[number];

/** What the user picked for one role in the model bar. */
export interface ModelChoice {
	/** A Hub id (`org/name`) or a URL path of a folder served next to the app (`/models/name`). */
	spec: string;
	dtype: Dtype;
	device: Device;
	/** Hub revision (default main). */
	revision?: string;
}

/** Where models are downloaded from. */
export interface HubSettings {
	/** Hub address with a trailing slash (default `https://huggingface.co/`). */
	remoteHost: string;
}

/** Per-panel settings that change how a panel ranks (rebuilding it when they change). */
export interface PanelSettings {
	/** MaxSim kernel (ColBERT panels). */
	kernel: KernelChoice;
	/** First stage of the rerankers (cross-encoder, ColBERT two-stage). */
	firstStage: FirstStageChoice;
	/** How many first-stage candidates are reranked. */
	depth: number;
	/** BM25 parameters of a BM25 first stage (the BM25 panel's, so both rank alike). */
	bm25?: { k1: number; b: number };
}

/** What the page learns about a loaded model. */
export interface ModelInfo {
	role: ModelRole;
	/** Hub id or folder. */
	name: string;
	dtype: Dtype;
	device: Device;
	/** Bi-encoder: `mean (1_Pooling/config.json)`; ColBERT: `query 32, document 300, dim 96`. */
	details: string;
	loadMs: number;
	/** Files of this model in the browser's download cache after loading. */
	cache: ModelCacheState;
	/** Whether every file came from the cache (nothing downloaded). */
	fromCache: boolean;
}

/** The Cache API entries of one model (transformers.js keeps downloads in `transformers-cache`). */
export interface ModelCacheState {
	files: number;
	bytes: number;
}

/** One encoded corpus kept in IndexedDB. */
export interface EncodedCacheEntry {
	/** The store key string (kind, model, revision, dtype, batch size, variant, corpus fingerprint). */
	name: string;
	kind: string;
	model: string;
	revision: string;
	dtype: string;
	batches: number;
	bytes: number;
}

/** How a prepared panel got its document vectors. */
export interface PreparedStats {
	/** Batches read from IndexedDB / encoded now. */
	batchesFromStore: number;
	batchesEncoded: number;
	docs: number;
	/** Stage timings of the build (load-model, encode-corpus, index / maxsim-pack). */
	timings: { stage: string; ms: number }[];
	/** What ranks in this panel (kernel and why, or the index). */
	kernel: string;
	warnings: string[];
}

/** Spans of the document text, for `viz/shaded-text`. */
export interface TextSpan {
	start: number;
	end: number;
	weight: number;
	label: string;
}

/** ColBERT: the MaxSim matrix of the query against the stored vectors of one document. */
export interface ColbertExplanationView {
	kind: 'colbert';
	queryTokens: string[];
	augmentation: boolean[];
	docTokens: string[];
	nq: number;
	nd: number;
	/** Row-major `nq x nd`. */
	scores: Float32Array;
	argmax: number[];
	contributions: number[];
	score: number;
	/** The encoded document text (title + text) and the tokens each query token chose, shaded. */
	text: string;
	spans: TextSpan[];
}

/** Bi-encoder: per-token shares of the cosine (mean pooling), or why there are none. */
export type DenseExplanationView =
	| { kind: 'dense'; applicable: true; tokens: string[]; values: number[]; score: number; text: string; spans: TextSpan[]; truncatedTokens: boolean }
	| { kind: 'dense'; applicable: false; reason: string };

/** Cross-encoder: occlusion of document words (computed on demand). */
export interface OcclusionView {
	kind: 'occlusion';
	text: string;
	score: number;
	probability: number;
	spans: TextSpan[];
	words: number;
	wordsPerUnit: number;
	evaluations: number;
	capped: boolean;
	note?: string;
}

export type NeuralExplanationView = ColbertExplanationView | DenseExplanationView | OcclusionView;

export type NeuralRequest =
	| { type: 'configure-hub'; id: number; hub: HubSettings }
	/** `keep`: the model keys the page still uses; other loaded models are disposed (absent: the role's previous model is). */
	| { type: 'load-model'; id: number; role: ModelRole; choice: ModelChoice; keep?: string[] }
	/** `model`: key (`modelKey`) of the loaded model the panel ranks with (absent: the role's last loaded); `firstStageModel`: the bi-encoder of a dense first stage. */
	| { type: 'prepare-panel'; id: number; panel: PanelId; settings: PanelSettings; model?: string; firstStageModel?: string }
	| { type: 'remove-panel'; id: number; panel: PanelId }
	| { type: 'explain-neural'; id: number; panel: PanelId; query: string; docId: string; maxVariants?: number }
	| { type: 'list-caches'; id: number }
	| { type: 'clear-cache'; id: number; what: 'encoded' | 'models'; name?: string };

export type NeuralResponse =
	| { type: 'hub-configured'; id: number; hub: HubSettings }
	| { type: 'model-loaded'; id: number; info: ModelInfo }
	| { type: 'panel-prepared'; id: number; panel: PanelId; stats: PreparedStats }
	| { type: 'panel-removed'; id: number; panel: PanelId }
	| { type: 'neural-explanation'; id: number; panel: PanelId; docId: string; view: NeuralExplanationView }
	| { type: 'caches'; id: number; encoded: EncodedCacheEntry[]; models: ModelCacheState; available: boolean };

/** The model role a panel needs (from its kind: `colbert@2` needs a ColBERT model). */
export function roleOfPanel(panel: PanelId): ModelRole | undefined {
	const kind = panelKind(panel);
	if (kind === 'bi-encoder') return 'bi-encoder';
	if (kind === 'cross-encoder') return 'cross-encoder';
	if (kind === 'colbert' || kind === 'colbert-two-stage') return 'colbert';
	return undefined;
}

/**
 * The key of a loaded model: role, spec, dtype, device (and revision when set). Several models of a
 * role can be loaded at once, one per key.
 * @example modelKey('colbert', { spec: 'org/m', dtype: 'q8', device: 'wasm' }) // 'colbert~org/m~q8~wasm'
 */
export function modelKey(role: ModelRole, choice: ModelChoice): string {
	return [role, choice.spec.trim(), choice.dtype, choice.device, ...(choice.revision ? [choice.revision] : [])].join('~');
}

/** The sigmoid the cross-encoder panel shows beside its logit. @example sigmoidOf(0) // 0.5 */
export function sigmoidOf(logit: number): number {
	return 1 / (1 + Math.exp(-logit));
}
