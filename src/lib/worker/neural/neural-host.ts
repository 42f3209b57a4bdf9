/**
 * The neural half of the engine worker, as an `EngineExtension`: it answers the `NeuralRequest`s
 * (`./protocol.ts`) and ranks the neural panels. Models live in a `ModelRegistry` (several per role);
 * each prepared panel holds a `PanelPipeline` (`./panel-pipelines.ts`) built from the panel's schema
 * options. Encoded corpora go to the store the host is given (IndexedDB in the browser), keyed by
 * model, revision, dtype and corpus fingerprint. Loads and prepares run one at a time: two panels
 * sharing a model encode the corpus once and read it back from the store.
 */
import { createError } from '../../engine/errors';
import { kindOf, optionsOf, panelKind, pipelineOptionsOf } from '../../engine/panels';
import { PLAYGROUND_CENTROID_BUDGET } from './centroid-budget';
import type { NeuralDeps } from '../../engine/pipelines/neural-context';
import type { ModelRole } from '../../engine/pipelines/registry';
import { IndexedDbFp32Store, type Fp32VectorStore } from '../../engine/store/fp32-vector-store';
import type { EncodedCorpusStore } from '../../engine/store/store';
import type { Corpus } from '../../engine/types';
import type { EngineCore, EngineExtension, Handlers, PanelRunner, RequestContext } from '../engine-core';
import type { FailureContext } from '../failures';
import type { EngineRequest, PanelId } from '../protocol';
import { cachesAvailable, clearEncoded, clearModelCache, listEncoded, modelCacheState, savedEvaluations } from './caches';
import { countingStore } from './counting-store';
import { ModelRegistry, type EncoderLoader } from './model-registry';
import { buildPanelPipeline, type PanelPipeline } from './panel-pipelines';
import { memoSearch } from './search-memo';
import { isMultiVectorCorpus } from '../../engine/corpus/multivector-folder';
import { FP32_FILE_PREFIX, openOpfsVectorsStore } from '../../engine/corpus/multivector-opfs';
import type { HubSettings, NeuralRequest, NeuralResponse, PreparedStats } from './protocol';

interface BuiltPanel {
	pipeline: PanelPipeline;
	corpus: Corpus;
	/** Keys of the models the pipeline uses (its own and its first stage's). */
	models: string[];
}

export interface NeuralHostOptions {
	/**
	 * Multiply-adds a residual index's nearest-centroid search may take when its `centroids` option is
	 * `auto` (ColBERTv2's rule capped, `centroidCountWithin`); default `PLAYGROUND_CENTROID_BUDGET`.
	 */
	centroidBudget?: number;
	/** Where encoded corpora are kept (IndexedDB in the browser; none: encode every time). */
	store?: EncodedCorpusStore;
	/** Applies Hub settings to the runtime (the browser worker passes `setupBrowserRuntime`). */
	configureHub?: (hub: HubSettings) => void;
	/** Loads an encoder (tests may swap it). */
	load?: EncoderLoader;
	/**
	 * Where a rescoring ColBERT panel (`storage` compressed, `rescore > 0`) keeps its exact fp32 vectors.
	 * Default: an OPFS file per panel where the worker opens sync access handles (a dedicated worker),
	 * else IndexedDB (`latelab-fp32`), so the worker's memory holds only the compressed copy it scores
	 * (issue 12); with neither the pipeline keeps them in memory.
	 */
	fp32Store?: () => Fp32VectorStore | Promise<Fp32VectorStore>;
}

type Request<T extends NeuralRequest['type']> = Extract<NeuralRequest, { type: T }>;

export class NeuralHost implements EngineExtension {
	readonly core: EngineCore;
	hub: HubSettings = { remoteHost: 'https://huggingface.co/' };
	private readonly models: ModelRegistry;
	private readonly panels = new Map<PanelId, BuiltPanel>();
	private queue: Promise<unknown> = Promise.resolve();
	private readonly options: NeuralHostOptions;

