/**
 * Encoded-corpus stores, browser-safe part: the interface, the in-memory and IndexedDB stores, the
 * cached batch-wise encoder, sizes and budgets, and the browser's storage quota. The Node disk store
 * is `./node-disk-store`, its budget `./disk-budget` and leases `./lease` (import them only in Node).
 */
export { type EncodedCorpusStore, type StoreKey, MemoryStore, storeKeyString } from './store';
export { IndexedDbStore } from './indexeddb-store';
export { type CorpusEncodeProgress, type EncodeCachedOptions, type EncodeCachedResult, encodeCached } from './encode-cached';
export { type CachedBm25Options, type CachedBm25Result, bm25StoreKey, cachedBm25Index } from './bm25-cached';
export { DEFAULT_CACHE_MAX, cacheBudget, formatSize, parseSize } from './size';
export { type EncodedSize, type EncodedSizeRequest, announceEncodedSize, basicTokenCount, estimateEncodedBytes } from './encoded-size';
export { type StorageEstimate, FREE_SPACE_HINT, PERSIST_THRESHOLD, askPersistence, isQuotaError, quotaError, storageEstimate } from './browser-storage';
