/**
 * The neural half of the engine worker: one loaded model per role, one built pipeline per neural
 * panel (dense, cross, colbert, colbert-rerank from `engine/pipelines`), and the requests that drive
 * them (`./protocol.ts`). It registers a `PanelRunner` for each neural panel in `EngineCore`, so a
 * search goes through the same path as BM25. Encoded corpora go to the store the host is given
 * (IndexedDB in the browser), keyed by model, revision, dtype and corpus fingerprint. Prepares run one
 * at a time so two panels sharing a model encode the corpus once and read it back from the store.
 */
import { createError } from '../../engine/errors';
import type { BiEncoder, ColbertEncoder, CrossEncoder, ModelProgress, ModelRef } from '../../engine/encoders/encoder';
import { loadEncoder } from '../../engine/encoders/load-encoder';
import { occlusion, splitWords } from '../../engine/explain/occlusion';
import { documentText, modelRefFromSpec, type NeuralDeps, type NeuralSearchResult } from '../../engine/pipelines/neural-context';
import type { ModelRole, Pipeline } from '../../engine/pipelines/registry';
import type { EncodedCorpusStore } from '../../engine/store/store';
import type { Corpus } from '../../engine/types';
import type { EngineCore, PanelRunner } from '../engine-core';
import { toFailure } from '../failures';
import { panelKind, type EngineFailure, type EngineProgress, type PanelId } from '../protocol';
import { clearEncoded, clearModelCache, listEncoded, modelCacheState, cachesAvailable } from './caches';
import { colbertView, denseView, occlusionView } from './explain-views';
import { buildPanelPipeline, kernelLabel } from './pipelines';
import { serialEncoder } from './serial-encoder';
import { modelKey, roleOfPanel, type HubSettings, type ModelChoice, type ModelInfo, type NeuralExplanationView, type NeuralRequest, type NeuralResponse, type PanelSettings, type PreparedStats } from './protocol';

type AnyEncoder = BiEncoder | CrossEncoder | ColbertEncoder;
type Explainable = Pipeline & {
	search(query: string, k: number): Promise<NeuralSearchResult>;
	explain(query: string, docId: string, options?: unknown): Promise<unknown>;
};

interface LoadedRole {
	encoder: AnyEncoder;
	choice: ModelChoice;
	info: ModelInfo;
}

interface BuiltPanel {
	pipeline: Explainable;
	corpus: Corpus;
	settings: PanelSettings;
	kernel: string;
	/** Keys of the models the pipeline uses (its own and its first stage's). */
	models: string[];
}

export const NEURAL_PANELS: readonly PanelId[] = ['bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'];

const NEURAL_TYPES = new Set<string>(['configure-hub', 'load-model', 'prepare-panel', 'remove-panel', 'explain-neural', 'list-caches', 'clear-cache']);

/** True for the requests this host answers. */
export function isNeuralRequest(request: { type: string }): request is NeuralRequest {
	return NEURAL_TYPES.has(request.type);
}

export interface NeuralHostOptions {
	/** Where encoded corpora are kept (IndexedDB in the browser; none: encode every time). */
	store?: EncodedCorpusStore;
	/** Applies Hub settings to the runtime (the browser worker passes `setupBrowserRuntime`). */
	configureHub?: (hub: HubSettings) => void;
	/** Loads an encoder (tests may swap it). */
	load?: (role: ModelRole, ref: ModelRef, onProgress: (p: ModelProgress) => void) => Promise<AnyEncoder>;
}

export class NeuralHost {
	readonly core: EngineCore;
	hub: HubSettings = { remoteHost: 'https://huggingface.co/' };
	/** Loaded models by `modelKey` (several per role). */
	private readonly models = new Map<string, LoadedRole>();
	/** The last model loaded per role: a prepare without `model` uses it. */
	private readonly latest = new Map<ModelRole, string>();
	private readonly panels = new Map<PanelId, BuiltPanel>();
	private readonly aborts = new Map<number, AbortController>();
	private queue: Promise<unknown> = Promise.resolve();
	private readonly options: NeuralHostOptions;

