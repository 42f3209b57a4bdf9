/**
 * What the engine worker does, without the worker: holds the loaded corpus and its BM25 index and
 * answers `EngineRequest`s. Plain TypeScript over the engine (no DOM, no comlink), so it runs in the
 * worker, and in Node under Vitest. Neural panels plug in through `panelRunners` (see
 * `src/lib/state/README.md`); until a runner exists for a panel, searching it fails with a clear message.
 */
import { createError } from '../engine/errors';
import { type ByteSource, blobSource, loadBeirFromBlobs, loadPastedText, loadUserDocs, namedBlobsFromZip } from '../engine/corpus';
import { demoQueryInfo, loadDemoCorpus } from '../engine/corpus/demo';
import { Bm25Index, DEFAULT_BM25_OPTIONS, indexedText } from '../engine/lexical';
import { cachedBm25Index } from '../engine/store/bm25-cached';
import type { EncodedCorpusStore } from '../engine/store/store';
import type { Corpus, Doc, StageTiming } from '../engine/types';
import { toFailure } from './failures';
import { queryKey } from './query-key';
import type { Bm25Params, CorpusSource, CorpusSummary, EngineProgress, EngineRequest, EngineResponse, ExampleQuery, PanelHit, PanelId } from './protocol';

const SNIPPET = 220;

/** Answers one search for a panel; neural panels add theirs here. */
export type PanelRunner = (core: EngineCore, query: string, k: number) => Promise<{ hits: { id: string; score: number; rank: number }[]; timings: StageTiming[]; kernel: string }>;

export { queryKey };

export class EngineCore {
	corpus: Corpus | undefined;
	bm25: Bm25Index | undefined;
	bm25Params: Bm25Params = { ...DEFAULT_BM25_OPTIONS };
	private docsById = new Map<string, Doc>();
	private queryIds = new Map<string, string>();
	private cancelled = new Set<number>();
	readonly panelRunners = new Map<PanelId, PanelRunner>([['bm25', runBm25]]);
	/** Where BM25 indexes are kept between page loads (the worker's IndexedDB store); none: always build. */
	readonly bm25Store: EncodedCorpusStore | undefined;
	/** How the last corpus got its BM25 index: built now, or read back from `bm25Store`. */
	bm25Source: 'built' | 'store' | undefined;
	/** Answers the requests this class does not know (the neural ones, `src/lib/worker/neural/neural-host.ts`). */
	extension: ((request: EngineRequest, onProgress?: (p: EngineProgress) => void) => Promise<EngineResponse>) | undefined;

	/**
	 * @example new EngineCore({ bm25Store: new IndexedDbStore() }) // a corpus loaded again reuses its stored BM25 index
	 */
	constructor(options: { bm25Store?: EncodedCorpusStore } = {}) {
		this.bm25Store = options.bm25Store;
	}

	/** Marks request `target` cancelled; work checks at its next checkpoint. */
	cancel(target: number): void {
		this.cancelled.add(target);
	}

	/** Handles one request; never throws (failures become `{ type: 'error' }`). */
	async handle(request: EngineRequest, onProgress?: (p: EngineProgress) => void): Promise<EngineResponse> {
		try {
			switch (request.type) {
				case 'load-corpus':
					if (request.bm25) this.bm25Params = checkBm25Params(request.bm25);
					return { type: 'corpus-loaded', id: request.id, corpus: await this.loadCorpus(request.id, request.source, onProgress) };
				case 'configure-bm25':
					return this.configureBm25(request.id, request.params);
				case 'search':
					return await this.search(request.id, request.panel, request.query, request.k);
				case 'explain-bm25':
					return this.explainBm25(request.id, request.query, request.docId);
				default:
					if (!this.extension) throw createError('BAD_ARGUMENT', { detail: `the "${request.type}" request needs the neural host (src/lib/worker/neural)` });
					return await this.extension(request, onProgress);
			}
		} catch (error) {
			if (this.cancelled.has(request.id)) return { type: 'cancelled', id: request.id };
			return { type: 'error', id: request.id, error: toFailure(error) };
		} finally {
			this.cancelled.delete(request.id);
		}
	}

	private checkpoint(id: number): void {
		if (this.cancelled.has(id)) throw createError('CANCELLED', { detail: ` (request ${id})` });
	}

	/** Passes chunks through, stopping at the first chunk after request `id` was cancelled. */
	private async *cancellable(id: number, source: ByteSource): ByteSource {
		for await (const chunk of source) {
			this.checkpoint(id);
			yield chunk;
		}
	}

