/**
 * The page's handle on the engine worker, in the manner of svelte.dev's `Bundler.svelte.ts`: a class
 * hides the Worker and comlink, exposes typed calls, and keeps a little reactive state (`pending`,
 * `fatal`). Request ids and "newer settles older" live in `EngineRequests`.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { Bm25Params, CorpusSource, EngineApi, EngineFailure, EngineProgress, EngineResponse, PanelId } from '../worker/protocol';
import { EngineRequests, type RequestBody } from './engine-requests';

/** Crashes after which the worker is started again; one more and the page shows `fatal`. */
export const MAX_RESTARTS = 3;

export class EngineClient {
	/** Requests in flight (for a busy indicator). */
	pending = $state(0);
	/** Set when the worker died more often than it is restarted (`MAX_RESTARTS`); every panel shows it. */
	fatal = $state.raw<EngineFailure | undefined>(undefined);
	/** The last crash the worker was restarted after (an uncaught error, e.g. out of memory on a large corpus). */
	crashed = $state.raw<EngineFailure | undefined>(undefined);
	/** How often the worker was restarted. */
	restarts = $state(0);

	#worker!: Worker;
	#api!: Remote<EngineApi>;
	#requests!: EngineRequests;
	readonly #createWorker: () => Worker;
	readonly #restartListeners = new Set<() => void>();

	constructor(createWorker: () => Worker = () => new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module' })) {
		this.#createWorker = createWorker;
		this.#start();
	}

	#start(): void {
		const worker = this.#createWorker();
		this.#worker = worker;
		this.#api = wrap<EngineApi>(worker);
		this.#requests = new EngineRequests(this.#api, {
			wrapCallback: (fn) => proxy(fn),
			onPendingChange: (n) => (this.pending = n)
		});
		worker.addEventListener('error', (event) => {
			if (worker !== this.#worker) return;
			this.#crash(`${event.message || 'unknown error'}`);
		});
	}

	/**
	 * The worker died (or threw outside any request, so its state is unknown): settle what was pending,
	 * start a fresh worker and tell the listeners (the playground reloads its corpus, the models their
	 * models). After `MAX_RESTARTS` crashes the page gives up and shows `fatal`.
	 */
	#crash(reason: string): void {
		const failure: EngineFailure = {
			code: 'INTERNAL',
			message: `the engine worker stopped (${reason}); a large corpus or model can exhaust the tab's memory`,
			fix: 'It was restarted: the corpus and the models load again. Try a smaller corpus, a q8 model, or fewer panels if it happens again.'
		};
		this.#requests.cancelAll();
		this.#worker.terminate();
		if (this.restarts >= MAX_RESTARTS) {
			this.fatal = { ...failure, fix: 'Reload the page. If it happens again, use a smaller corpus or fewer panels, and report the message.' };
			return;
		}
		this.restarts++;
		this.crashed = failure;
		this.#start();
		for (const listener of this.#restartListeners) listener();
	}

	/** Calls `listener` after each restart of the worker. Returns the unsubscribe. */
	onRestart(listener: () => void): () => void {
		this.#restartListeners.add(listener);
		return () => this.#restartListeners.delete(listener);
	}

	/** Loads documents (and queries/qrels when the source has them) and builds the BM25 index. */
	loadCorpus(source: CorpusSource, onProgress?: (p: EngineProgress) => void, bm25?: Bm25Params): Promise<EngineResponse> {
		return this.#requests.send('corpus', { type: 'load-corpus', source, ...(bm25 ? { bm25 } : {}) }, onProgress);
	}

	/** Rebuilds the BM25 index with new parameters. */
	configureBm25(params: Bm25Params): Promise<EngineResponse> {
		return this.#requests.send('bm25-params', { type: 'configure-bm25', params });
	}

	/** Stops a corpus load in progress (it answers `cancelled`; the previous corpus stays loaded). */
	cancelCorpus(): void {
		this.#requests.cancelChannel('corpus');
	}

	/** Top-`k` for one panel; a newer search on the same panel settles this one as `cancelled`. */
	search(panel: PanelId, query: string, k: number, exact?: PanelId): Promise<EngineResponse> {
		return this.#requests.send(`search:${panel}`, { type: 'search', panel, query, k, ...(exact ? { exact } : {}) });
	}

	/** BM25 term contributions and their offsets in one document. */
	explainBm25(query: string, docId: string): Promise<EngineResponse> {
		return this.#requests.send('explain', { type: 'explain-bm25', query, docId });
	}

	/**
	 * Any request on a named channel (the neural panels use `model:<role>`, `prepare:<panel>`,
	 * `explain:<panel>`); a newer request on the channel settles older ones as `cancelled`.
	 */
	send(channel: string, body: RequestBody, onProgress?: (p: EngineProgress) => void): Promise<EngineResponse> {
		return this.#requests.send(channel, body, onProgress);
	}

	/** Cancels what is pending on a channel. */
	cancelChannel(channel: string): void {
		this.#requests.cancelChannel(channel);
	}

	/** Stops the worker and settles everything pending. */
	dispose(): void {
		this.#requests.cancelAll();
		this.#api[releaseProxy]();
		this.#worker.terminate();
	}
}
