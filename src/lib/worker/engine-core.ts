/**
 * What the engine worker does, without the worker: holds the loaded corpus and its BM25 index and
 * answers `EngineRequest`s. Plain TypeScript over the engine (no DOM, no comlink), so it runs in the
 * worker, and in Node under Vitest. Everything else plugs in through the `extensions` given to the
 * constructor (the neural host, the evaluator): each brings one handler per request type of its
 * message union (`Handlers<R>`: the compiler insists on every type, so routing needs no hand-kept
 * list) and may rank panels (`runner(panel)`). Every request gets one `AbortController`;
 * `cancel(id)` aborts it and every handler sees the same `signal`.
 */
import { createError } from '../engine/errors';
import { type ByteSource, blobSource, loadBeirFromBlobs, loadPastedText, loadUserDocs } from '../engine/corpus';
import { zipEntries } from '../engine/corpus/zip-entries';
import { demoQueryInfo, loadDemoCorpus } from '../engine/corpus/demo';
import { Bm25Index, DEFAULT_BM25_OPTIONS, indexedText } from '../engine/lexical';
import { defaultOptions, KINDS, optionsDiffer, panelKind, pipelineOptionsOf, readOptions } from '../engine/panels';
import { bm25IndexOptions } from '../engine/pipelines/bm25';
import { corpusFingerprint } from '../engine/corpus/fingerprint';
import { cachedBm25Index } from '../engine/store/bm25-cached';
import type { EncodedCorpusStore } from '../engine/store/store';
import type { Corpus, Doc, SearchResult, StageTiming } from '../engine/types';
import { toFailure, type FailureContext } from './failures';
import { loadVectorsCorpus } from './vectors-corpus';
import { isMultiVectorCorpus } from '../engine/corpus/multivector-folder';
import { rankingDrift } from '../engine/eval/drift';
import type { IndexStats } from '../engine/eval/cost';
import { queryKey } from './query-key';
import type { Bm25Config, CorpusSource, CorpusSummary, EngineProgress, EngineRequest, EngineResponse, ExampleQuery, PanelHit, PanelId, VectorsInfo } from './protocol';

const SNIPPET = 220;

/** Answers one search for a panel. */
export type PanelRunner = (core: EngineCore, query: string, k: number) => Promise<SearchResult & { kernel: string }>;

/** What a handler gets besides its request: the request's abort signal and its progress channel. */
export interface RequestContext {
	signal: AbortSignal;
	onProgress?: (p: EngineProgress) => void;
}

/**
 * One handler per request type of the union `R`, e.g. `Handlers<NeuralRequest>`. A handler throws on
 * failure; `EngineCore.handle` turns that into `error` (or `cancelled` once aborted).
 */
export type Handlers<R extends { type: string }> = {
	[T in R['type']]: (request: Extract<R, { type: T }>, ctx: RequestContext) => Promise<EngineResponse>;
};

/** A part of the worker that answers some request types and may rank some panels. */
export interface EngineExtension {
	handlers: Partial<Handlers<EngineRequest>>;
	/** The runner of a panel this extension ranks, if it ranks it. */
	runner?(panel: PanelId): PanelRunner | undefined;
	/** The index cost of a panel it built (ColBERT panels). */
	index?(panel: PanelId): (IndexStats & { fp32Bytes: number; dim: number }) | undefined;
	/** What a failure's fix may name for this request (the Hub, the dtype asked for). */
	failureContext?(request: EngineRequest): FailureContext;
}

/** The requests `EngineCore` answers itself. */
type CoreRequest = Extract<EngineRequest, { type: 'load-corpus' | 'configure-bm25' | 'search' | 'explain-bm25' }>;

export { queryKey };

export interface EngineCoreOptions {
	/** Where BM25 indexes are kept between page loads (the worker's IndexedDB store); none: always build. */
	bm25Store?: EncodedCorpusStore;
	/** Built once with the core, in order: the first that answers a request type or ranks a panel wins. */
	extensions?: readonly ((core: EngineCore) => EngineExtension)[];
}