	constructor(core: EngineCore, options: NeuralHostOptions = {}) {
		this.core = core;
		this.options = options;
		for (const panel of NEURAL_PANELS) core.panelRunners.set(panel, this.runner(panel));
	}

	/** Stops request `id` at its next checkpoint (encoding batch, occlusion batch). */
	cancel(id: number): void {
		this.aborts.get(id)?.abort(createError('CANCELLED', { detail: ` (request ${id})` }));
	}

	/** Handles one neural request; never throws. */
	async handle(request: NeuralRequest, onProgress?: (p: EngineProgress) => void): Promise<NeuralResponse | { type: 'cancelled'; id: number } | { type: 'error'; id: number; error: EngineFailure }> {
		const abort = new AbortController();
		this.aborts.set(request.id, abort);
		try {
			return await this.dispatch(request, abort.signal, onProgress);
		} catch (error) {
			if (abort.signal.aborted) return { type: 'cancelled', id: request.id };
			return { type: 'error', id: request.id, error: this.failure(error, request) };
		} finally {
			this.aborts.delete(request.id);
		}
	}

	private async dispatch(request: NeuralRequest, signal: AbortSignal, onProgress?: (p: EngineProgress) => void): Promise<NeuralResponse> {
		switch (request.type) {
			case 'configure-hub':
				this.hub = { remoteHost: request.hub.remoteHost.replace(/\/?$/, '/') };
				this.options.configureHub?.(this.hub);
				return { type: 'hub-configured', id: request.id, hub: this.hub };
			case 'load-model':
				return { type: 'model-loaded', id: request.id, info: await this.serially(() => this.loadModel(request, signal, onProgress)) };
			case 'prepare-panel': {
				return { type: 'panel-prepared', id: request.id, panel: request.panel, stats: await this.serially(() => this.prepare(request, signal, onProgress)) };
			}
			case 'remove-panel':
				await this.removePanel(request.panel);
				return { type: 'panel-removed', id: request.id, panel: request.panel };
			case 'explain-neural':
				return {
					type: 'neural-explanation',
					id: request.id,
					panel: request.panel,
					docId: request.docId,
					view: await this.explain(request.id, request.panel, request.query, request.docId, request.maxVariants, signal, onProgress)
				};
			case 'list-caches':
				return { type: 'caches', id: request.id, encoded: await listEncoded(), models: await modelCacheState(), available: cachesAvailable() };
			case 'clear-cache':
				if (request.what === 'encoded') await clearEncoded(request.name);
				else await clearModelCache();
				return { type: 'caches', id: request.id, encoded: await listEncoded(), models: await modelCacheState(), available: cachesAvailable() };
		}
	}

	/**
	 * Runs model loads and panel prepares one at a time. With loads overlapping encodes (four models
	 * loading while panels encoded, in Chromium) every ONNX Runtime Web session failed with "invalid
	 * session id"; one at a time they do not. A second panel sharing a model also reads the corpus back
	 * from the store instead of encoding it again.
	 */
	private serially<T>(run: () => Promise<T>): Promise<T> {
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}