	async loadCorpus(id: number, source: CorpusSource, onProgress?: (p: EngineProgress) => void): Promise<CorpusSummary> {
		let corpus: Corpus;
		if (source.kind === 'demo') corpus = loadDemoCorpus();
		else if (source.kind === 'pasted') corpus = await loadPastedText(source.text, { name: source.name ?? 'pasted text' });
		else {
			const report = (p: { bytes: number; totalBytes: number }) =>
				onProgress?.({ type: 'progress', id, stage: 'read', done: p.bytes, total: p.totalBytes, unit: 'bytes' });
			const { file } = source;
			corpus = /\.zip$/i.test(file.name)
				? await loadBeirFromBlobs(namedBlobsFromZip(new Uint8Array(await file.arrayBuffer())), { onProgress: report })
				: await loadUserDocs(this.cancellable(id, blobSource(file)), { file: file.name, size: file.size, onProgress: report });
		}
		this.checkpoint(id);
		if (corpus.docs.length === 0) throw createError('EMPTY_CORPUS', { detail: ` in ${corpus.name}` });
		onProgress?.({ type: 'progress', id, stage: 'bm25-index', done: 0, total: corpus.docs.length, unit: 'docs' });
		const { index: bm25, source: bm25Source, ms: indexMs } = await this.bm25For(id, corpus.docs, onProgress);
		this.checkpoint(id);
		onProgress?.({ type: 'progress', id, stage: 'bm25-index', done: corpus.docs.length, total: corpus.docs.length, unit: 'docs' });
		this.bm25Source = bm25Source;
		this.corpus = corpus;
		this.bm25 = bm25;
		this.docsById = new Map(corpus.docs.map((d) => [d.id, d]));
		this.queryIds = new Map(corpus.queries.map((q) => [queryKey(q.text), q.id]));
		return summarize(corpus, source.kind, [{ stage: bm25Source === 'store' ? 'bm25-index-load' : 'bm25-index', ms: indexMs }]);
	}

	/**
	 * The BM25 index of `docs`: from the store when an intact copy for the same corpus and options is
	 * there, else built (and stored). Any store failure (no IndexedDB, quota, a corrupt entry) falls
	 * back to building; a corrupt entry is deleted. Never worse than building.
	 */
	private async bm25For(id: number, docs: Doc[], onProgress?: (p: EngineProgress) => void): Promise<{ index: Bm25Index; source: 'built' | 'store'; ms: number }> {
		const t0 = performance.now();
		const controller = new AbortController();
		const report = (done: number, total: number) => {
			if (this.cancelled.has(id)) controller.abort();
			onProgress?.({ type: 'progress', id, stage: 'bm25-index', done, total, unit: 'docs' });
		};
		try {
			const result = await cachedBm25Index({ docs, options: this.bm25Params, store: this.bm25Store, onProgress: report, signal: controller.signal });
			return { index: result.index, source: result.source, ms: performance.now() - t0 };
		} catch (error) {
			this.checkpoint(id);
			if (!this.bm25Store) throw error;
			// e.g. fingerprinting without WebCrypto: build without the store.
			const index = await Bm25Index.buildAsync(docs, this.bm25Params, { onProgress: report, signal: controller.signal });
			return { index, source: 'built', ms: performance.now() - t0 };
		}
	}

	/** Rebuilds the BM25 index with new k1 and b (the corpus stays); BAD_ARGUMENT for values out of range. */
	configureBm25(id: number, params: Bm25Params): EngineResponse {
		const checked = checkBm25Params(params);
		const t0 = performance.now();
		if (this.corpus) this.bm25 = Bm25Index.build(this.corpus.docs, checked);
		this.bm25Params = checked;
		return { type: 'bm25-configured', id, params: checked, ms: performance.now() - t0 };
	}

	async search(id: number, panel: PanelId, query: string, k: number): Promise<EngineResponse> {
		const corpus = this.requireCorpus();
		const runner = this.panelRunners.get(panel);
		if (!runner) throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel is not wired to a model in this build yet` });
		const started = performance.now();
		const result = await runner(this, query, k);
		this.checkpoint(id);
		const queryId = this.queryIds.get(queryKey(query));
		const judgments = queryId ? corpus.qrels.get(queryId) : undefined;
		const hits = result.hits.map((h) => this.hitView(h, judgments));
		const total = performance.now() - started;
		return {
			type: 'search-result',
			id,
			panel,
			query,
			hits,
			timings: [...result.timings, { stage: 'total (worker)', ms: total }],
			kernel: result.kernel,
			...(queryId ? { queryId } : {}),
			judged: judgments?.size ?? 0
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

/** k1 >= 0 and 0 <= b <= 1, both finite; otherwise BAD_ARGUMENT naming the value. */
function checkBm25Params({ k1, b }: Bm25Params): Bm25Params {
	if (!(Number.isFinite(k1) && k1 >= 0 && k1 <= 10)) throw createError('BAD_ARGUMENT', { detail: `BM25 k1 must be between 0 and 10, got ${k1}` });
	if (!(Number.isFinite(b) && b >= 0 && b <= 1)) throw createError('BAD_ARGUMENT', { detail: `BM25 b must be between 0 and 1, got ${b}` });
	return { k1, b };
}

const runBm25: PanelRunner = async (core, query, k) => {
	const bm25 = core.requireBm25();
	const t0 = performance.now();
	const hits = bm25.search(query, k);
	const { k1, b } = bm25.options;
	return { hits, timings: [{ stage: 'bm25 search', ms: performance.now() - t0 }], kernel: `BM25 (k1 ${k1}, b ${b})` };
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
