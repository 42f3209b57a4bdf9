/**
 * The neural part of the worker protocol: loading a model per role, preparing a panel (encoding the
 * corpus into the IndexedDB store and packing the index), explaining one (query, document) score, and
 * listing or clearing the caches. `src/lib/worker/protocol.ts` adds these to its unions; everything is
 * plain data (structured clone), so it crosses the worker boundary and can be tested in Node.
 */
import type { MaxSimExplanation } from '../../engine/explain/maxsim-matrix';
import type { OcclusionExplanation } from '../../engine/explain/occlusion';
import type { PooledContributions } from '../../engine/explain/pooled-contributions';
import type { PanelOptions } from '../../engine/panels';
import { MODEL_DTYPES, type ModelDevice, type ModelDtype } from '../../engine/encoders/encoder';
import type { IndexStats } from '../../engine/eval/cost';
import type { ModelRole } from '../../engine/pipelines/registry';
import type { Bm25Config, PanelId } from '../protocol';

export { roleOfPanel } from '../../engine/panels';
export type { KernelChoice, FirstStageChoice, PanelOptions } from '../../engine/panels';

/** Weights files transformers.js can load (`ModelRef.dtype`). */
export const DTYPES = MODEL_DTYPES;
export type Dtype = ModelDtype;

/** Where a model's ONNX graph runs in the browser (`cpu` is Node's). */
export const DEVICES = ['wasm', 'webgpu'] as const satisfies readonly ModelDevice[];
export type Device = (typeof DEVICES)[number];

/** Whether an untrusted value (a link, saved settings) names a weights file transformers.js loads. */
export const isDtype = (value: unknown): value is Dtype => (DTYPES as readonly unknown[]).includes(value);
/** Whether an untrusted value names a device. */
export const isDevice = (value: unknown): value is Device => (DEVICES as readonly unknown[]).includes(value);

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

/** What the page learns about a loaded model. */
export interface ModelInfo {
	role: ModelRole;
	/** Hub id or folder. */
	name: string;
	dtype: Dtype;
	device: Device;
	/** Bi-encoder: `mean (1_Pooling/config.json)`; ColBERT: `query 32, document 300, dim 96`. */
	details: string;
	/** Width of the vectors it encodes (bi-encoder, ColBERT); absent for a cross-encoder. */
	dim?: number;
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
	/** Lines that are information, not problems (the size the encoded corpus takes, said before encoding). */
	info: string[];
	/** ColBERT panels: the index's cost (the engine's `IndexStats`) and the fp32 bytes of the same unpooled vectors. */
	index?: IndexStats & { fp32Bytes: number; dim: number };
}

/** Spans of the document text, for `viz/shaded-text`. */
export interface TextSpan {
	start: number;
	end: number;
	weight: number;
	label: string;
}

/** ColBERT: the MaxSim matrix of the query against the stored vectors of one document (the engine's, without token ids), with the text shaded. */
export type ColbertExplanationView = { kind: 'colbert' } & Omit<MaxSimExplanation, 'queryIds' | 'docIds'> & {
		/** The encoded document text (title + text) and the tokens each query token chose, shaded. */
		text: string;
		spans: TextSpan[];
	};

/** Bi-encoder: per-token shares of the cosine (mean pooling), or why there are none. */
export type DenseExplanationView =
	| ({ kind: 'dense'; applicable: true } & Pick<PooledContributions, 'tokens' | 'values' | 'score'> & { text: string; spans: TextSpan[]; truncatedTokens: boolean })
	| { kind: 'dense'; applicable: false; reason: string };

/** Cross-encoder: occlusion of document words (computed on demand), the engine's explanation without its units. */
export type OcclusionView = { kind: 'occlusion' } & Omit<OcclusionExplanation, 'units'>;

export type NeuralExplanationView = ColbertExplanationView | DenseExplanationView | OcclusionView;

export type NeuralRequest =
	| { type: 'configure-hub'; id: number; hub: HubSettings }
	/** `keep`: the model keys the page still uses; other loaded models are disposed (absent: the role's previous model is). */
	| { type: 'load-model'; id: number; role: ModelRole; choice: ModelChoice; keep?: string[] }
	/**
	 * `options`: the panel's schema options; `bm25`: the BM25 panel's configuration, for a BM25 first stage (so both rank alike);
	 * `model`: key (`modelKey`) of the loaded model the panel ranks with (absent: the role's last loaded); `firstStageModel`: the bi-encoder of a dense first stage.
	 */
	| { type: 'prepare-panel'; id: number; panel: PanelId; options: PanelOptions; bm25?: Bm25Config; model?: string; firstStageModel?: string }
	| { type: 'remove-panel'; id: number; panel: PanelId }
	| { type: 'explain-neural'; id: number; panel: PanelId; query: string; docId: string; maxVariants?: number }
	| { type: 'list-caches'; id: number }
	| { type: 'clear-cache'; id: number; what: 'encoded' | 'models' | 'evaluations'; name?: string };

export type NeuralResponse =
	| { type: 'hub-configured'; id: number; hub: HubSettings }
	| { type: 'model-loaded'; id: number; info: ModelInfo }
	| { type: 'panel-prepared'; id: number; panel: PanelId; stats: PreparedStats }
	| { type: 'panel-removed'; id: number; panel: PanelId }
	| { type: 'neural-explanation'; id: number; panel: PanelId; docId: string; view: NeuralExplanationView }
	/** `evaluations`: each corpus's last evaluation kept for reloads (`worker/saved-evaluations.ts`). */
	| { type: 'caches'; id: number; encoded: EncodedCacheEntry[]; models: ModelCacheState; evaluations: { evaluations: number; bytes: number }; available: boolean };

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
