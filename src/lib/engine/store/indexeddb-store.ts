/**
 * Browser: the encoded-corpus store in IndexedDB (via `idb`). One object store `batches` with
 * records `{ key, n, bytes }` under the compound key `[key, n]`; a put is one transaction, so a batch
 * is stored whole or not at all. Whatever still gets damaged is caught by the checksum when read.
 *
 * Quota: a write the browser refuses (`QuotaExceededError`) is `STORAGE_FULL` naming what to free
 * (the transaction aborts, so nothing half-written stays); `reserve` compares the expected size of
 * an entry with `navigator.storage.estimate()` before anything is encoded, and asks for persistent
 * storage for a large corpus (`browser-storage.ts`).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { createError } from '../errors';
import { askPersistence, FREE_SPACE_HINT, isQuotaError, quotaError, storageEstimate, type StorageEstimate } from './browser-storage';
import { withIndexedDb } from './idb-docs';
import { formatSize } from './size';
import type { EncodedCorpusStore, StoreKey } from './store';
import { storeKeyString } from './store';

interface BatchRecord {
	key: string;
	n: number;
	bytes: ArrayBuffer;
}

interface EncodedSchema extends DBSchema {
	batches: { key: [string, number]; value: BatchRecord; indexes: { byKey: string } };
}

const VERSION = 1;

/**
 * @example
 * const store = new IndexedDbStore(); // database `latelab-encoded`
 * await store.listBatches(key) // [0, 1, 2] after three finished batches
 */
export class IndexedDbStore implements EncodedCorpusStore {
	readonly label: string;
	private readonly name: string;
	private readonly factory?: IDBFactory;
	private db: Promise<IDBPDatabase<EncodedSchema>> | null = null;

	private readonly estimate: () => Promise<StorageEstimate | null>;
	private readonly persist: (bytes: number) => Promise<boolean>;

	/**
	 * `factory` defaults to `globalThis.indexedDB` (tests pass fake-indexeddb's); `storage` replaces
	 * `navigator.storage`'s estimate and persistence request (tests).
	 */
	constructor(name = 'latelab-encoded', factory?: IDBFactory, storage: { estimate?: () => Promise<StorageEstimate | null>; persist?: (bytes: number) => Promise<boolean> } = {}) {
		this.name = name;
		this.factory = factory;
		this.label = `IndexedDB ${name}`;
		this.estimate = storage.estimate ?? (() => storageEstimate());
		this.persist = storage.persist ?? ((bytes) => askPersistence(bytes));
	}

	private open(): Promise<IDBPDatabase<EncodedSchema>> {
		if (!this.db) {
			this.db = withIndexedDb(this.factory ?? globalThis.indexedDB, () =>
				openDB<EncodedSchema>(this.name, VERSION, {
					upgrade(db) {
						const store = db.createObjectStore('batches', { keyPath: ['key', 'n'] });
						store.createIndex('byKey', 'key');
					}
				})
			);
		}
		return this.db;
	}

	async listBatches(key: StoreKey): Promise<number[]> {
		const db = await this.open();
		const keys = await db.getAllKeysFromIndex('batches', 'byKey', storeKeyString(key));
		return keys.map((k) => k[1]).sort((a, b) => a - b);
	}

	async readBatch(key: StoreKey, n: number): Promise<ArrayBuffer | null> {
		const db = await this.open();
		const record = await db.get('batches', [storeKeyString(key), n]);
		return record ? record.bytes : null;
	}

	async writeBatch(key: StoreKey, n: number, bytes: ArrayBuffer): Promise<void> {
		const db = await this.open();
		try {
			await db.put('batches', { key: storeKeyString(key), n, bytes: bytes.slice(0) });
		} catch (error) {
			if (isQuotaError(error)) throw await quotaError(`batch ${n} (${formatSize(bytes.byteLength)}) of ${storeKeyString(key)}`, error, await this.estimate(), bytes.byteLength);
			throw error;
		}
	}

	/** Bytes stored for `key`. */
	async entryBytes(key: StoreKey): Promise<number> {
		const db = await this.open();
		const records = await db.getAllFromIndex('batches', 'byKey', storeKeyString(key));
		return records.reduce((sum, r) => sum + r.bytes.byteLength, 0);
	}

	/**
	 * Refuses (`STORAGE_FULL`) an entry of `bytes` that the site's quota cannot take beside what is
	 * stored, before anything is encoded; asks for persistent storage when it is large.
	 */
	async reserve(key: StoreKey, bytes: number): Promise<void> {
		const need = Math.max(0, bytes - (await this.entryBytes(key)));
		const e = await this.estimate();
		if (e && e.usage + need > e.quota) {
			throw createError('STORAGE_FULL', {
				detail: `encoding this corpus needs about ${formatSize(need)} more, and this site uses ${formatSize(e.usage)} of its ${formatSize(e.quota)} quota; ${FREE_SPACE_HINT}`
			});
		}
		await this.persist(bytes).catch(() => false);
	}

	async deleteBatch(key: StoreKey, n: number): Promise<void> {
		const db = await this.open();
		await db.delete('batches', [storeKeyString(key), n]);
	}

	async clear(key: StoreKey): Promise<void> {
		const db = await this.open();
		const tx = db.transaction('batches', 'readwrite');
		const keys = await tx.store.index('byKey').getAllKeys(storeKeyString(key));
		await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
	}

	/** Closes the connection (tests; pages just leave it open). */
	async close(): Promise<void> {
		if (this.db) (await this.db).close();
		this.db = null;
	}
}
