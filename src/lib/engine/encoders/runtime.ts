/**
 * The only module that imports transformers.js. It configures where models come from (Hub host and
 * path template, local folders, the download cache, ONNX Runtime's WASM files), loads a tokenizer
 * and an ONNX model with progress normalised to `ModelProgress` (per file and over all files), and
 * runs batches of already-built inputs. Everything else (templates, truncation, pooling, ColBERT)
 * lives in the encoders so it can be tested without a model.
 *
 * @example
 * configureRuntime({ remoteHost: 'http://127.0.0.1:8080/', cacheDir: '/tmp/models' });
 * const m = await loadModel({ id: 'Xenova/all-MiniLM-L6-v2' }, { task: 'feature-extraction' });
 * const out = await m.run([{ ids: [101, 7592, 102], mask: [1, 1, 1], types: [0, 0, 0] }]); // dims [1, 3, 384]
 */
import * as transformers from '@huggingface/transformers';
import { AutoModel, AutoModelForSequenceClassification, PreTrainedTokenizer, Tensor, env } from '@huggingface/transformers';
import { createError, isLatelabError, type LatelabError } from '../errors';
import type { ModelProgress, ModelRef } from './encoder';
import { hubFiles } from './hub-files';
import { filesName, folderFiles, hubUrl, nodeModules, readJson, type FileSettings, type ModelFiles } from './model-files';
import { offlineError } from './offline-error';
import { createProgressTracker, type ProgressTracker } from './progress';
import { learnTemplate, type EncodedText, type PieceTokenizer, type SequenceTemplate } from './tokenization';
import { verifiedBrowserCache } from './verified-cache';
import { setDownloadIdleTimeout, verifiedFetch } from './verified-fetch';

/** Where models come from and how they run; every field optional, unset fields keep their value. */
export interface RuntimeOptions {
	/** Hub address (default `https://huggingface.co/`; in Node `$HF_ENDPOINT` when set). */
	remoteHost?: string;
	/** Path under the host (default `{model}/resolve/{revision}/`). */
	remotePathTemplate?: string;
	/** false: never download; only cached files and local folders work. */
	allowRemoteModels?: boolean;
	/** Node download cache folder (default `$LATELAB_MODEL_CACHE`, else transformers.js' own `.cache`). */
	cacheDir?: string;
	/** Browser: keep downloads in the Cache API (`transformers-cache`); default true where available. */
	useBrowserCache?: boolean;
	/** Browser: URL prefix or file map of ONNX Runtime's `.wasm`/`.mjs` (else they come from a CDN). */
	wasmPaths?: string | Record<string, string>;
	/** ONNX Runtime WASM threads (needs cross-origin isolation above 1). */
	numThreads?: number;
	/** A download that sends nothing for this long counts as stalled and fails (default 60 000 ms). */
	downloadIdleTimeoutMs?: number;
}

let configured = false;

/** Applies `options` to transformers.js' global `env`. Safe to call again (e.g. per test). */
export function configureRuntime(options: RuntimeOptions = {}): void {
	if (!configured) {
		configured = true;
		// Every download transformers.js makes is checked before its cache keeps it (verified-fetch.ts).
		env.fetch = verifiedFetch;
		const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
		if (nodeModules() && proc?.env) {
			if (proc.env.HF_ENDPOINT) env.remoteHost = proc.env.HF_ENDPOINT.replace(/\/?$/, '/');
			if (proc.env.LATELAB_MODEL_CACHE) env.cacheDir = proc.env.LATELAB_MODEL_CACHE;
		}
	}
	if (options.remoteHost !== undefined) env.remoteHost = options.remoteHost.replace(/\/?$/, '/');
	if (options.remotePathTemplate !== undefined) env.remotePathTemplate = options.remotePathTemplate;
	if (options.allowRemoteModels !== undefined) env.allowRemoteModels = options.allowRemoteModels;
	if (options.cacheDir !== undefined) env.cacheDir = options.cacheDir;
	if (options.useBrowserCache !== undefined) env.useBrowserCache = options.useBrowserCache;
	if (options.downloadIdleTimeoutMs !== undefined) setDownloadIdleTimeout(options.downloadIdleTimeoutMs);
	// Browser: the same Cache API entries, through a wrapper that drops entries of the wrong size (verified-cache.ts).
	const browserCaches = !nodeModules() && typeof (globalThis as { caches?: unknown }).caches !== 'undefined';
	env.useCustomCache = browserCaches && env.useBrowserCache;
	if (env.useCustomCache && !env.customCache) env.customCache = verifiedBrowserCache(env.cacheKey);
	const wasm = env.backends.onnx.wasm;
	if (wasm && options.wasmPaths !== undefined) wasm.wasmPaths = options.wasmPaths as typeof wasm.wasmPaths;
	if (wasm && options.numThreads !== undefined) wasm.numThreads = options.numThreads;
}

