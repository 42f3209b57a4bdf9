/**
 * A store that counts encoded batches read back and written, for "reused N batches" in the panel. A
 * BM25 first stage keeps its index in the same store (kind `bm25`); that entry is not a batch and is not counted.
 */
import type { EncodedCorpusStore } from '../../engine/store/store';

/** @example const counts = { read: 0, written: 0 }; countingStore(store, counts) // counts.written grows with each batch written */
export function countingStore(store: EncodedCorpusStore, counts: { read: number; written: number }): EncodedCorpusStore {
	return {
		label: store.label,
		listBatches: (key) => store.listBatches(key),
		async readBatch(key, n) {
			const bytes = await store.readBatch(key, n);
			if (bytes && key.kind !== 'bm25') counts.read++;
			return bytes;
		},
		async writeBatch(key, n, bytes) {
			await store.writeBatch(key, n, bytes);
			if (key.kind !== 'bm25') counts.written++;
		},
		deleteBatch: (key, n) => store.deleteBatch(key, n),
		clear: (key) => store.clear(key),
		// The quota check before encoding (STORAGE_FULL naming what to free) and leases pass through.
		...(store.reserve ? { reserve: (key, bytes) => store.reserve!(key, bytes) } : {}),
		...(store.lease ? { lease: (key) => store.lease!(key) } : {})
	};
}