	/** One handler per neural request type (the compiler checks the list against `NeuralRequest`). */
	readonly handlers: Handlers<NeuralRequest> = {
		'configure-hub': async (request) => {
			this.hub = { remoteHost: request.hub.remoteHost.replace(/\/?$/, '/') };
			this.options.configureHub?.(this.hub);
			return { type: 'hub-configured', id: request.id, hub: this.hub };
		},
		'load-model': async (request, ctx) => ({
			type: 'model-loaded',
			id: request.id,
			info: await this.serially(() => this.models.load(request, ctx.signal, ctx.onProgress, (keys) => this.dropPanelsUsing(keys)))
		}),
		'prepare-panel': async (request, ctx) => ({ type: 'panel-prepared', id: request.id, panel: request.panel, stats: await this.serially(() => this.prepare(request, ctx)) }),
		'remove-panel': async (request) => {
			await this.removePanel(request.panel);
			return { type: 'panel-removed', id: request.id, panel: request.panel };
		},
		'explain-neural': async (request, ctx) => this.explain(request, ctx),
		'list-caches': async (request) => this.caches(request.id),
		'clear-cache': async (request) => {
			if (request.what === 'encoded') await clearEncoded(request.name);
			else if (request.what === 'evaluations') await savedEvaluations()?.clear();
			else await clearModelCache();
			return this.caches(request.id);
		}
	};

	constructor(core: EngineCore, options: NeuralHostOptions = {}) {
		this.core = core;
		this.options = options;
		this.models = new ModelRegistry(options.load);
	}

	/** The runner of every neural panel (it fails with a clear message until the panel is prepared). */
	runner(panel: PanelId): PanelRunner | undefined {
		if (!kindOf(panel).role) return undefined;
		return async (_core, query, k) => {
			const { pipeline } = this.built(panel);
			// Shared with a drift comparison asking for the same search at the same time (see search-memo.ts).
			return memoSearch(pipeline, query, k, () => pipeline.search(query, k));
		};
	}

	/** The index cost of a prepared ColBERT panel. */
	index(panel: PanelId) {
		return this.panels.get(panel)?.pipeline.index;
	}