/** The settings file reads use (mirrors transformers.js' env so both share one cache). */
export function fileSettings(): FileSettings {
	configureRuntime();
	const node = nodeModules() !== null;
	return {
		remoteHost: env.remoteHost,
		remotePathTemplate: env.remotePathTemplate,
		allowRemoteModels: env.allowRemoteModels,
		cacheDir: node && env.useFSCache ? (env.cacheDir ?? null) : null,
		browserCacheName: !node && env.useBrowserCache ? env.cacheKey : null
	};
}

const DTYPE_SUFFIX: Record<NonNullable<ModelRef['dtype']>, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };

/** dtype/device actually used: fp32 on `cpu` (Node), q8 on `wasm` (browser), as transformers.js defaults. */
export function resolveRunOptions(ref: ModelRef): { dtype: NonNullable<ModelRef['dtype']>; device: NonNullable<ModelRef['device']>; onnxFile: string } {
	const device = ref.device ?? (nodeModules() ? 'cpu' : 'wasm');
	const dtype = ref.dtype ?? (device === 'wasm' ? 'q8' : 'fp32');
	return { dtype, device, onnxFile: `onnx/model${DTYPE_SUFFIX[dtype]}.onnx` };
}

/** The folder a `localDir` ref points at: `localDir/id` when that folder exists, else `localDir` itself. */
export async function resolveLocalFolder(ref: ModelRef): Promise<string> {
	const node = nodeModules();
	const dir = ref.localDir!;
	if (!node) {
		// Browser: a folder is a URL path; probe for the nested layout the same way.
		const nested = `${dir.replace(/\/$/, '')}/${ref.id}`;
		const found = ref.id && ref.id !== dir ? await fetch(`${nested}/config.json`, { method: 'HEAD' }).then((r) => r.ok, () => false) : false;
		return found ? nested : dir;
	}
	const nested = node.path.resolve(dir, ref.id || '.');
	const isDir = await node.fs.stat(nested).then((s) => s.isDirectory(), () => false);
	return isDir ? nested : node.path.resolve(dir);
}

/** A loaded tokenizer + ONNX model. */
export interface LoadedModel {
	ref: ModelRef;
	/** Display name: the Hub id, or the folder. */
	name: string;
	files: ModelFiles;
	config: Record<string, unknown>;
	tokenizer: PieceTokenizer;
	template: SequenceTemplate;
	dtype: string;
	device: string;
	/** The ONNX graph's input names (token_type_ids is fed only when listed here). */
	inputNames: string[];
	/** Runs a batch (rows padded here); returns the first of `last_hidden_state` / `logits` / any output. */
	run(batch: EncodedText[]): Promise<{ data: Float32Array; dims: number[] }>;
	dispose(): Promise<void>;
}

type HfTokenizer = PreTrainedTokenizer;

/**
 * The tokenizer class `tokenizer_config.json` names (as AutoTokenizer picks it), built from the JSON
 * latelab already fetched. AutoTokenizer itself is not used: its file check ignores the revision and
 * cache options, which breaks offline loads of non-`main` revisions.
 */
