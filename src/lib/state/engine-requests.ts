/**
 * Request bookkeeping between the page and the engine, free of Svelte and of the Worker so it can be
 * tested in Node: ids, channels, and the rule (from svelte.dev's REPL `Compiler.ts`) that a newer
 * request settles the older ones. Each request belongs to a channel (e.g. `search:bm25`); sending a
 * new one on a channel settles the pending older ones at once as `cancelled` and tells the worker to
 * stop them, so a slow stale answer can never overwrite a fresh one.
 */
import type { EngineApi, EngineProgress, EngineRequest, EngineResponse } from '../worker/protocol';

/** A request without its id: the tracker assigns ids. */
export type RequestBody = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'id'> : never) : never;

/** The subset of `EngineApi` the tracker calls; comlink's `Remote<EngineApi>` fits. */
export interface EngineEndpoint {
	request(request: EngineRequest, onProgress?: (progress: EngineProgress) => void): Promise<EngineResponse>;
	cancel(target: number): void | Promise<void>;
}

interface Pending {
	channel: string;
	settle: (response: EngineResponse) => void;
}

export interface EngineRequestsOptions {
	/** Wraps progress callbacks before they cross the worker boundary (comlink's `proxy`). */
	wrapCallback?: <F extends (...args: never[]) => unknown>(fn: F) => F;
	/** Called whenever the number of pending requests changes. */
	onPendingChange?: (pending: number) => void;
}

export class EngineRequests {
	#endpoint: EngineEndpoint;
	#options: EngineRequestsOptions;
	#nextId = 1;
	#pending = new Map<number, Pending>();

	constructor(endpoint: EngineEndpoint | EngineApi, options: EngineRequestsOptions = {}) {
		this.#endpoint = endpoint;
		this.#options = options;
	}

	/** Requests still waiting for an answer. */
	get pending(): number {
		return this.#pending.size;
	}

	/**
	 * Sends `body` on `channel`. Resolves with the worker's response, or `{ type: 'cancelled' }` when a
	 * newer request on the same channel (or `cancel`) overtook it. Never rejects: transport failures
	 * become `{ type: 'error', error: { code: 'INTERNAL', ... } }`.
	 * @example const r = await requests.send('search:bm25', { type: 'search', panel: 'bm25', query: 'cat', k: 10 });
	 */
	send(channel: string, body: RequestBody, onProgress?: (progress: EngineProgress) => void): Promise<EngineResponse> {
		const id = this.#nextId++;
		for (const [older, p] of this.#pending) {
			if (p.channel === channel) this.cancel(older);
		}
		return new Promise<EngineResponse>((resolve) => {
			this.#pending.set(id, { channel, settle: resolve });
			this.#changed();
			const request = { ...body, id } as EngineRequest;
			const progress = onProgress ? this.#wrap((p: EngineProgress) => {
				if (this.#pending.has(id)) onProgress(p);
			}) : undefined;
			this.#endpoint.request(request, progress).then(
				(response) => this.#settle(id, response),
				(error: unknown) => this.#settle(id, {
					type: 'error',
					id,
					error: {
						code: 'INTERNAL',
						message: `the engine worker failed: ${error instanceof Error ? error.message : String(error)}`,
						fix: 'Reload the page. If it happens again, report the message.'
					}
				})
			);
		});
	}

	/** Settles request `id` as cancelled now and asks the worker to stop it. */
	cancel(id: number): void {
		if (!this.#pending.has(id)) return;
		this.#settle(id, { type: 'cancelled', id });
		void Promise.resolve(this.#endpoint.cancel(id)).catch(() => undefined);
	}

	/** Cancels the pending requests of one channel (e.g. a corpus load the user stopped). */
	cancelChannel(channel: string): void {
		for (const [id, p] of [...this.#pending]) if (p.channel === channel) this.cancel(id);
	}

	/** Cancels every pending request (on dispose, or when the worker died). */
	cancelAll(): void {
		for (const id of [...this.#pending.keys()]) this.cancel(id);
	}

	#settle(id: number, response: EngineResponse): void {
		const p = this.#pending.get(id);
		if (!p) return;
		this.#pending.delete(id);
		this.#changed();
		p.settle(response);
	}

	#wrap<F extends (...args: never[]) => unknown>(fn: F): F {
		return this.#options.wrapCallback ? this.#options.wrapCallback(fn) : fn;
	}

	#changed(): void {
		this.#options.onPendingChange?.(this.#pending.size);
	}
}
