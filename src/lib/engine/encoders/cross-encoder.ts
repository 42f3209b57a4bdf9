/**
 * Cross-encoder: query and document read together as a text pair, `[CLS] q [SEP] d [SEP]` with
 * token_type_ids 0/1 (both reach the model), "longest_first" truncation to the max length with the
 * special tokens kept, `AutoModelForSequenceClassification`, score = `logits[:, 0]` (sigmoid only for
 * display, as sentence-transformers does for 1-logit models). Not the text-classification pipeline:
 * it would softmax a single logit to 1.0 and cannot take pairs.
 *
 * @example
 * const ce = await loadCrossEncoder({ id: 'Xenova/ms-marco-MiniLM-L-6-v2' });
 * await ce.score('how many people live in berlin', ['Berlin has 3.5 million people.', 'Paris is in France.']) // Float32Array [8.6, -11.2] (roughly)
 */
import type { CrossEncoder, EncodeOptions, ModelProgress, ModelRef } from './encoder';
import { inBatches } from './batching';
import { knownModel } from './model-defaults';
import { loadModel, type LoadedModel } from './runtime';
import { encodePair, type EncodedText } from './tokenization';

/** The inputs the cross-encoder feeds its model for one (query, document) pair. */
export function crossEncoderInput(model: Pick<LoadedModel, 'template' | 'tokenizer'>, query: string, document: string, maxLength: number): EncodedText {
	return encodePair(model.template, model.tokenizer.pieces(query), model.tokenizer.pieces(document), maxLength);
}

/** Display helper: 1 / (1 + e^-logit). */
export function sigmoid(logit: number): number {
	return 1 / (1 + Math.exp(-logit));
}

/** `CrossEncoder` plus the exact inputs it builds, for explanations (occlusion) and tests. */
export interface LoadedCrossEncoder extends CrossEncoder {
	readonly maxLength: number;
	/** Whether the ONNX graph takes token_type_ids (BERT-style models do; RoBERTa-style ones have none). */
	readonly usesTokenTypes: boolean;
	/** The model inputs for one pair: ids, mask, token type ids. */
	buildInput(query: string, document: string): EncodedText;
	/** Logit column 0 for already-built inputs, in order. */
	scoreInputs(inputs: EncodedText[]): Promise<Float32Array>;
}

export async function loadCrossEncoder(
	ref: ModelRef,
	options: { onProgress?(p: ModelProgress): void } = {}
): Promise<LoadedCrossEncoder> {
	const model = await loadModel(ref, { task: 'sequence-classification', onProgress: options.onProgress });
	const positions = Number(model.config.max_position_embeddings ?? Infinity);
	const maxLength = knownModel(ref.id)?.cross?.maxLength ?? Math.min(model.tokenizer.modelMaxLength, positions, 512);

	async function scoreInputs(inputs: EncodedText[]): Promise<Float32Array> {
		const out = await model.run(inputs);
		const labels = out.dims[1] ?? 1;
		return Float32Array.from(inputs, (_, i) => out.data[i * labels]);
	}

	async function score(query: string, documents: string[], options: EncodeOptions = {}): Promise<Float32Array> {
		const q = model.tokenizer.pieces(query);
		const inputs = documents.map((d) => encodePair(model.template, q, model.tokenizer.pieces(d), maxLength));
		const scores = await inBatches(inputs, options, async (batch) => [...(await scoreInputs(batch))], (input) => input.ids.length);
		return Float32Array.from(scores);
	}

	const buildInput = (query: string, document: string) => crossEncoderInput(model, query, document, maxLength);
	const usesTokenTypes = model.inputNames.includes('token_type_ids');
	return { kind: 'cross-encoder', modelId: model.name, maxLength, usesTokenTypes, buildInput, score, scoreInputs, dispose: () => model.dispose() };
}
