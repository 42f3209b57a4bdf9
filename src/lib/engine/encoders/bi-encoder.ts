/**
 * Bi-encoder (Sentence-BERT): word pieces truncated to the model's max length with special tokens
 * kept, the transformer, mean or CLS pooling over the attention mask, L2 normalisation
 * (sentence-transformers `Transformer` -> `Pooling` -> `Normalize`).
 *
 * Settings come from the model folder when it has sentence-transformers files (`modules.json`,
 * `1_Pooling/config.json`, `sentence_bert_config.json`, `config_sentence_transformers.json`
 * prompts), else from the known-model table, else mean pooling — and `pooling.source` says which.
 *
 * @example
 * const bi = await loadBiEncoder({ id: 'Xenova/all-MiniLM-L6-v2' });
 * const m = await bi.encode(['a cat', 'a dog'], 'document'); // { rows: 2, dim: 384 }, unit rows
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import { inBatches } from './batching';
import type { BiEncoder, EncodeOptions, ModelProgress, ModelRef, TextRole, TokenVectors } from './encoder';
import { knownModel } from './model-defaults';
import { readJson, type ModelFiles } from './model-files';
import { loadModel, type LoadedModel } from './runtime';
import { encodeSingle } from './tokenization';
import { meanPool, normalizeRows } from './vectors';

export interface BiEncoderSettings {
	pooling: { mode: 'mean' | 'cls'; source: string };
	maxLength: number;
	queryPrefix: string;
	documentPrefix: string;
}

interface StModule {
	path?: string;
	type?: string;
}

/** Reads sentence-transformers files and the known-model table; see the module comment. */
export async function resolveBiEncoderSettings(files: ModelFiles, model: Pick<LoadedModel, 'ref' | 'name' | 'config' | 'tokenizer'>): Promise<BiEncoderSettings> {
	const known = knownModel(model.ref.id)?.bi;
	const knownKey = knownModel(model.ref.id)?.key;
	const modules = await readJson<StModule[]>(files, 'modules.json', { optional: true });
	const poolingDir = modules?.find((m) => m.type?.includes('Pooling'))?.path ?? '1_Pooling';
	const poolingFile = `${poolingDir}/config.json`;
	const pooling = await readJson<Record<string, unknown>>(files, poolingFile, { optional: true });
	let mode: 'mean' | 'cls';
	let source: string;
	if (pooling) {
		if (pooling.pooling_mode_cls_token) mode = 'cls';
		else if (pooling.pooling_mode_mean_tokens) mode = 'mean';
		else {
			const active = Object.keys(pooling).filter((k) => k.startsWith('pooling_mode_') && pooling[k]);
			throw createError('UNKNOWN_OPTION', { what: `pooling in ${files.label}/${poolingFile}`, value: active.join('+') || 'none', expected: 'pooling_mode_mean_tokens, pooling_mode_cls_token' });
		}
		source = `${poolingFile} (pooling_mode_${mode === 'cls' ? 'cls_token' : 'mean_tokens'})`;
	} else if (known) {
		mode = known.pooling;
		source = `known default for ${knownKey} (MODELS.md)`;
	} else {
		mode = 'mean';
		source = `fallback: ${model.name} has no ${poolingFile} and is not a known model, so mean pooling is assumed`;
	}
	const stConfig = await readJson<{ max_seq_length?: number }>(files, 'sentence_bert_config.json', { optional: true });
	const prompts = (await readJson<{ prompts?: Record<string, string> }>(files, 'config_sentence_transformers.json', { optional: true }))?.prompts ?? {};
	const positions = Number(model.config.max_position_embeddings ?? Infinity);
	const maxLength = stConfig?.max_seq_length ?? known?.maxLength ?? Math.min(model.tokenizer.modelMaxLength, positions, 512);
	return {
		pooling: { mode, source },
		maxLength,
		queryPrefix: prompts.query ?? known?.queryPrefix ?? '',
		documentPrefix: prompts.document ?? prompts.passage ?? known?.documentPrefix ?? ''
	};
}

/** Loads a bi-encoder; see the module comment. */
export async function loadBiEncoder(ref: ModelRef, options: { onProgress?(p: ModelProgress): void } = {}): Promise<BiEncoder & { settings: BiEncoderSettings }> {
	const model = await loadModel(ref, { task: 'feature-extraction', onProgress: options.onProgress });
	try {
		return await createBiEncoder(model);
	} catch (error) {
		await model.dispose();
		throw error;
	}
}

async function createBiEncoder(model: LoadedModel): Promise<BiEncoder & { settings: BiEncoderSettings }> {
	const settings = await resolveBiEncoderSettings(model.files, model);
	const { tokenizer, template } = model;
	const prepare = (text: string, role: TextRole) =>
		encodeSingle(template, tokenizer.pieces((role === 'query' ? settings.queryPrefix : settings.documentPrefix) + text), settings.maxLength);
	const dim = Number(model.config.hidden_size ?? 0) || (await model.run([prepare('a', 'document')])).dims[2];

	async function encode(texts: string[], role: TextRole, options: EncodeOptions = {}): Promise<TokenMatrix> {
		const all = texts.map((t) => prepare(t, role));
		const rows = await inBatches(all, options, async (inputs) => {
			const out = await model.run(inputs);
			const [, seq, width] = out.dims;
			return inputs.map((input, b) => {
				const tokenRows = out.data.subarray(b * seq * width, (b + 1) * seq * width);
				const pooled = settings.pooling.mode === 'cls' ? Float32Array.from(tokenRows.subarray(0, width)) : meanPool(tokenRows, input.ids.length, width, input.mask);
				return normalizeRows(pooled, width);
			});
		}, (input) => input.ids.length);
		const data = new Float32Array(rows.length * dim);
		rows.forEach((r, i) => data.set(r, i * dim));
		return { data, rows: rows.length, dim };
	}

	async function tokenVectors(text: string, role: TextRole): Promise<TokenVectors> {
		const input = prepare(text, role);
		const out = await model.run([input]);
		return { ids: input.ids, tokens: input.ids.map((id) => tokenizer.idToToken(id)), mask: input.mask, vectors: { data: out.data, rows: input.ids.length, dim: out.dims[2] } };
	}

	return {
		kind: 'bi-encoder',
		modelId: model.name,
		dim,
		pooling: settings.pooling,
		settings,
		encode,
		tokenVectors,
		dispose: () => model.dispose()
	};
}
