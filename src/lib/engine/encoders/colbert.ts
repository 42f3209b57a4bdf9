/**
 * ColBERT late interaction, the recipe Stanford ColBERT v2 and PyLate share (MODELS.md):
 * - query: `[CLS] [Q] pieces [SEP]` (marker by id, at most `queryLength` ids), padded with [MASK] to
 *   exactly `queryLength`, attention 0 on the padding, every output vector kept;
 * - document: `[CLS] [D] pieces [SEP]` truncated to `documentLength`, padding and skiplist tokens
 *   (punctuation, mapped through the tokenizer) dropped *after* encoding, so they still give context;
 * - then the bias-free projection (in the graph or applied here) and per-token L2 normalisation.
 *
 * @example
 * const cb = await loadColbertEncoder({ id: 'answerdotai/answerai-colbert-small-v1' });
 * const q = await cb.encodeQuery('red planet'); // q.matrix.rows === 32, q.augmentation.filter(Boolean).length === 27
 */
import { createError } from '../errors';
import { inBatches } from './batching';
import { resolveColbertRecipe, resolveProjection, type ColbertProjection, type ColbertRecipe } from './colbert-settings';
import type { ColbertDocument, ColbertEncoder, ColbertQuery, ColbertSettings, EncodeOptions, ModelProgress, ModelRef } from './encoder';
import { loadModel, type LoadedModel } from './runtime';
import { encodeColbert, type EncodedText } from './tokenization';
import { normalizeRows, project } from './vectors';

export interface ColbertLoadOptions {
	onProgress?(p: ModelProgress): void;
	/** [MASK] query augmentation (default true; false only for the "what-if" view). */
	queryAugmentation?: boolean;
}

/** `ColbertEncoder` plus what the UI and tests show about the recipe. */
export interface LoadedColbertEncoder extends ColbertEncoder {
	readonly recipe: ColbertRecipe;
	readonly projectionSource: string;
	/** The exact model inputs of a query / document (no model call). */
	queryInput(text: string): EncodedText;
	documentInput(text: string): EncodedText;
}

export async function loadColbertEncoder(ref: ModelRef, options: ColbertLoadOptions = {}): Promise<LoadedColbertEncoder> {
	const model = await loadModel(ref, { task: 'feature-extraction', onProgress: options.onProgress });
	try {
		return await createColbertEncoder(model, options.queryAugmentation ?? true);
	} catch (error) {
		await model.dispose();
		throw error;
	}
}

async function createColbertEncoder(model: LoadedModel, queryAugmentation: boolean): Promise<LoadedColbertEncoder> {
	const recipe = await resolveColbertRecipe(model);
	const { tokenizer, template } = model;
	if (queryAugmentation && tokenizer.maskId === undefined) {
		throw createError('MODEL_LOAD_FAILED', { model: model.name, detail: 'the tokenizer has no [MASK] token, needed for ColBERT query augmentation' });
	}
	const queryInput = (text: string) =>
		encodeColbert(template, tokenizer.pieces(text), recipe.queryMarkerId, recipe.queryLength, queryAugmentation ? { padId: tokenizer.maskId!, padMask: recipe.attendToExpansion ? 1 : 0 } : undefined);
	const documentInput = (text: string) => encodeColbert(template, tokenizer.pieces(text), recipe.documentMarkerId, recipe.documentLength);

	// Folded or external is decided once, from the width the graph actually emits.
	const probe = await model.run([documentInput('a')]);
	const projection: ColbertProjection = await resolveProjection(model, probe.dims[2]);
	const dim = projection.dim;

	/** Unit vectors for the first `n` rows of batch row `b` of a model output. */
	function vectors(out: { data: Float32Array; dims: number[] }, b: number, n: number): Float32Array {
		const [, seq, width] = out.dims;
		const rows = out.data.subarray(b * seq * width, b * seq * width + n * width);
		const projected = projection.mode === 'external' ? project(rows, n, width, projection.weight, dim) : Float32Array.from(rows);
		return normalizeRows(projected, dim);
	}

	async function encodeQuery(text: string): Promise<ColbertQuery> {
		const input = queryInput(text);
		const out = await model.run([input]);
		// Rows past the unpadded sequence are the [MASK] augmentation.
		const real = encodeColbert(template, tokenizer.pieces(text), recipe.queryMarkerId, recipe.queryLength).ids.length;
		return {
			ids: input.ids,
			tokens: input.ids.map((id) => tokenizer.idToToken(id)),
			augmentation: input.ids.map((_, i) => i >= real),
			matrix: { data: vectors(out, 0, input.ids.length), rows: input.ids.length, dim }
		};
	}

	async function encodeDocuments(texts: string[], options: EncodeOptions = {}): Promise<ColbertDocument[]> {
		return inBatches(texts.map(documentInput), options, async (inputs) => {
			const out = await model.run(inputs);
			return inputs.map((input, b) => {
				const all = vectors(out, b, input.ids.length);
				const keep = input.ids.map((id, i) => i).filter((i) => !recipe.skiplist.has(input.ids[i]));
				const data = new Float32Array(keep.length * dim);
				keep.forEach((i, r) => data.set(all.subarray(i * dim, (i + 1) * dim), r * dim));
				return { ids: keep.map((i) => input.ids[i]), tokens: keep.map((i) => tokenizer.idToToken(input.ids[i])), matrix: { data, rows: keep.length, dim } };
			});
		}, (input) => input.ids.length);
	}

	const settings: ColbertSettings = { queryLength: recipe.queryLength, documentLength: recipe.documentLength, dim, projection: projection.mode, queryAugmentation };
	return {
		kind: 'colbert',
		modelId: model.name,
		settings,
		recipe,
		projectionSource: projection.source,
		queryInput,
		documentInput,
		encodeQuery,
		encodeDocuments,
		dispose: () => model.dispose()
	};
}
