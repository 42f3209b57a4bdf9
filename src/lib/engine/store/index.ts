/**
 * Encoded-corpus stores, browser-safe part: the interface, the in-memory and IndexedDB stores and the
 * cached batch-wise encoder. The Node disk store is `./node-disk-store` (import it only in Node).
 */
export { type EncodedCorpusStore, type StoreKey, MemoryStore, storeKeyString } from './store';
export { IndexedDbStore } from './indexeddb-store';
export { type CorpusEncodeProgress, type EncodeCachedOptions, type EncodeCachedResult, encodeCached } from './encode-cached';
export { type CachedBm25Options, type CachedBm25Result, bm25StoreKey, cachedBm25Index } from './bm25-cached';
