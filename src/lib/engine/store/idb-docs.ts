/**
 * What the IndexedDB stores share: opening through a given factory, and for the two that keep fp32
 * document vectors (`IndexedDbFp32Store`, rescoring's side store; `IndexedDbVectorsStore`, a vectors
 * folder's copy) one record per document and reading records back in the order asked.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';

/** One document as stored: its shape and exactly its `rows * dim` floats. */
export interface DocRecord {
	rows: number;
	dim: number;
	data: ArrayBuffer;
}

/**
 * Runs `open` with `factory` as `globalThis.indexedDB`, then puts the global back: idb opens through
 * the global, and tests pass fake-indexeddb's factory.
 * @example const db = withIndexedDb(factory, () => openDB('latelab-fp32', 1, { upgrade }))
 */
export function withIndexedDb<T>(factory: IDBFactory | undefined, open: () => T): T {
	const previous = globalThis.indexedDB;
	if (factory !== previous) (globalThis as { indexedDB?: IDBFactory }).indexedDB = factory;
	try {
		return open();
	} finally {
		if (factory !== previous) (globalThis as { indexedDB?: IDBFactory }).indexedDB = previous;
	}
}

/**
 * The record of one document: a copy of exactly its rows (a batch's documents share one buffer, and
 * IndexedDB would clone all of it).
 * @example docRecord({ data: Float32Array.of(1, 0, 0, 1, 9), rows: 2, dim: 2 }).data.byteLength // 16
 */
export function docRecord(doc: TokenMatrix): DocRecord {
	return { rows: doc.rows, dim: doc.dim, data: doc.data.slice(0, doc.rows * doc.dim).buffer };
}

/**
 * Hands `put` the record of each document of a batch (`i`: its place in `docs`) and returns the bytes
 * of floats queued, for a store's `bytes`.
 * @example store.bytes += putDocs(docs, (record, i) => void tx.store.put(record, first + i));
 */
export function putDocs(docs: readonly TokenMatrix[], put: (record: DocRecord, i: number) => void): number {
	let bytes = 0;
	docs.forEach((doc, i) => {
		const record = docRecord(doc);
		put(record, i);
		bytes += record.data.byteLength;
	});
	return bytes;
}

/** The document a record holds (its floats viewed, not copied). */
export function docOf(rec: DocRecord): TokenMatrix {
	return { data: new Float32Array(rec.data), rows: rec.rows, dim: rec.dim };
}

/** The documents of `records`, read for `rows` (same order); `BAD_ARGUMENT` naming the first row with no record. */
export function docsOf(records: readonly (DocRecord | undefined)[], rows: readonly number[], label: string): TokenMatrix[] {
	return records.map((rec, i) => {
		if (!rec) throw createError('BAD_ARGUMENT', { detail: `${label}: no document ${rows[i]}` });
		return docOf(rec);
	});
}
