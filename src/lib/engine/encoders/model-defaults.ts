/**
 * Per-model settings used when a model folder does not say them itself (MODELS.md, "Default
 * models"). Looked up by Hub id, then by the last path segment (so a local copy in a folder named
 * `all-MiniLM-L6-v2` gets the same settings).
 *
 * @example
 * knownModel('Xenova/all-MiniLM-L6-v2')?.bi // { pooling: 'mean', maxLength: 256 }
 */

export interface KnownBiEncoder {
	pooling: 'mean' | 'cls';
	maxLength: number;
	queryPrefix?: string;
	documentPrefix?: string;
}

export interface KnownColbert {
	queryLength: number;
	documentLength: number;
	dim: number;
	/** Where the projection `linear.weight` [dim, hidden] lives when the ONNX graph lacks it. */
	projectionFrom?: { repo: string; file: string; key: string };
}

export interface KnownModel {
	bi?: KnownBiEncoder;
	colbert?: KnownColbert;
	cross?: { maxLength: number };
}

const MINILM: KnownModel = { bi: { pooling: 'mean', maxLength: 256 } };
const BGE_SMALL: KnownModel = { bi: { pooling: 'cls', maxLength: 512, queryPrefix: 'Represent this sentence for searching relevant passages: ' } };
const ANSWERAI: KnownModel = { colbert: { queryLength: 32, documentLength: 300, dim: 96 } };
const COLBERT_V2: KnownModel = {
	colbert: { queryLength: 32, documentLength: 180, dim: 128, projectionFrom: { repo: 'colbert-ir/colbertv2.0', file: 'model.safetensors', key: 'linear.weight' } }
};

/** The table of MODELS.md. Keys are Hub ids. */
export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = {
	'Xenova/all-MiniLM-L6-v2': MINILM,
	'sentence-transformers/all-MiniLM-L6-v2': MINILM,
	'Xenova/bge-small-en-v1.5': BGE_SMALL,
	'BAAI/bge-small-en-v1.5': BGE_SMALL,
	'Xenova/ms-marco-MiniLM-L-6-v2': { cross: { maxLength: 512 } },
	'cross-encoder/ms-marco-MiniLM-L-6-v2': { cross: { maxLength: 512 } },
	'answerdotai/answerai-colbert-small-v1': ANSWERAI,
	'colbert-ir/colbertv2.0': COLBERT_V2,
	'Xenova/colbertv2.0': COLBERT_V2
};

/** The default Hub model of each role (MODELS.md). */
export const DEFAULT_MODELS = {
	'bi-encoder': 'Xenova/all-MiniLM-L6-v2',
	'cross-encoder': 'Xenova/ms-marco-MiniLM-L-6-v2',
	colbert: 'answerdotai/answerai-colbert-small-v1'
} as const;

/** Stanford ColBERT's own defaults, for ColBERT models nobody describes. */
export const COLBERT_FALLBACK = { queryLength: 32, documentLength: 180, queryMarker: '[unused0]', documentMarker: '[unused1]' };

/** Settings of `id` (or of its last path segment), with the key that matched. */
export function knownModel(id: string): (KnownModel & { key: string }) | undefined {
	if (KNOWN_MODELS[id]) return { ...KNOWN_MODELS[id], key: id };
	const tail = id.split(/[\\/]/).filter(Boolean).pop();
	const key = Object.keys(KNOWN_MODELS).find((k) => k.split('/')[1] === tail);
	return key ? { ...KNOWN_MODELS[key], key } : undefined;
}