/** The BM25 panel's defaults: Pyserini's k1 and b, and the schema's defaults of the BM25 panel's options (stemming on). */
export const DEFAULT_BM25_CONFIG: Readonly<Bm25Config> = Object.freeze({ k1: DEFAULT_BM25_OPTIONS.k1, b: DEFAULT_BM25_OPTIONS.b, ...pipelineOptionsOf('bm25', defaultOptions()) });

export class EngineCore {
	corpus: Corpus | undefined;
	bm25: Bm25Index | undefined;
	bm25Params: Bm25Config = { ...DEFAULT_BM25_CONFIG };
	private docsById = new Map<string, Doc>();
	private queryIds = new Map<string, string>();
	private readonly aborts = new Map<number, AbortController>();
	private readonly extensions: readonly EngineExtension[];
	private readonly handlers: Partial<Handlers<EngineRequest>>;
	/** Where BM25 indexes are kept between page loads (the worker's IndexedDB store); none: always build. */
	readonly bm25Store: EncodedCorpusStore | undefined;
	/** Each loaded document list's `corpusFingerprint`, computed once (a 100 MB corpus takes about a second). */
	private readonly fingerprints = new WeakMap<readonly Doc[], Promise<string>>();
	/** How the last corpus got its BM25 index: built now, or read back from `bm25Store`. */
	bm25Source: 'built' | 'store' | undefined;

	/**
	 * @example new EngineCore({ bm25Store: new IndexedDbStore(), extensions: [(core) => new NeuralHost(core)] })
	 */
	constructor(options: EngineCoreOptions = {}) {
		this.bm25Store = options.bm25Store;
		this.extensions = (options.extensions ?? []).map((make) => make(this));
		const own: Handlers<CoreRequest> = {
			'load-corpus': async (request, ctx) => {
				if (request.bm25) this.bm25Params = checkBm25Params(request.bm25);
				return { type: 'corpus-loaded', id: request.id, corpus: await this.loadCorpus(request.id, request.source, ctx.onProgress, ctx.signal) };
			},
			'configure-bm25': async (request) => this.configureBm25(request.id, request.params),
			search: (request, ctx) => this.search(request.id, request.panel, request.query, request.k, ctx.signal, request.exact),
			'explain-bm25': async (request) => this.explainBm25(request.id, request.query, request.docId)
		};
		this.handlers = Object.assign({}, ...[...this.extensions].reverse().map((e) => e.handlers), own) as Partial<Handlers<EngineRequest>>;
	}

	/** Aborts request `target`; its work stops at the next checkpoint and it answers `cancelled`. */
	cancel(target: number): void {
		this.aborts.get(target)?.abort(createError('CANCELLED', { detail: ` (request ${target})` }));
	}

	/** Handles one request; never throws (failures become `{ type: 'error' }`). */
	async handle(request: EngineRequest, onProgress?: (p: EngineProgress) => void): Promise<EngineResponse> {
		const abort = new AbortController();
		this.aborts.set(request.id, abort);
		try {
			const handler = this.handlers[request.type] as ((r: EngineRequest, ctx: RequestContext) => Promise<EngineResponse>) | undefined;
			if (!handler) throw createError('BAD_ARGUMENT', { detail: `the "${request.type}" request needs an extension this worker was not built with (src/lib/worker/neural)` });
			return await handler(request, { signal: abort.signal, ...(onProgress ? { onProgress } : {}) });
		} catch (error) {
			if (abort.signal.aborted) return { type: 'cancelled', id: request.id };
			const context: FailureContext = Object.assign({}, ...this.extensions.map((e) => e.failureContext?.(request) ?? {}));
			return { type: 'error', id: request.id, error: toFailure(error, context) };
		} finally {
			this.aborts.delete(request.id);
		}
	}

	/** A ColBERT panel's index cost, from the extension that built it (the evaluation reports it). */
	indexOf(panel: PanelId): ReturnType<NonNullable<EngineExtension['index']>> {
		for (const e of this.extensions) {
			const index = e.index?.(panel);
			if (index) return index;
		}
		return undefined;
	}

