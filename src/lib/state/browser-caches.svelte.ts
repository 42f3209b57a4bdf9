/**
 * What the browser keeps for latelab: encoded corpora (IndexedDB), model downloads (Cache API) and
 * each corpus's last evaluation (IndexedDB), listed and cleared through the worker (channel `caches`),
 * the uploaded corpus kept for reloads (the page's IndexedDB), and the site's usage and quota.
 */
import { askPersistence, storageEstimate, type StorageEstimate } from '../engine/store/browser-storage';
import type { EncodedCacheEntry, ModelCacheState } from '../worker/neural/protocol';
import type { EngineClient } from './engine-client.svelte';
import { forgetUpload, uploadSummary } from './saved-upload';

export interface CacheListing {
	encoded: EncodedCacheEntry[];
	models: ModelCacheState;
	/** Corpora with a saved evaluation, and roughly their bytes. */
	evaluations: { evaluations: number; bytes: number };
	/** The uploaded corpus kept for reloads (the page's own IndexedDB, `saved-upload.ts`), if any. */
	upload?: { name: string; bytes: number };
	/** Whether the worker could open the caches at all (private windows may refuse). */
	available: boolean;
}

export class BrowserCaches {
	/** The caches' contents, once listed. */
	list = $state.raw<CacheListing | undefined>(undefined);
	/** The site's storage usage and quota, and whether it is persistent (undefined where the browser does not say). */
	storage = $state.raw<StorageEstimate | undefined>(undefined);
	readonly #client: EngineClient;

	constructor(client: EngineClient) {
		this.#client = client;
	}

	async refresh(): Promise<void> {
		const r = await this.#client.send('caches', { type: 'list-caches' });
		if (r.type === 'caches') await this.#set(r);
	}

	/** Forgets the uploaded corpus kept for reloads (the corpus on screen stays loaded). */
	async forgetUpload(): Promise<void> {
		await forgetUpload();
		if (this.list) this.list = { ...this.list, upload: undefined };
	}

	/** Clears one encoded corpus (`name`), every encoded corpus, the model downloads, or the saved evaluations. */
	async clear(what: 'encoded' | 'models' | 'evaluations', name?: string): Promise<void> {
		const r = await this.#client.send('caches', { type: 'clear-cache', what, ...(name ? { name } : {}) });
		if (r.type === 'caches') await this.#set(r);
	}

	/**
	 * Once the encoded corpora kept here reach `PERSIST_THRESHOLD`, asks for persistent storage (only
	 * the page can: `persist()` is not exposed to workers) so the browser does not evict them under pressure.
	 */
	async #set(r: CacheListing): Promise<void> {
		const encodedBytes = r.encoded.reduce((sum, e) => sum + e.bytes, 0);
		const persisted = await askPersistence(encodedBytes);
		const estimate = await storageEstimate();
		const upload = await uploadSummary();
		this.list = { encoded: r.encoded, models: r.models, evaluations: r.evaluations, ...(upload ? { upload } : {}), available: r.available };
		this.storage = estimate ? { ...estimate, persisted: persisted || estimate.persisted === true } : undefined;
	}
}
