/**
 * Where a vectors folder's fp32 document vectors live in the browser: IndexedDB, as a real system
 * keeps its originals on disk (Qdrant's original vectors, OpenSearch's `_source`). The worker writes
 * them once while it loads the folder, every panel streams them batch by batch into its own stored
 * index, rescoring reads the few documents it needs, and explanations read one document. Nothing
 * else keeps them in memory: the worker holds only what each panel's scorer stores.
 *
 * One database per loaded folder (`latelab-vectors-<run>`), one record per document keyed by its
 * row. A folder loaded in an earlier page session leaves its database behind when the page closes
 * without disposing it; `deleteStaleVectorDatabases` removes those (a database another tab still has
 * open is deleted once that tab closes it).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { createError } from '../errors';
import { checkBatchOrder, type Fp32VectorStore } from '../store/fp32-vector-store';
import { docOf, docsOf, putDocs, withIndexedDb, type DocRecord } from '../store/idb-docs';
import type { TokenMatrix } from '../types';

/** Name prefix of the per-folder databases. */
export const VECTORS_DB_PREFIX = 'latelab-vectors-';

interface VectorsSchema extends DBSchema {
	docs: { key: number; value: DocRecord };
}

/**
 * The document vectors of one loaded folder in their own IndexedDB database.
 * @example const s = new IndexedDbVectorsStore(); await s.putBatch(0, docs); (await s.get([2]))[0].rows
 */
export class IndexedDbVectorsStore implements Fp32VectorStore {
	readonly label: string;
	readonly name: string;
	bytes = 0;
	/** Reads so far (documents), for the worker's report and tests. */
	reads = 0;
	private next = 0;
	private db: Promise<IDBPDatabase<VectorsSchema>> | null;
	private readonly factory: IDBFactory;

	/** `factory` defaults to `globalThis.indexedDB` (Node tests pass fake-indexeddb's). */
	constructor(factory?: IDBFactory) {
		const f = factory ?? globalThis.indexedDB;
		if (!f) throw createError('BAD_ARGUMENT', { detail: 'IndexedDB is not available here: vectors folders keep their fp32 vectors in memory instead' });
		this.factory = f;
		this.name = `${VECTORS_DB_PREFIX}${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
		this.label = `IndexedDB ${this.name}`;
		this.db = withIndexedDb(this.factory, () => openDB<VectorsSchema>(this.name, 1, { upgrade: (db) => void db.createObjectStore('docs') }));
	}

	private open(): Promise<IDBPDatabase<VectorsSchema>> {
		if (!this.db) throw createError('BAD_ARGUMENT', { detail: `${this.label} was disposed (the folder was replaced by another corpus)` });
		return this.db;
	}

	async putBatch(first: number, docs: readonly TokenMatrix[]): Promise<void> {
		checkBatchOrder(this.next, first, this.label);
		const db = await this.open();
		const tx = db.transaction('docs', 'readwrite');
		this.bytes += putDocs(docs, (record, i) => void tx.store.put(record, first + i));
		await tx.done;
		this.next += docs.length;
	}

	async get(rows: readonly number[]): Promise<TokenMatrix[]> {
		const db = await this.open();
		const tx = db.transaction('docs', 'readonly');
		const found = await Promise.all(rows.map((r) => tx.store.get(r)));
		this.reads += rows.length;
		return docsOf(found, rows, this.label);
	}

	/** Documents `first .. first + count` in row order (one transaction). */
	async range(first: number, count: number): Promise<TokenMatrix[]> {
		const db = await this.open();
		const last = Math.min(this.next, first + count);
		if (last <= first) return [];
		const values = await db.getAll('docs', IDBKeyRange.bound(first, last - 1));
		this.reads += values.length;
		if (values.length !== last - first) throw createError('BAD_ARGUMENT', { detail: `${this.label}: documents ${first}..${last - 1} are incomplete (${values.length} found)` });
		return values.map(docOf);
	}

	/** Documents written. */
	get size(): number {
		return this.next;
	}

	/** Closes and deletes the database. */
	async dispose(): Promise<void> {
		const pending = this.db;
		this.db = null;
		if (!pending) return;
		try {
			(await pending).close();
		} catch {
			// It never opened: nothing to close, and deleting below is harmless.
		}
		await new Promise<void>((resolve) => {
			const request = this.factory.deleteDatabase(this.name);
			request.onsuccess = request.onerror = request.onblocked = () => resolve();
		});
	}
}

/**
 * Deletes the vectors databases of earlier page sessions except `keep`; resolves once the requests are
 * made (a database still open in another tab is deleted when that tab closes it). No-op where
 * `indexedDB.databases()` is missing.
 * @example await deleteStaleVectorDatabases(store.name)
 */
export async function deleteStaleVectorDatabases(keep: string, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<string[]> {
	if (!factory?.databases) return [];
	const names = (await factory.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith(VECTORS_DB_PREFIX) && n !== keep);
	for (const n of names) factory.deleteDatabase(n);
	return names;
}