	/** The runner of a panel: BM25's own, else the first extension's that ranks it. */
	runnerOf(panel: PanelId): PanelRunner | undefined {
		if (KINDS[panelKind(panel)].pipeline === 'bm25') return runBm25;
		for (const e of this.extensions) {
			const runner = e.runner?.(panel);
			if (runner) return runner;
		}
		return undefined;
	}

	/** Passes chunks through, stopping at the first chunk after `signal` aborted. */
	private async *cancellable(signal: AbortSignal | undefined, source: ByteSource): ByteSource {
		for await (const chunk of source) {
			checkpoint(signal);
			yield chunk;
		}
	}

	async loadCorpus(id: number, source: CorpusSource, onProgress?: (p: EngineProgress) => void, signal?: AbortSignal): Promise<CorpusSummary> {
		let corpus: Corpus;
		let vectors: VectorsInfo | undefined;
		// A vectors folder (chosen files, a zip holding manifest.json, or a collection served with the app).
		const loadStarted = performance.now();
		const folder = await loadVectorsCorpus(source, fetch, {
			onProgress: (done, total) => onProgress?.({ type: 'progress', id, stage: 'vectors-store', done, total, unit: 'docs' })
		});
		const folderMs = performance.now() - loadStarted;
		if (folder) ({ corpus, vectors } = folder);
		else if (source.kind === 'demo') corpus = loadDemoCorpus();
		else if (source.kind === 'pasted') corpus = await loadPastedText(source.text, { name: source.name ?? 'pasted text' });
		else {
			const report = (p: { bytes: number; totalBytes: number }) =>
				onProgress?.({ type: 'progress', id, stage: 'read', done: p.bytes, total: p.totalBytes, unit: 'bytes' });
			const { file } = source as Extract<CorpusSource, { kind: 'file' }>;
			corpus = /\.zip$/i.test(file.name)
				? await loadBeirFromBlobs(await zipEntries(file, file.name), { onProgress: report })
				: await loadUserDocs(this.cancellable(signal, blobSource(file)), { file: file.name, size: file.size, onProgress: report });
		}
		let bm25: Bm25Index, bm25Source: 'built' | 'store', indexMs: number;
		try {
			checkpoint(signal);
			if (corpus.docs.length === 0) throw createError('EMPTY_CORPUS', { detail: ` in ${corpus.name}` });
			onProgress?.({ type: 'progress', id, stage: 'bm25-index', done: 0, total: corpus.docs.length, unit: 'docs' });
			({ index: bm25, source: bm25Source, ms: indexMs } = await this.bm25For(id, corpus.docs, onProgress, signal));
			checkpoint(signal);
		} catch (error) {
			// The previous corpus stays; the new folder's on-disk copy (OPFS or IndexedDB) is not needed.
			if (isMultiVectorCorpus(corpus)) await corpus.multivector.dispose?.().catch(() => undefined);
			throw error;
		}
		onProgress?.({ type: 'progress', id, stage: 'bm25-index', done: corpus.docs.length, total: corpus.docs.length, unit: 'docs' });
		this.bm25Source = bm25Source;
		const previous = this.corpus;
		this.corpus = corpus;
		// A replaced vectors folder's on-disk copy goes with it (its panels are rebuilt for the new corpus).
		if (previous && previous !== corpus && isMultiVectorCorpus(previous)) void previous.multivector.dispose?.().catch(() => undefined);
		this.bm25 = bm25;
		this.docsById = new Map(corpus.docs.map((d) => [d.id, d]));
		this.queryIds = new Map(corpus.queries.map((q) => [queryKey(q.text), q.id]));
		const bm25Timing = { stage: bm25Source === 'store' ? 'bm25-index-load' : 'bm25-index', ms: indexMs };
		const summary = summarize(corpus, source.kind, folder ? [{ stage: vectors?.vectorsIn ? `vectors-load (to ${vectors.vectorsIn.split(' ')[0]})` : 'vectors-load', ms: folderMs }, bm25Timing] : [bm25Timing]);
		return vectors ? { ...summary, vectors } : summary;
	}

