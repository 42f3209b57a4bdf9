/**
 * The page's handle on the engine worker, in the manner of svelte.dev's `Bundler.svelte.ts`: a class
 * hides the Worker and comlink, exposes typed calls, and keeps a little reactive state (`pending`,
 * `fatal`). Request ids and "newer settles older" live in `EngineRequests`.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { Bm25Params, CorpusSource, EngineApi, EngineFailure, EngineProgress, EngineResponse, PanelId } from '../worker/protocol';
import { EngineRequests, type RequestBody } from './engine-requests';

export class EngineClient {
	/** Requests in flight (for a busy indicator). */
	pending = $state(0);
	/** Set when the worker itself died; every panel shows it. */
	fatal = $state.raw<EngineFailure | undefined>(undefined);

	#worker: Worker;
	#api: Remote<EngineApi>;
	#requests: EngineRequests;

	constructor(createWorker: () => Worker = () => new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module' })) {
		this.#worker = createWorker();
		this.#api = wrap<EngineApi>(this.#worker);
		this.#requests = new EngineRequests(this.#api, {
			wrapCallback: (fn) => proxy(fn),
			onPendingChange: (n) => (this.pending = n)
		});
		this.#worker.addEventListener('error', (event) => {
			this.fatal = {
				code: 'INTERNAL',
				message: `the engine worker stopped: ${event.message || 'unknown error'}`,
				fix: 'Reload the page. If it happens again, report the message.'
			};
			this.#requests.cancelAll();
		});
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
	search(panel: PanelId, query: string, k: number): Promise<EngineResponse> {
		return this.#requests.send(`search:${panel}`, { type: 'search', panel, query, k });
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
