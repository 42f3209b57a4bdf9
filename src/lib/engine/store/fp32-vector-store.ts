/**
 * Where the exact fp32 document vectors wait for rescoring (`--opt rescore=<n>` with a compressed
 * storage format): outside the scoring memory, as real systems keep them (Qdrant's originals on disk,
 * OpenSearch's `_source`). The CLI uses a temporary file (`node-fp32-vector-store.ts`), the browser
 * IndexedDB (`IndexedDbFp32Store` below); `MemoryFp32Store` is for tests and hosts without either.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { createError } from '../errors';
import type { ReadAllocator, TokenMatrix } from '../types';
import { docsOf, putDocs, withIndexedDb } from './idb-docs';

/** Per-document fp32 multi-vectors, written once in row order, read back by row. */
export interface Fp32VectorStore {
	/** Where the vectors live, for messages (`temporary file /tmp/...`, `IndexedDB latelab-fp32`). */
	readonly label: string;
	/** Appends documents `first .. first + docs.length` (rows must arrive in order, without gaps). */
	putBatch(first: number, docs: readonly TokenMatrix[]): Promise<void>;
	/** The documents at `rows`, in that order. */
	get(rows: readonly number[]): Promise<TokenMatrix[]>;
	/**
	 * The same, read synchronously into bytes the caller provides: `allocate(bytes, documents)` returns
	 * where (the exact rescorer's kernel memory, so the vectors are not copied again). Stores with
	 * synchronous reads have it (OPFS); the others are read with `get`.
	 */
	readInto?(rows: readonly number[], allocate: ReadAllocator): TokenMatrix[];
	/** Bytes written so far. */
	readonly bytes: number;
	/** Deletes what was written. */
	dispose(): Promise<void>;
}

/** `BAD_ARGUMENT` unless a batch starts at `next`, the first document not written yet (stores are written in row order). */
export function checkBatchOrder(next: number, first: number, label: string): void {
	if (first !== next) throw createError('BAD_ARGUMENT', { detail: `${label}: batch starts at document ${first}, expected ${next} (write in order)` });
}

/**
 * In memory (a copy of every document).
 * @example const s = new MemoryFp32Store(); await s.putBatch(0, [m]); (await s.get([0]))[0] // a copy of m
 */
export class MemoryFp32Store implements Fp32VectorStore {
	readonly label = 'memory';
	private readonly docs: TokenMatrix[] = [];
	bytes = 0;

	async putBatch(first: number, docs: readonly TokenMatrix[]): Promise<void> {
		checkBatchOrder(this.docs.length, first, this.label);
		for (const d of docs) {
			this.docs.push({ data: d.data.slice(0, d.rows * d.dim), rows: d.rows, dim: d.dim });
			this.bytes += 4 * d.rows * d.dim;
		}
	}

	async get(rows: readonly number[]): Promise<TokenMatrix[]> {
		return rows.map((r) => {
			const d = this.docs[r];
			if (!d) throw createError('BAD_ARGUMENT', { detail: `${this.label}: no document ${r}` });
			return d;
		});
	}

	async dispose(): Promise<void> {
		this.docs.length = 0;
	}
}

interface Fp32Schema extends DBSchema {
	docs: { key: [string, number]; value: { run: string; row: number; rows: number; dim: number; data: ArrayBuffer } };
}

/**
 * Browser: one IndexedDB record per document under `[run, row]`, `run` unique to this store, so two
 * panels never mix their vectors; `dispose` deletes the run's records.
 * @example const s = new IndexedDbFp32Store(); await s.putBatch(0, docs); await s.get([3, 1])
 */
export class IndexedDbFp32Store implements Fp32VectorStore {
	readonly label: string;
	bytes = 0;
	private next = 0;
	private readonly run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
	private db: Promise<IDBPDatabase<Fp32Schema>> | null = null;

	/** `factory` defaults to `globalThis.indexedDB` (tests pass fake-indexeddb's). */
	constructor(
		private readonly name = 'latelab-fp32',
		private readonly factory?: IDBFactory
	) {
		this.label = `IndexedDB ${name}`;
	}

	private open(): Promise<IDBPDatabase<Fp32Schema>> {
		if (!this.db) this.db = withIndexedDb(this.factory ?? globalThis.indexedDB, () => openDB<Fp32Schema>(this.name, 1, { upgrade: (db) => void db.createObjectStore('docs', { keyPath: ['run', 'row'] }) }));
		return this.db;
	}

	async putBatch(first: number, docs: readonly TokenMatrix[]): Promise<void> {
		checkBatchOrder(this.next, first, this.label);
		const db = await this.open();
		const tx = db.transaction('docs', 'readwrite');
		this.bytes += putDocs(docs, (record, i) => void tx.store.put({ run: this.run, row: first + i, ...record }));
		await tx.done;
		this.next += docs.length;
	}

	async get(rows: readonly number[]): Promise<TokenMatrix[]> {
		const db = await this.open();
		const tx = db.transaction('docs', 'readonly');
		return docsOf(await Promise.all(rows.map((r) => tx.store.get([this.run, r]))), rows, this.label);
	}

	async dispose(): Promise<void> {
		if (!this.db) return;
		const db = await this.db;
		await db.delete('docs', IDBKeyRange.bound([this.run, 0], [this.run, Infinity]));
		db.close();
		this.db = null;
	}
}
