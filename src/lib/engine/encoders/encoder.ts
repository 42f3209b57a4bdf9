import type { TokenMatrix } from '../types';

/** Which side of the retrieval problem a text is on; some models treat them differently (prefixes, markers). */
export type TextRole = 'query' | 'document';

/** Weights files transformers.js can load: fp32 -> onnx/model.onnx, fp16, q8 -> model_quantized.onnx, ... */
export const MODEL_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

/** Execution providers: `cpu` (Node), `wasm` (browser), `webgpu`. */
export const MODEL_DEVICES = ['cpu', 'wasm', 'webgpu'] as const;
export type ModelDevice = (typeof MODEL_DEVICES)[number];

/** Where a model comes from and how it runs. Document every option where the UI or CLI shows it. */
export interface ModelRef {
	/** Hub id (`Xenova/all-MiniLM-L6-v2`) or, with `localDir`, a name inside it. */
	id: string;
	/** Hub revision (branch, tag or commit); default `main`. */
	revision?: string;
	/** Weights to load (`MODEL_DTYPES`). */
	dtype?: ModelDtype;
	/** Execution provider (`MODEL_DEVICES`). */
	device?: ModelDevice;
	/** A folder holding the model in Hub layout; when set, nothing is fetched. */
	localDir?: string;
}

/** Download / load progress, normalised from transformers.js events. Totals are over all files of the model. */
export interface ModelProgress {
	model: string;
	file?: string;
	status: 'initiate' | 'download' | 'progress' | 'done' | 'ready';
	loaded?: number;
	total?: number;
	/** Bytes loaded / total over every file of the model so far, when known. */
	totalLoaded?: number;
	totalBytes?: number;
}

/** Progress of encoding many texts. */
export interface EncodeProgress {
	done: number;
	total: number;
}

export interface EncodeOptions {
	onProgress?: (progress: EncodeProgress) => void;
	signal?: AbortSignal;
	batchSize?: number;
}

/**
 * A model's word pieces for one text and the encoder's output vector for each (before pooling).
 * Rows of `vectors` align with `ids` / `tokens`; `mask[i]` is the attention mask.
 */
export interface TokenVectors {
	ids: number[];
	tokens: string[];
	mask: number[];
	vectors: TokenMatrix;
}

/** One vector per text (Sentence-BERT style): pooling over token vectors, then L2 normalisation. */
export interface BiEncoder {
	readonly kind: 'bi-encoder';
	readonly modelId: string;
	readonly dim: number;
	/** How token vectors are pooled, and why (read from the model folder, a known default, or the fallback). */
	readonly pooling: { mode: 'mean' | 'cls'; source: string };
	/** `texts.length` x `dim`, each row unit length. */
	encode(texts: string[], role: TextRole, options?: EncodeOptions): Promise<TokenMatrix>;
	/** Token vectors of one text before pooling, for the per-token decomposition. */
	tokenVectors(text: string, role: TextRole): Promise<TokenVectors>;
	dispose(): Promise<void>;
}

/** Reads query and document together and returns one relevance logit per document. */
export interface CrossEncoder {
	readonly kind: 'cross-encoder';
	readonly modelId: string;
	/** Raw logits (display with a sigmoid), one per document, in input order. */
	score(query: string, documents: string[], options?: EncodeOptions): Promise<Float32Array>;
	dispose(): Promise<void>;
}

/** A ColBERT query: exactly `queryLength` unit vectors, including the [MASK] augmentation rows. */
export interface ColbertQuery {
	ids: number[];
	tokens: string[];
	/** true for the [MASK] padding rows (attention 0, vectors kept). */
	augmentation: boolean[];
	matrix: TokenMatrix;
}

/** A ColBERT document: the kept token vectors (skiplist and padding removed), unit length. */
export interface ColbertDocument {
	ids: number[];
	tokens: string[];
	matrix: TokenMatrix;
}

export interface ColbertSettings {
	queryLength: number;
	documentLength: number;
	dim: number;
	/** Whether the projection is in the ONNX graph (`folded`) or applied by latelab (`external`). */
	projection: 'folded' | 'external';
	/** [MASK] padding of queries; off only for the "what-if" view. */
	queryAugmentation: boolean;
}

/** Late interaction (ColBERT): one vector per token, scored with MaxSim. */
export interface ColbertEncoder {
	readonly kind: 'colbert';
	readonly modelId: string;
	readonly settings: ColbertSettings;
	encodeQuery(text: string): Promise<ColbertQuery>;
	encodeDocuments(texts: string[], options?: EncodeOptions): Promise<ColbertDocument[]>;
	dispose(): Promise<void>;
}

export type Encoder = BiEncoder | CrossEncoder | ColbertEncoder;