	/** `corpusFingerprint(docs)` of a loaded corpus's documents, shared by the BM25 store and the saved evaluations. */
	fingerprintOf(docs: readonly Doc[]): Promise<string> {
		let fingerprint = this.fingerprints.get(docs);
		if (!fingerprint) {
			fingerprint = corpusFingerprint(docs);
			this.fingerprints.set(docs, fingerprint);
			fingerprint.catch(() => this.fingerprints.delete(docs));
		}
		return fingerprint;
	}

	/**
	 * The BM25 index of `docs`: from the store when an intact copy for the same corpus and options is
	 * there, else built (and stored). Any store failure (no IndexedDB, quota, a corrupt entry) falls
	 * back to building; a corrupt entry is deleted. Never worse than building.
	 */
	private async bm25For(id: number, docs: Doc[], onProgress?: (p: EngineProgress) => void, signal?: AbortSignal): Promise<{ index: Bm25Index; source: 'built' | 'store'; ms: number }> {
		const t0 = performance.now();
		const report = (done: number, total: number) => onProgress?.({ type: 'progress', id, stage: 'bm25-index', done, total, unit: 'docs' });
		const options = bm25IndexOptions(this.bm25Params);
		try {
			const fingerprint = this.bm25Store ? await this.fingerprintOf(docs) : undefined;
			const result = await cachedBm25Index({ docs, options, store: this.bm25Store, ...(fingerprint ? { fingerprint } : {}), onProgress: report, signal });
			return { index: result.index, source: result.source, ms: performance.now() - t0 };
		} catch (error) {
			checkpoint(signal);
			if (!this.bm25Store) throw error;
			// e.g. fingerprinting without WebCrypto: build without the store.
			const index = await Bm25Index.buildAsync(docs, options, { onProgress: report, signal });
			return { index, source: 'built', ms: performance.now() - t0 };
		}
	}

	/** Rebuilds the BM25 index with new k1, b and BM25 panel options (the corpus stays); BAD_ARGUMENT for values out of range. */
	configureBm25(id: number, params: Bm25Config): EngineResponse {
		const checked = checkBm25Params(params);
		const t0 = performance.now();
		if (this.corpus) this.bm25 = Bm25Index.build(this.corpus.docs, bm25IndexOptions(checked));
		this.bm25Params = checked;
		return { type: 'bm25-configured', id, params: checked, ms: performance.now() - t0 };
	}