function makeTokenizer(tokenizerJson: object, tokenizerConfig: Record<string, unknown>): HfTokenizer {
	const name = String(tokenizerConfig.tokenizer_class ?? 'PreTrainedTokenizer').replace(/Fast$/, '');
	const candidate = (transformers as unknown as Record<string, unknown>)[name];
	const Cls = typeof candidate === 'function' && (candidate === PreTrainedTokenizer || candidate.prototype instanceof PreTrainedTokenizer) ? (candidate as typeof PreTrainedTokenizer) : PreTrainedTokenizer;
	return new Cls(tokenizerJson, tokenizerConfig);
}

function wrapTokenizer(t: HfTokenizer): PieceTokenizer {
	const vocab = t.get_vocab() as Map<string, number> | Record<string, number>;
	const entries: [string, number][] = vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
	const byToken = new Map(entries);
	const byId: string[] = [];
	for (const [token, id] of entries) byId[id] = token;
	const id = (v: unknown) => (typeof v === 'number' ? v : undefined);
	return {
		pieces: (text) => t.encode(text, { add_special_tokens: false }),
		withSpecialTokens(text, pair) {
			const e = t(text, { text_pair: pair ?? null, add_special_tokens: true, return_token_type_ids: true, return_tensor: false }) as unknown as { input_ids: number[]; token_type_ids?: number[] };
			return { ids: e.input_ids, types: e.token_type_ids ?? e.input_ids.map(() => 0) };
		},
		tokenToId: (token) => byToken.get(token),
		idToToken: (i) => byId[i] ?? `[${i}]`,
		padId: id(t.pad_token_id) ?? 0,
		unkId: id(t.unk_token_id),
		maskId: id(t.mask_token_id),
		modelMaxLength: t.model_max_length ?? Infinity
	};
}

/** Maps a transformers.js / fetch failure to a latelab error naming the folder or URL. */
export function mapLoadError(error: unknown, ctx: { files: ModelFiles; ref: ModelRef; onnxFile: string }): LatelabError {
	if (isLatelabError(error)) return error;
	const e = error as Error & { status?: number; cause?: { code?: string } };
	const message = e?.message ?? String(error);
	const local = /not found locally at "([^"]+)"/.exec(message);
	if (e?.name === 'ModelFileNotFoundError' || local) {
		const where = local?.[1] ?? /"([^"]+)"/.exec(message)?.[1] ?? '';
		const file = ['tokenizer.json', 'tokenizer_config.json', 'config.json', ctx.onnxFile].find((f) => where.endsWith(f)) ?? where;
		return createError('MODEL_FILE_MISSING', { path: filesName(ctx.files), file, detail: e.status ? ` (HTTP ${e.status})` : '' }, {}, error);
	}
	const url = ctx.files.local ? `${ctx.files.label}/${ctx.onnxFile}` : hubUrl(fileSettings(), ctx.ref.id, ctx.ref.revision ?? 'main', ctx.onnxFile);
	if (message === 'fetch failed') return offlineError(url, error);
	if (message === 'terminated' || /other side closed|ECONNRESET|socket|network/i.test(message + (e?.cause?.code ?? ''))) {
		return createError('NETWORK', { url, detail: `${message}: the download was cut; partial files are not kept, retry` }, {}, error);
	}
	return createError('MODEL_LOAD_FAILED', { model: ctx.ref.localDir ? ctx.files.label : ctx.ref.id, detail: message }, {}, error);
}

/**
 * Loads tokenizer + model. Small JSON files are fetched through `model-files` first (clear errors,
 * same cache); the ONNX weights are downloaded by transformers.js. `onProgress` sees every file.
 */