	/** What a failure's fix may name: the Hub, and the dtype a load asked for. */
	failureContext(request: EngineRequest): FailureContext {
		return { hub: this.hub.remoteHost, ...(request.type === 'load-model' ? { dtype: request.choice.dtype } : {}) };
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

	private async caches(id: number): Promise<NeuralResponse> {
		const evaluations = (await savedEvaluations()?.summary().catch(() => undefined)) ?? { evaluations: 0, bytes: 0 };
		return { type: 'caches', id, encoded: await listEncoded(), models: await modelCacheState(), evaluations, available: cachesAvailable() };
	}

	/** Disposes the pipelines that use any of the model `keys` (the registry disposes the models). */
	private async dropPanelsUsing(keys: string[]): Promise<void> {
		for (const [panel, built] of [...this.panels]) {
			if (!built.models.some((k) => keys.includes(k))) continue;
			this.panels.delete(panel);
			await built.pipeline.dispose().catch(() => undefined);
		}
	}

	private async removePanel(panel: PanelId): Promise<void> {
		const built = this.panels.get(panel);
		this.panels.delete(panel);
		await built?.pipeline.dispose().catch(() => undefined);
	}

	private async prepare(request: Request<'prepare-panel'>, { signal, onProgress }: RequestContext): Promise<PreparedStats> {
		const { id, panel, options } = request;
		if (signal.aborted) throw signal.reason;
		const kind = panelKind(panel);
		const { role, reranks } = kindOf(panel);
		if (!role) throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel needs no model` });
		const corpus = this.core.requireCorpus();
		const own = this.models.ofRole(role, request.model ?? this.models.latestKey(role));
		// A vectors folder brings the document vectors (and its queries'): ColBERT panels rank without a model.
		const vectorsOnly = !own && role === 'colbert' && isMultiVectorCorpus(corpus);
		if (!own && !vectorsOnly) throw createError('BAD_ARGUMENT', { detail: `load a ${role} model in the model bar first` });
		await this.removePanel(panel);

		const counts = { read: 0, written: 0 };
		const store = this.options.store ? countingStore(this.options.store, counts) : undefined;
		const keys = own ? [own.key] : [];
		const encoders: NonNullable<NeuralDeps['encoders']> = own ? { [role]: own.model.encoder } : {};
		if (reranks && options.firstStage === 'dense') {
			const dense = this.models.ofRole('bi-encoder', request.firstStageModel ?? this.models.latestKey('bi-encoder'));
			if (dense && dense.model.encoder.kind === 'bi-encoder') {
				encoders['bi-encoder'] = dense.model.encoder;
				keys.push(dense.key);
			}
		}
		const warnings: string[] = [];
		const info: string[] = [];
		// OPFS reads a rescored run of documents at once; IndexedDB costs a request per document.
		const fp32Store = this.options.fp32Store ?? (globalThis.indexedDB ? async () => (await openOpfsVectorsStore(FP32_FILE_PREFIX)) ?? new IndexedDbFp32Store() : undefined);
		const deps: NeuralDeps = {
			encoders,
			...(store ? { store } : {}),
			...(fp32Store ? { fp32Store } : {}),
			load: async (r: ModelRole) => {
				throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel's first stage needs a ${r} model: load one in the model bar, or choose BM25 as the first stage` });
			},
			onWarning: (message) => warnings.push(message),
			onInfo: (message) => info.push(message)
		};
		const choice = own?.model.choice;
		// ColBERTv2's centroid count can take many minutes to build in a tab: 'auto' is capped here (not on the CLI).
		const centroidsAuto = optionsOf(kind, options).includes('centroids') && options.centroids === 'auto';
		const pipelineOptions = {
			...(choice ? { dtype: choice.dtype } : {}),
			...(choice?.revision ? { revision: choice.revision } : {}),
			...pipelineOptionsOf(kind, options),
			...(centroidsAuto ? { centroidBudget: this.options.centroidBudget ?? PLAYGROUND_CENTROID_BUDGET } : {}),
			// A BM25 first stage ranks as the BM25 panel does (same k1, b and BM25 panel options).
			...(request.bm25 ?? {})
		};
		const ctx = {
			corpus,
			options: pipelineOptions,
			signal,
			onWarning: (message: string) => warnings.push(message),
			onInfo: (message: string) => info.push(message),
			onProgress: (p: { stage: string; done: number; total: number; rate?: number; etaSeconds?: number }) =>
				onProgress?.({ type: 'progress', id, stage: p.stage, done: p.done, total: p.total, unit: 'docs', ...(p.rate ? { rate: p.rate } : {}), ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}) })
		};
		const pipeline = await buildPanelPipeline(kind, options, ctx, deps);
		if (signal.aborted) {
			await pipeline.dispose();
			throw signal.reason;
		}
		this.panels.set(panel, { pipeline, corpus, models: keys });
		return {
			batchesFromStore: counts.read,
			batchesEncoded: counts.written,
			docs: corpus.docs.length,
			timings: [...pipeline.buildTimings],
			kernel: pipeline.kernel,
			...(pipeline.index ? { index: pipeline.index } : {}),
			warnings,
			info
		};
	}

	private built(panel: PanelId): BuiltPanel {
		const built = this.panels.get(panel);
		const role = kindOf(panel).role!;
		if (!built) {
			throw createError('BAD_ARGUMENT', { detail: this.models.latestKey(role) ? `the ${panel} panel is not ready yet: its corpus is being encoded` : `load a ${role} model in the model bar first` });
		}
		if (built.corpus !== this.core.corpus) throw createError('BAD_ARGUMENT', { detail: `the corpus changed: the ${panel} panel is re-encoding it` });
		return built;
	}

	private async explain(request: Request<'explain-neural'>, { signal, onProgress }: RequestContext): Promise<NeuralResponse> {
		const { id, panel, query, docId, maxVariants } = request;
		const built = this.built(panel);
		if (!built.corpus.docs.some((d) => d.id === docId)) throw createError('BAD_ARGUMENT', { detail: `unknown document id "${docId}"` });
		if (!query.trim()) throw createError('BAD_ARGUMENT', { detail: 'type a query first: an explanation is of a query and a document' });
		const view = await built.pipeline.explain(query, docId, {
			...(maxVariants ? { maxVariants } : {}),
			signal,
			onProgress: (done, total) => onProgress?.({ type: 'progress', id, stage: 'occlusion', done, total, unit: 'docs' })
		});
		return { type: 'neural-explanation', id, panel, docId, view };
	}
}

export { describeEncoder } from './model-registry';
