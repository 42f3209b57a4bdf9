/**
 * Where a ColBERT model's recipe comes from, in order: PyLate's `config_sentence_transformers.json`
 * (`query_prefix`, `document_prefix`, `query_length`, `document_length`,
 * `attend_to_expansion_tokens`, `skiplist_words`), the known-model table (MODELS.md), Stanford's
 * `artifact.metadata` (`query_maxlen`, `doc_maxlen`, `attend_to_mask_tokens`), Stanford's defaults. And where the
 * projection lives: folded into the ONNX graph when its output width differs from `hidden_size`;
 * otherwise `linear.weight` [dim, hidden] from `1_Dense/model.safetensors` (PyLate), the root
 * `model.safetensors` (Stanford), or the repo the known-model table names.
 *
 * @example
 * const s = await resolveColbertRecipe(model); // { queryLength: 32, queryMarkerId: 1, skiplist: Set(32), ... }
 */
import { createError } from '../errors';
import { COLBERT_FALLBACK, knownModel } from './model-defaults';
import { hubFiles } from './hub-files';
import { filesName, readJson, type ModelFiles } from './model-files';
import { fileSettings, type LoadedModel } from './runtime';
import { PUNCTUATION_CHARS, skiplistIds } from './tokenization';

export interface ColbertRecipe {
	queryLength: number;
	documentLength: number;
	queryMarker: string;
	documentMarker: string;
	queryMarkerId: number;
	documentMarkerId: number;
	/** `attend_to_expansion_tokens`: attention 1 on the [MASK] padding (false for every default model). */
	attendToExpansion: boolean;
	/** Token ids whose document vectors are dropped (computed through the tokenizer). */
	skiplist: Set<number>;
	/** Which file or table the lengths came from. */
	source: string;
}

export type ColbertProjection =
	| { mode: 'folded'; dim: number; source: string }
	| { mode: 'external'; dim: number; hidden: number; weight: Float32Array; source: string };

interface PylateConfig {
	query_prefix?: string;
	document_prefix?: string;
	query_length?: number;
	document_length?: number;
	attend_to_expansion_tokens?: boolean;
	skiplist_words?: string[];
}

function markerId(model: Pick<LoadedModel, 'tokenizer' | 'name'>, marker: string, field: string): number {
	const id = model.tokenizer.tokenToId(marker) ?? model.tokenizer.tokenToId(marker.trim());
	if (id === undefined) {
		throw createError('MODEL_LOAD_FAILED', { model: model.name, detail: `${field} "${marker}" is not a single token of the tokenizer; ColBERT markers are inserted by id` });
	}
	return id;
}

export async function resolveColbertRecipe(model: Pick<LoadedModel, 'files' | 'tokenizer' | 'name' | 'ref'>): Promise<ColbertRecipe> {
	const { files } = model;
	const pylate = await readJson<PylateConfig>(files, 'config_sentence_transformers.json', { optional: true });
	const known = knownModel(model.ref.id);
	// MODELS.md: PyLate's config when present, else the per-model defaults; Stanford's metadata only for models it does not list.
	const stanford = pylate?.query_length || known?.colbert ? null : await readJson<Record<string, unknown>>(files, 'artifact.metadata', { optional: true });
	let queryLength = known?.colbert?.queryLength ?? COLBERT_FALLBACK.queryLength;
	let documentLength = known?.colbert?.documentLength ?? COLBERT_FALLBACK.documentLength;
	let attend = false;
	let source = known?.colbert ? `known default for ${known.key} (MODELS.md)` : `fallback: Stanford ColBERT defaults (${queryLength}/${documentLength})`;
	if (pylate?.query_length) {
		queryLength = pylate.query_length;
		documentLength = pylate.document_length ?? documentLength;
		attend = pylate.attend_to_expansion_tokens ?? false;
		source = 'config_sentence_transformers.json';
	} else if (stanford && typeof stanford.query_maxlen === 'number') {
		queryLength = stanford.query_maxlen;
		documentLength = typeof stanford.doc_maxlen === 'number' ? stanford.doc_maxlen : documentLength;
		attend = stanford.attend_to_mask_tokens === true;
		source = 'artifact.metadata';
	}
	const queryMarker = pylate?.query_prefix ?? COLBERT_FALLBACK.queryMarker;
	const documentMarker = pylate?.document_prefix ?? COLBERT_FALLBACK.documentMarker;
	return {
		queryLength,
		documentLength,
		queryMarker,
		documentMarker,
		queryMarkerId: markerId(model, queryMarker, 'query marker'),
		documentMarkerId: markerId(model, documentMarker, 'document marker'),
		attendToExpansion: attend,
		skiplist: skiplistIds(model.tokenizer, pylate?.skiplist_words ?? PUNCTUATION_CHARS),
		source
	};
}

/** Decides folded vs external from the ONNX output `width`, loading `linear.weight` when external. */
export async function resolveProjection(model: Pick<LoadedModel, 'files' | 'config' | 'name' | 'ref'>, width: number): Promise<ColbertProjection> {
	const hidden = Number(model.config.hidden_size ?? model.config.dim ?? 0);
	if (width !== hidden) {
		return { mode: 'folded', dim: width, source: `ONNX output width ${width} differs from hidden_size ${hidden}: projection folded into the graph` };
	}
	const modules = await readJson<{ path?: string; type?: string }[]>(model.files, 'modules.json', { optional: true });
	const denseDir = modules?.find((m) => m.type?.includes('Dense'))?.path ?? '1_Dense';
	const candidates: { files: ModelFiles; file: string; key: string }[] = [
		{ files: model.files, file: `${denseDir}/model.safetensors`, key: 'linear.weight' },
		{ files: model.files, file: 'model.safetensors', key: 'linear.weight' }
	];
	const from = knownModel(model.ref.id)?.colbert?.projectionFrom;
	if (from) candidates.push({ files: hubFiles({ id: from.repo }, fileSettings()), file: from.file, key: from.key });
	for (const c of candidates) {
		const w = await c.files.readTensor(c.file, c.key);
		if (!w) continue;
		if (w.shape.length !== 2 || w.shape[1] !== hidden) {
			throw createError('DIM_MISMATCH', { expected: `[dim, ${hidden}]`, actual: JSON.stringify(w.shape), detail: ` for ${c.key} in ${c.file} of ${c.files.label}` });
		}
		return { mode: 'external', dim: w.shape[0], hidden, weight: w.data, source: `${c.key} ${w.shape.join('x')} from ${c.file} of ${c.files.label}` };
	}
	throw createError('MODEL_FILE_MISSING', {
		path: filesName(model.files),
		file: `${denseDir}/model.safetensors`,
		detail: `: the ONNX output has the hidden width ${hidden}, so the ColBERT projection (linear.weight [dim, ${hidden}]) must come from ${denseDir}/model.safetensors or a root model.safetensors`
	});
}