	/** OFFLINE gets the fix the playground promises: connect, or serve a model folder next to the app. */
	private failure(error: unknown, request: NeuralRequest): EngineFailure {
		const failure = toFailure(error);
		const host = this.hub.remoteHost.replace(/^https?:\/\//, '').replace(/\/$/, '');
		if (failure.code === 'OFFLINE' || (failure.code === 'INTERNAL' && /failed to fetch|networkerror|load failed/i.test(failure.message))) {
			return {
				...failure,
				code: 'OFFLINE',
				message: `Cannot reach ${host}${offlineUrl(failure.message)}`,
				fix:
					`Cannot reach ${host} — connect, or use a local model folder. In the browser a folder is a URL path served by this app: ` +
					'copy the model in Hub layout (config.json, tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx or onnx/model.onnx for fp32) ' +
					'into static/models/<name>/, rebuild or restart the server, and enter /models/<name> as the model.'
			};
		}
		if (failure.code === 'MODEL_FILE_MISSING' && request.type === 'load-model') {
			// The repo was found (config.json came) but a tokenizer or settings file is missing: the dtype is not the cause.
			const file = /lacks (\S+?)(?: \(|$)/.exec(failure.message)?.[1];
			if (file && file !== 'config.json' && !file.startsWith('onnx/')) {
				return {
					...failure,
					fix: `This model has no ${file}. Use a model exported for transformers.js (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) or add ${file} to its folder.`
				};
			}
			return { ...failure, fix: `Check the model id and revision, or pick a dtype this model has (fp32 is onnx/model.onnx, q8 is onnx/model_quantized.onnx; you asked for ${request.choice.dtype}).` };
		}
		return failure;
	}

	private async loadModel(request: Extract<NeuralRequest, { type: 'load-model' }>, signal: AbortSignal, onProgress?: (p: EngineProgress) => void): Promise<ModelInfo> {
		const { id, role, choice, keep } = request;
		const key = modelKey(role, choice);
		// With `keep` (several models per role) a loaded model is reused; without, the role's model is reloaded.
		const loaded = keep ? this.models.get(key) : undefined;
		if (loaded) {
			this.latest.set(role, key);
			await this.dropModels((k) => k !== key && !keep!.includes(k));
			return { ...loaded.info, loadMs: 0, fromCache: true };
		}
		const spec = choice.spec.trim();
		if (!spec) throw createError('BAD_ARGUMENT', { detail: `enter a Hub id (org/name) or a folder path (/models/name) for the ${role}` });
		const ref: ModelRef = { ...modelRefFromSpec(spec), dtype: choice.dtype, device: choice.device };
		if (choice.revision) ref.revision = choice.revision;
		const before = ref.localDir ? { files: 0, bytes: 0 } : await modelCacheState(ref.id).catch(() => ({ files: 0, bytes: 0 }));
		let last = 0;
		const report = (p: ModelProgress) => {
			const now = performance.now();
			// Progress of big files arrives per chunk: a few updates a second are enough for a bar.
			if (p.status === 'progress' && now - last < 80 && p.loaded !== p.total) return;
			last = now;
			onProgress?.({
				type: 'progress',
				id,
				stage: p.status === 'ready' ? 'starting the model' : `download ${p.file ?? ''}`.trim(),
				done: p.totalLoaded ?? 0,
				total: p.totalBytes ?? 0,
				unit: 'bytes',
				...(p.file ? { file: p.file, fileDone: p.loaded ?? 0, fileTotal: p.total ?? 0 } : {})
			});
		};
		const t0 = performance.now();
		const load = this.options.load ?? ((r: ModelRole, mref: ModelRef, progress: (p: ModelProgress) => void) => loadEncoder(r, mref, { onProgress: progress }));
		const encoder = serialEncoder(await load(role, ref, report));
		if (signal.aborted) {
			await encoder.dispose();
			throw signal.reason;
		}
		const loadMs = performance.now() - t0;
		await this.dropModels(keep ? (k) => !keep.includes(k) : (k) => this.models.get(k)?.info.role === role);
		const cache = ref.localDir ? { files: 0, bytes: 0 } : await modelCacheState(ref.id).catch(() => ({ files: 0, bytes: 0 }));
		const info: ModelInfo = {
			role,
			name: encoder.modelId,
			dtype: choice.dtype,
			device: choice.device,
			details: describeEncoder(encoder),
			loadMs,
			cache,
			fromCache: before.files > 0 && cache.files === before.files
		};
		this.models.set(key, { encoder, choice, info });
		this.latest.set(role, key);
		return info;
	}

	/** Disposes the loaded models whose key matches, and the pipelines that use them. */
	private async dropModels(drop: (key: string) => boolean): Promise<void> {
		const keys = [...this.models.keys()].filter(drop);
		if (keys.length === 0) return;
		for (const [panel, built] of [...this.panels]) {
			if (!built.models.some((k) => keys.includes(k))) continue;
			this.panels.delete(panel);
			await built.pipeline.dispose?.().catch(() => undefined);
		}
		for (const key of keys) {
			const old = this.models.get(key);
			this.models.delete(key);
			await old?.encoder.dispose().catch(() => undefined);
		}
	}

	/** Disposes an added panel's pipeline and forgets its runner (a default panel keeps its runner). */
	private async removePanel(panel: PanelId): Promise<void> {
		const built = this.panels.get(panel);
		this.panels.delete(panel);
		if (panel.includes('@')) this.core.panelRunners.delete(panel);
		await built?.pipeline.dispose?.().catch(() => undefined);
	}

	private async prepare(request: Extract<NeuralRequest, { type: 'prepare-panel' }>, signal: AbortSignal, onProgress?: (p: EngineProgress) => void): Promise<PreparedStats> {
		const { id, panel, settings } = request;
		if (signal.aborted) throw signal.reason;
		const role = roleOfPanel(panel);
		if (!role) throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel needs no model` });
		const key = request.model ?? this.latest.get(role);
		const model = key ? this.models.get(key) : undefined;
		if (!model || model.info.role !== role) throw createError('BAD_ARGUMENT', { detail: `load a ${role} model in the model bar first` });
		const corpus = this.core.requireCorpus();
		const old = this.panels.get(panel);
		this.panels.delete(panel);
		await old?.pipeline.dispose?.().catch(() => undefined);

		const counts = { read: 0, written: 0 };
		const store = this.options.store ? countingStore(this.options.store, counts) : undefined;
		const kind = panelKind(panel);
		const reranker = kind === 'cross-encoder' || kind === 'colbert-two-stage';
		const keys: string[] = [key!];
		const encoders: NonNullable<NeuralDeps['encoders']> = {};
		(encoders as Record<string, AnyEncoder>)[role] = model.encoder;
		if (reranker && settings.firstStage === 'dense') {
			const denseKey = request.firstStageModel ?? this.latest.get('bi-encoder');
			const dense = denseKey ? this.models.get(denseKey) : undefined;
			if (dense && dense.info.role === 'bi-encoder') {
				encoders['bi-encoder'] = dense.encoder as BiEncoder;
				keys.push(denseKey!);
			}
		}
		const warnings: string[] = [];
		const deps: NeuralDeps = {
			encoders,
			...(store ? { store } : {}),
			load: async (r) => {
				throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel's first stage needs a ${r} model: load one in the model bar, or choose BM25 as the first stage` });
			},
			onWarning: (message) => warnings.push(message)
		};
		const options = {
			dtype: model.choice.dtype,
			...(model.choice.revision ? { revision: model.choice.revision } : {}),
			maxsimBackend: settings.kernel,
			firstStage: settings.firstStage,
			depth: settings.depth,
			...(settings.bm25 ? { k1: settings.bm25.k1, b: settings.bm25.b } : {})
		};
		const ctx = {
			corpus,
			options,
			signal,
			onWarning: (message: string) => warnings.push(message),
			onProgress: (p: { stage: string; done: number; total: number; rate?: number; etaSeconds?: number }) =>
				onProgress?.({ type: 'progress', id, stage: p.stage, done: p.done, total: p.total, unit: 'docs', ...(p.rate ? { rate: p.rate } : {}), ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}) })
		};
		const pipeline = (await buildPanelPipeline(panel, ctx, deps)) as Explainable;
		if (signal.aborted) {
			await pipeline.dispose?.();
			throw signal.reason;
		}
		const kernel = kernelLabel(panel, pipeline, settings);
		this.panels.set(panel, { pipeline, corpus, settings, kernel, models: keys });
		if (!this.core.panelRunners.has(panel)) this.core.panelRunners.set(panel, this.runner(panel));
		return {
			batchesFromStore: counts.read,
			batchesEncoded: counts.written,
			docs: corpus.docs.length,
			timings: [...(pipeline.buildTimings ?? [])],
			kernel,
			warnings
		};
	}

	private built(panel: PanelId): BuiltPanel {
		const built = this.panels.get(panel);
		const role = roleOfPanel(panel);
		if (!built) {
			throw createError('BAD_ARGUMENT', { detail: this.latest.has(role!) ? `the ${panel} panel is not ready yet: its corpus is being encoded` : `load a ${role} model in the model bar first` });
		}
		if (built.corpus !== this.core.corpus) throw createError('BAD_ARGUMENT', { detail: `the corpus changed: the ${panel} panel is re-encoding it` });
		return built;
	}

	private runner(panel: PanelId): PanelRunner {
		return async (_core, query, k) => {
			const built = this.built(panel);
			const result = await built.pipeline.search(query, k);
			return { hits: result.hits, timings: result.timings, kernel: kernelLabel(panel, built.pipeline, built.settings) };
		};
	}

	private async explain(id: number, panel: PanelId, query: string, docId: string, maxVariants: number | undefined, signal: AbortSignal, onProgress?: (p: EngineProgress) => void): Promise<NeuralExplanationView> {
		const built = this.built(panel);
		const doc = built.corpus.docs.find((d) => d.id === docId);
		if (!doc) throw createError('BAD_ARGUMENT', { detail: `unknown document id "${docId}"` });
		if (!query.trim()) throw createError('BAD_ARGUMENT', { detail: 'type a query first: an explanation is of a query and a document' });
		const text = documentText(doc);
		const kind = panelKind(panel);
		if (kind === 'colbert' || kind === 'colbert-two-stage') {
			return colbertView(await built.pipeline.explain(query, docId) as Parameters<typeof colbertView>[0], text);
		}
		if (kind === 'bi-encoder') return denseView(await built.pipeline.explain(query, docId) as Parameters<typeof denseView>[0], text);
		// Cross-encoder: occlusion through a counting wrapper, so the page sees pairs scored of the total.
		const cross = this.models.get(built.models[0])?.encoder as CrossEncoder | undefined;
		if (!cross || cross.kind !== 'cross-encoder') throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel's cross-encoder is not loaded` });
		const cap = maxVariants ?? 64;
		const words = splitWords(text).length;
		const per = Math.max(1, Math.ceil(words / cap));
		const total = Math.ceil(words / per) + 1;
		let done = 0;
		const counting: CrossEncoder = {
			kind: 'cross-encoder',
			modelId: cross.modelId,
			async score(q, documents, options) {
				const out = await cross.score(q, documents, options);
				done += documents.length;
				onProgress?.({ type: 'progress', id, stage: 'occlusion', done, total, unit: 'docs' });
				return out;
			},
			dispose: async () => undefined
		};
		return occlusionView(await occlusion(counting, query, text, { maxVariants: cap, signal }));
	}
}

