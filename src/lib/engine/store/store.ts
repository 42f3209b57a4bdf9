/**
 * The encoded-corpus store: finished batches of document vectors, kept between runs so a corpus is
 * encoded once per (model, revision, dtype, corpus) and an interrupted encoding resumes where it
 * stopped. One interface, three implementations: `MemoryStore` (tests, no persistence),
 * `NodeDiskStore` (`node-disk-store.ts`, files) and `IndexedDbStore` (`indexeddb-store.ts`, browsers).
 * Stores hold opaque bytes; integrity (header, length, checksum) is checked by `index/serialize.ts`.
 * BM25 indexes live here too, as one-batch entries of kind `bm25` (`bm25-cached.ts`), checked by `lexical/bm25-format.ts`.
 */
import { crc32 } from '../index/checksum';

/** What identifies an encoded corpus. Any change gives another entry; nothing is ever reused across them. */
export interface StoreKey {
	/** Hub id or folder of the model. */
	modelId: string;
	revision: string;
	dtype: string;
	/** `corpusFingerprint(docs)`. */
	corpus: string;
	/** What is stored: `dense` vectors, `colbert` token vectors, or a serialised `bm25` index (`bm25-cached.ts`). */
	kind: 'dense' | 'colbert' | 'bm25';
	/** Documents per batch (batches are addressed by number, so this is part of the key). */
	batchSize: number;
	/** Anything else that changes the vectors (pooling, document length, prefix...). */
	variant?: string;
	/** Storage format of the vectors (`fp32` when absent); any other format is part of the key string. */
	format?: string;
}

/**
 * A stable, readable string for a key, safe as a file or database name.
 * @example storeKeyString({ modelId: 'Xenova/x', revision: 'main', dtype: 'fp32', corpus: 'ab12...', kind: 'dense', batchSize: 32 })
 * // 'dense__Xenova--x__main__fp32__b32__ab12...__<crc32 of the exact key>'
 */
export function storeKeyString(key: StoreKey): string {
	const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || '_';
	const parts = [key.kind, safe(key.modelId.replace(/\//g, '--')), safe(key.revision), safe(key.dtype), `b${key.batchSize}`];
	if (key.variant) parts.push(safe(key.variant));
	if (key.format && key.format !== 'fp32') parts.push(safe(key.format));
	parts.push(safe(key.corpus).slice(0, 64));
	// Cleaning and cutting may merge two keys (long folder names); a checksum of the exact key keeps them apart.
	const fields = [key.kind, key.modelId, key.revision, key.dtype, key.batchSize, key.variant ?? '', key.corpus];
	const exact = JSON.stringify(key.format && key.format !== 'fp32' ? [...fields, key.format] : fields);
	parts.push(crc32(new TextEncoder().encode(exact)).toString(16).padStart(8, '0'));
	return parts.join('__');
}

/** Where finished batches are kept. All calls are async, whatever the backing. */
export interface EncodedCorpusStore {
	/** A name for messages, e.g. `disk ~/.cache/latelab/encoded` or `IndexedDB latelab-encoded`. */
	readonly label: string;
	/** Numbers of the batches present (not yet validated), ascending. */
	listBatches(key: StoreKey): Promise<number[]>;
	/** The bytes of batch `n`, or null when absent. */
	readBatch(key: StoreKey, n: number): Promise<ArrayBuffer | null>;
	/** Writes batch `n` completely or not at all (a crash must not leave a half entry that looks whole). */
	writeBatch(key: StoreKey, n: number, bytes: ArrayBuffer): Promise<void>;
	deleteBatch(key: StoreKey, n: number): Promise<void>;
	/** Removes every batch of `key`. */
	clear(key: StoreKey): Promise<void>;
	/**
	 * Optional: marks `key` as in use by this run until `release()`; stores with a budget never evict
	 * an entry in use (disk: a lease file with the pid and a heartbeat, `lease.ts`).
	 */
	lease?(key: StoreKey): Promise<{ release(): Promise<void> }>;
	/**
	 * Optional: makes room for `bytes` (the whole entry of `key`) within the store's budget or quota,
	 * evicting least-recently-used entries not in use. Throws `CACHE_BUDGET` (disk: more than
	 * `LATELAB_CACHE_MAX`) or `STORAGE_FULL` (browser quota) when it cannot, naming what to free.
	 */
	reserve?(key: StoreKey, bytes: number): Promise<void>;
}

/**
 * A store in memory: nothing survives the process. Used by tests and when no persistent store exists.
 * @example const store = new MemoryStore(); await store.writeBatch(key, 0, bytes); await store.listBatches(key) // [0]
 */
export class MemoryStore implements EncodedCorpusStore {
	readonly label = 'memory';
	private readonly entries = new Map<string, Map<number, ArrayBuffer>>();

	private of(key: StoreKey): Map<number, ArrayBuffer> {
		const name = storeKeyString(key);
		let m = this.entries.get(name);
		if (!m) this.entries.set(name, (m = new Map()));
		return m;
	}

	async listBatches(key: StoreKey): Promise<number[]> {
		return [...this.of(key).keys()].sort((a, b) => a - b);
	}

	async readBatch(key: StoreKey, n: number): Promise<ArrayBuffer | null> {
		const bytes = this.of(key).get(n);
		return bytes ? bytes.slice(0) : null;
	}

	async writeBatch(key: StoreKey, n: number, bytes: ArrayBuffer): Promise<void> {
		this.of(key).set(n, bytes.slice(0));
	}

	async deleteBatch(key: StoreKey, n: number): Promise<void> {
		this.of(key).delete(n);
	}

	async clear(key: StoreKey): Promise<void> {
		this.entries.delete(storeKeyString(key));
	}
}