	async search(id: number, panel: PanelId, query: string, k: number, signal?: AbortSignal, exact?: PanelId): Promise<EngineResponse> {
		const corpus = this.requireCorpus();
		const runner = this.runnerOf(panel);
		if (!runner) throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel is not wired to a model in this build yet` });
		const started = performance.now();
		const result = await runner(this, query, k);
		checkpoint(signal);
		const queryId = this.queryIds.get(queryKey(query));
		const judgments = queryId ? corpus.qrels.get(queryId) : undefined;
		const hits = result.hits.map((h) => this.hitView(h, judgments));
		const total = performance.now() - started;
		// Against the exact panel's top 10 for the same query (its search is shared, see neural/search-memo.ts).
		const exactRunner = exact && exact !== panel ? this.runnerOf(exact) : undefined;
		const drift = exactRunner ? rankingDrift(result.hits, (await exactRunner(this, query, Math.max(k, 10))).hits, 10) : undefined;
		checkpoint(signal);
		return {
			type: 'search-result',
			id,
			panel,
			query,
			hits,
			timings: [...result.timings, { stage: 'total (worker)', ms: total }],
			kernel: result.kernel,
			...(queryId ? { queryId } : {}),
			judged: judgments?.size ?? 0,
			...(drift ? { drift } : {})
		};
	}

	explainBm25(id: number, query: string, docId: string): EngineResponse {
		const bm25 = this.requireBm25();
		const doc = this.docsById.get(docId);
		if (!doc) throw createError('BAD_ARGUMENT', { detail: `unknown document id "${docId}"` });
		const terms = bm25.explain(query, docId);
		const score = terms.reduce((s, t) => s + t.contribution, 0);
		return {
			type: 'bm25-explanation',
			id,
			docId,
			text: indexedText(doc),
			titleLength: doc.title.length,
			score,
			terms: terms.map((t) => ({ ...t, offsets: t.offsets.map(([a, b]) => [a, b] as [number, number]) }))
		};
	}

	requireCorpus(): Corpus {
		if (!this.corpus) throw createError('BAD_ARGUMENT', { detail: 'no corpus loaded yet: choose one in the corpus bar' });
		return this.corpus;
	}

	requireBm25(): Bm25Index {
		this.requireCorpus();
		return this.bm25 as Bm25Index;
	}

	private hitView(hit: { id: string; score: number; rank: number }, judgments: Map<string, number> | undefined): PanelHit {
		const doc = this.docsById.get(hit.id);
		const text = doc?.text ?? '';
		const view: PanelHit = {
			id: hit.id,
			rank: hit.rank,
			score: hit.score,
			title: doc?.title ?? '',
			snippet: text.length > SNIPPET ? `${text.slice(0, SNIPPET).trimEnd()}…` : text
		};
		const rel = judgments?.get(hit.id);
		if (rel !== undefined) view.relevance = rel;
		return view;
	}
}

/** Throws the abort reason (`CANCELLED`) once `signal` aborted. */
function checkpoint(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw signal.reason;
}

/**
 * k1 >= 0 and 0 <= b <= 1, both finite, and the BM25 panel's options (absent: their defaults; keys it
 * does not have are dropped) as the pipeline checks them; otherwise BAD_ARGUMENT naming the value.
 */
function checkBm25Params(params: Bm25Config): Bm25Config {
	const { k1, b } = params;
	if (!(Number.isFinite(k1) && k1 >= 0 && k1 <= 10)) throw createError('BAD_ARGUMENT', { detail: `BM25 k1 must be between 0 and 10, got ${k1}` });
	if (!(Number.isFinite(b) && b >= 0 && b <= 1)) throw createError('BAD_ARGUMENT', { detail: `BM25 b must be between 0 and 1, got ${b}` });
	const config: Bm25Config = { ...Object.fromEntries(Object.entries(DEFAULT_BM25_CONFIG).map(([key, value]) => [key, params[key] ?? value])), k1, b };
	bm25IndexOptions(config);
	return config;
}

/** What sets a BM25 configuration's panel options apart from the defaults, as the option labels say it (`no stemming`). */
function bm25OptionsText(config: Bm25Config): string[] {
	return optionsDiffer('bm25', readOptions('bm25', (_, spec) => config[spec.opt]));
}

const runBm25: PanelRunner = async (core, query, k) => {
	const bm25 = core.requireBm25();
	const t0 = performance.now();
	const hits = bm25.search(query, k);
	const { k1, b } = bm25.options;
	const kernel = `BM25 (${[`k1 ${k1}`, `b ${b}`, ...bm25OptionsText(core.bm25Params)].join(', ')})`;
	return { hits, timings: [{ stage: 'bm25 search', ms: performance.now() - t0 }], kernel };
};

/** The page-side summary of a corpus, with example queries (judged ones first, as the corpus lists them). */
export function summarize(corpus: Corpus, source: CorpusSource['kind'], timings: StageTiming[]): CorpusSummary {
	const examples: ExampleQuery[] = corpus.queries.map((q) => {
		const info = source === 'demo' ? demoQueryInfo(q.id) : undefined;
		return { id: q.id, text: q.text, ...(info ?? {}), judged: corpus.qrels.get(q.id)?.size ?? 0 };
	});
	return {
		name: corpus.name,
		source,
		nDocs: corpus.docs.length,
		nQueries: corpus.queries.length,
		nJudgedQueries: examples.filter((e) => e.judged > 0).length,
		examples,
		warnings: corpus.warnings.slice(0, 20),
		timings
	};
}