/** ` (fetching <url> failed)` from an OFFLINE message (`cannot reach <url>: ...`), or nothing. */
function offlineUrl(message: string): string {
	const url = /cannot reach (\S+?):\s/i.exec(message)?.[1];
	return url ? ` (fetching ${url} failed)` : '';
}

/**
 * A store that counts encoded batches read back and written, for "reused N batches" in the panel. A
 * BM25 first stage keeps its index in the same store (kind `bm25`); that entry is not a batch and is not counted.
 */
function countingStore(store: EncodedCorpusStore, counts: { read: number; written: number }): EncodedCorpusStore {
	return {
		label: store.label,
		listBatches: (key) => store.listBatches(key),
		async readBatch(key, n) {
			const bytes = await store.readBatch(key, n);
			if (bytes && key.kind !== 'bm25') counts.read++;
			return bytes;
		},
		async writeBatch(key, n, bytes) {
			await store.writeBatch(key, n, bytes);
			if (key.kind !== 'bm25') counts.written++;
		},
		deleteBatch: (key, n) => store.deleteBatch(key, n),
		clear: (key) => store.clear(key)
	};
}

/** One line about a loaded encoder (pooling, lengths, dimension). */
export function describeEncoder(encoder: AnyEncoder): string {
	if (encoder.kind === 'bi-encoder') return `dim ${encoder.dim}, ${encoder.pooling.mode} pooling (${encoder.pooling.source})`;
	if (encoder.kind === 'colbert') {
		const s = encoder.settings;
		return `dim ${s.dim}, query ${s.queryLength} tokens${s.queryAugmentation ? ' with [MASK] augmentation' : ''}, document ${s.documentLength}, projection ${s.projection}`;
	}
	return 'one logit per (query, document) pair';
}