export async function loadModel(
	ref: ModelRef,
	options: { task: 'feature-extraction' | 'sequence-classification'; onProgress?: (p: ModelProgress) => void; tracker?: ProgressTracker }
): Promise<LoadedModel> {
	configureRuntime();
	const { dtype, device, onnxFile } = resolveRunOptions(ref);
	const folder = ref.localDir ? await resolveLocalFolder(ref) : null;
	const files = folder ? folderFiles(folder) : hubFiles(ref, fileSettings());
	const name = folder ?? ref.id;
	const tracker = options.tracker ?? createProgressTracker(name, options.onProgress);
	const ctx = { files, ref, onnxFile };
	try {
		const config = (await readJson(files, 'config.json', { onProgress: tracker.file }))!;
		const tokenizerConfig = (await readJson(files, 'tokenizer_config.json', { onProgress: tracker.file }))!;
		const tokenizerJson = (await readJson<object>(files, 'tokenizer.json', { onProgress: tracker.file }))!;
		if (folder && files.exists && !(await files.exists(onnxFile))) {
			throw createError('MODEL_FILE_MISSING', { path: filesName(files), file: onnxFile, detail: ` (dtype ${dtype})` });
		}
		if (folder) env.allowLocalModels = true;
		const common = { revision: ref.revision ?? 'main', local_files_only: folder !== null, progress_callback: tracker.transformers };
		const tokenizer = makeTokenizer(tokenizerJson, tokenizerConfig);
		const Model = options.task === 'sequence-classification' ? AutoModelForSequenceClassification : AutoModel;
		const load = async () => throwIfSessionFailed(await Model.from_pretrained(folder ?? ref.id, { ...common, dtype, device }));
		const model = folder ? await load() : await loadRepairing(load, ctx);
		tracker.ready();
		const wrapped = wrapTokenizer(tokenizer);
		const inputNames = (model as { sessions?: Record<string, { inputNames?: string[] }> }).sessions?.model?.inputNames ?? ['input_ids', 'attention_mask', 'token_type_ids'];
		const call = model as unknown as (inputs: Record<string, Tensor>) => Promise<Record<string, Tensor>>;
		return {
			ref,
			name,
			files,
			config,
			tokenizer: wrapped,
			template: learnTemplate(wrapped),
			dtype,
			device,
			inputNames: [...inputNames],
			run: (batch) => runBatch(call, batch, wrapped.padId, inputNames.includes('token_type_ids')),
			dispose: async () => {
				await (model as { dispose?: () => Promise<unknown> }).dispose?.();
			}
		};
	} catch (error) {
		throw mapLoadError(error, ctx);
	}
}

/**
 * Loads a Hub model; when its ONNX file is there but does not load (a truncated or damaged cached copy:
 * "Protobuf parsing failed", a wrong size), deletes the cached copy and loads once more, which
 * downloads it again. A second failure deletes that copy too (a bad file is never kept) and says which
 * model and file, and how to clear the cache. Network and missing-file errors are not retried.
 */
async function loadRepairing<M>(load: () => Promise<M>, ctx: { files: ModelFiles; ref: ModelRef; onnxFile: string }): Promise<M> {
	try {
		return await load();
	} catch (error) {
		const first = mapLoadError(error, ctx);
		if (first.code !== 'MODEL_LOAD_FAILED' || !ctx.files.evict) throw first;
		await ctx.files.evict(ctx.onnxFile);
	}
	try {
		return await load();
	} catch (error) {
		const second = mapLoadError(error, ctx);
		if (second.code !== 'MODEL_LOAD_FAILED') throw second;
		await ctx.files.evict?.(ctx.onnxFile).catch(() => undefined);
		const cause = (error as Error)?.message ?? String(error);
		throw createError(
			'MODEL_LOAD_FAILED',
			{
				model: ctx.ref.id,
				detail: `${ctx.onnxFile} does not load (${cause}); the cached copy was deleted and downloaded again, and that copy fails too, so it was not kept. ${ctx.files.clearHint?.(ctx.onnxFile) ?? ''}`.trim()
			},
			{},
			error
		);
	}
}

