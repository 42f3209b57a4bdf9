/**
 * What the browser keeps for latelab, listed and cleared for the page: encoded corpora in IndexedDB
 * (`latelab-encoded`, written by `engine/store/indexeddb-store.ts`, one record per batch), model
 * downloads in the Cache API (`transformers-cache`, keyed by URL), and each corpus's last evaluation
 * (`latelab-evaluations`, `../saved-evaluations.ts`).
 */
import { openDB } from 'idb';
import { IndexedDbEvaluationArchive } from '../saved-evaluations';
import type { EncodedCacheEntry, ModelCacheState } from './protocol';

export const ENCODED_DB = 'latelab-encoded';
export const MODEL_CACHE = 'transformers-cache';

interface BatchRecord {
	key: string;
	n: number;
	bytes: ArrayBuffer;
}

/** Same schema as `IndexedDbStore` (version 1, store `batches`, index `byKey`). */
function open(name = ENCODED_DB) {
	return openDB(name, 1, {
		upgrade(db) {
			const store = db.createObjectStore('batches', { keyPath: ['key', 'n'] });
			store.createIndex('byKey', 'key');
		}
	});
}

/**
 * Splits a store key string (`storeKeyString`) back into its readable parts.
 * @example describeKey('dense__latelab-test--tiny__main__fp32__b32__mean-32__ab12__0f0f0f0f').model // 'latelab-test/tiny'
 */
export function describeKey(name: string): Pick<EncodedCacheEntry, 'kind' | 'model' | 'revision' | 'dtype'> {
	const [kind = '?', model = '?', revision = '?', dtype = '?'] = name.split('__');
	return { kind, model: model.replace(/--/g, '/'), revision, dtype };
}

/** Every encoded corpus in IndexedDB with its batch count and size, largest first. */
export async function listEncoded(name = ENCODED_DB): Promise<EncodedCacheEntry[]> {
	if (!globalThis.indexedDB) return [];
	const db = await open(name);
	try {
		const entries = new Map<string, EncodedCacheEntry>();
		let cursor = await db.transaction('batches').store.openCursor();
		while (cursor) {
			const record = cursor.value as BatchRecord;
			const entry = entries.get(record.key) ?? { name: record.key, ...describeKey(record.key), batches: 0, bytes: 0 };
			entry.batches++;
			entry.bytes += record.bytes.byteLength;
			entries.set(record.key, entry);
			cursor = await cursor.continue();
		}
		return [...entries.values()].sort((a, b) => b.bytes - a.bytes);
	} finally {
		db.close();
	}
}

/** Removes one encoded corpus (by key string), or all of them. */
export async function clearEncoded(key?: string, name = ENCODED_DB): Promise<void> {
	if (!globalThis.indexedDB) return;
	const db = await open(name);
	try {
		if (key === undefined) {
			await db.clear('batches');
			return;
		}
		const tx = db.transaction('batches', 'readwrite');
		const keys = await tx.store.index('byKey').getAllKeys(key);
		await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
	} finally {
		db.close();
	}
}

interface CacheStorageLike {
	open(name: string): Promise<Cache>;
	delete(name: string): Promise<boolean>;
}

function storage(): CacheStorageLike | undefined {
	return (globalThis as { caches?: CacheStorageLike }).caches;
}

/** Files and bytes in the model download cache, all models or those whose URL contains `/<model>/`. */
export async function modelCacheState(model?: string): Promise<ModelCacheState> {
	const caches = storage();
	if (!caches) return { files: 0, bytes: 0 };
	const cache = await caches.open(MODEL_CACHE);
	const requests = await cache.keys();
	let files = 0;
	let bytes = 0;
	for (const request of requests) {
		if (model && !request.url.includes(`/${model}/`)) continue;
		if (request.url.includes('latelab-404')) continue;
		files++;
		const response = await cache.match(request);
		bytes += Number(response?.headers.get('content-length') ?? 0) || (response ? (await response.clone().arrayBuffer()).byteLength : 0);
	}
	return { files, bytes };
}

/** Empties the model download cache (models are downloaded again on their next load). */
export async function clearModelCache(): Promise<void> {
	await storage()?.delete(MODEL_CACHE);
}

/** Whether the browser offers both caches here. */
export function cachesAvailable(): boolean {
	return Boolean(globalThis.indexedDB) && Boolean(storage());
}

let evaluations: IndexedDbEvaluationArchive | undefined;

/** The saved evaluations' archive, where this realm has IndexedDB (one connection, opened on first use). */
export function savedEvaluations(): IndexedDbEvaluationArchive | undefined {
	if (!globalThis.indexedDB) return undefined;
	evaluations ??= new IndexedDbEvaluationArchive();
	return evaluations;
}