/** Marks a placeholder session that stands for a failed `InferenceSession.create` (see `keepSessionChainAlive`). */
const CREATE_FAILED = Symbol.for('latelab.inferenceSessionCreateFailed');

type SessionCreate = (...args: unknown[]) => Promise<unknown>;

/**
 * In browsers transformers.js (4.3.1, `backends/onnx.js`; upstream issue #1767) serialises every session
 * creation as `webInitChain = webInitChain.then(load)` and never catches: once one
 * `InferenceSession.create` rejects, every later creation in that worker skips `load` and rethrows the
 * first error. So a cut model file poisoned the worker: after "protobuf parsing failed" the cached copy
 * was evicted and downloaded again, but the new copy never reached ONNX Runtime, and every other model
 * loaded later in that worker failed the same way. Wrapped here, `create` always resolves: a failure
 * comes back as a placeholder session that carries the error (its `run` throws it), so the chain moves
 * on, and `loadModel` turns the placeholder back into the error (`throwIfSessionFailed`). Called once
 * with ONNX Runtime's `InferenceSession` class by the browser setup (`runtime-setup.ts`); Node has no
 * such chain. Calling it again is a no-op.
 * @example keepSessionChainAlive(InferenceSession); // from 'onnxruntime-web/webgpu'
 */
export function keepSessionChainAlive(sessionClass: { create: unknown }): void {
	const original = sessionClass.create as SessionCreate & { [CREATE_FAILED]?: true };
	if (original[CREATE_FAILED]) return;
	const guarded = async function (this: unknown, ...args: unknown[]) {
		try {
			return await original.apply(this, args);
		} catch (error) {
			const fail = () => Promise.reject(error);
			return { [CREATE_FAILED]: error, inputNames: [], outputNames: [], inputMetadata: [], outputMetadata: [], run: fail, release: async () => undefined };
		}
	} as SessionCreate & { [CREATE_FAILED]?: true };
	guarded[CREATE_FAILED] = true;
	sessionClass.create = guarded;
}

/** `model` itself, or the error of its first session that failed to build (the model is disposed first). */
async function throwIfSessionFailed<M>(model: M): Promise<M> {
	const sessions = Object.values((model as { sessions?: Record<string, unknown> }).sessions ?? {});
	const failed = sessions.find((s): s is { [CREATE_FAILED]: unknown } => typeof s === 'object' && s !== null && CREATE_FAILED in s);
	if (!failed) return model;
	await (model as { dispose?: () => Promise<unknown> }).dispose?.().catch(() => undefined);
	throw failed[CREATE_FAILED];
}

/** Pads `batch` into int64 tensors and runs it; token_type_ids only for graphs that take them. */
async function runBatch(model: (inputs: Record<string, Tensor>) => Promise<Record<string, Tensor>>, batch: EncodedText[], padId: number, withTypes: boolean) {
	const seq = Math.max(...batch.map((b) => b.ids.length));
	const ids = new BigInt64Array(batch.length * seq).fill(BigInt(padId));
	const mask = new BigInt64Array(batch.length * seq);
	const types = new BigInt64Array(batch.length * seq);
	batch.forEach((row, r) => {
		for (let i = 0; i < row.ids.length; i++) {
			ids[r * seq + i] = BigInt(row.ids[i]);
			mask[r * seq + i] = BigInt(row.mask[i]);
			types[r * seq + i] = BigInt(row.types[i]);
		}
	});
	const dims = [batch.length, seq];
	const inputs: Record<string, Tensor> = { input_ids: new Tensor('int64', ids, dims), attention_mask: new Tensor('int64', mask, dims) };
	if (withTypes) inputs.token_type_ids = new Tensor('int64', types, dims);
	const out = await model(inputs);
	let tensor = out.last_hidden_state ?? out.logits ?? Object.values(out)[0];
	if (tensor.type !== 'float32') tensor = tensor.to('float32');
	return { data: Float32Array.from(tensor.data as Float32Array), dims: [...tensor.dims] };
}
