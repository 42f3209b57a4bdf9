/**
 * A BM25 index through the encoded-corpus store: read back when an intact entry exists for the same
 * corpus and options, else built (`Bm25Index.buildAsync`, real progress) and written. The index is one
 * entry of batch size 1 (batch 0 holds `Bm25Index.serialize()`), keyed by the corpus fingerprint, the
 * resolved BM25 options (k1, b, length encoding, analyzer) and `BM25_FORMAT_VERSION`, so any change
 * gives another entry. A stored entry that fails `Bm25Index.deserialize` (bad magic, version,
 * checksum, truncation) is reported once as `CACHE_CORRUPT` (through `onWarning`), deleted and
 * rebuilt: never used. Store failures (listing, reading, writing) never fail the build.
 */
import { corpusFingerprint } from '../corpus/fingerprint';
import { createError, isLatelabError, type LatelabError } from '../errors';
import { Bm25Index, resolveBm25Options, type Bm25Options, type ResolvedBm25Options } from '../lexical/bm25';
import { BM25_FORMAT_VERSION } from '../lexical/bm25-format';
import type { Doc } from '../types';
import type { EncodedCorpusStore, StoreKey } from './store';
import { storeKeyString } from './store';

/**
 * The store key of a BM25 index: kind `bm25`, the format version as revision, the options as variant.
 * @example bm25StoreKey('ab12...', resolveBm25Options({ k1: 1.2 })).variant // 'k1=1.2,b=0.4,len=exact,stem=true,stop=lucene'
 */
export function bm25StoreKey(corpus: string, options: ResolvedBm25Options): StoreKey {
	const { k1, b, lengthEncoding, analyzer } = options;
	const stop = analyzer.stopwords === true ? 'lucene' : analyzer.stopwords === false ? 'none' : `list:${JSON.stringify(analyzer.stopwords)}`;
	return {
		kind: 'bm25',
		modelId: 'bm25',
		revision: `format-v${BM25_FORMAT_VERSION}`,
		dtype: 'none',
		corpus,
		batchSize: 1,
		variant: `k1=${k1},b=${b},len=${lengthEncoding},stem=${analyzer.stem},stop=${stop}`
	};
}

export interface CachedBm25Options {
	docs: Doc[];
	options?: Bm25Options;
	/** None: build only (as `Bm25Index.buildAsync`). */
	store?: EncodedCorpusStore;
	/** `corpusFingerprint(docs)` when the caller has it already; computed otherwise (only with a store). */
	fingerprint?: string;
	onProgress?: (done: number, total: number) => void;
	/** Non-fatal problems: a corrupt entry (code `CACHE_CORRUPT`), a failed read or write. */
	onWarning?: (problem: LatelabError) => void;
	signal?: AbortSignal;
}

/** The index and where it came from. */
export interface CachedBm25Result {
	index: Bm25Index;
	/** `store`: deserialised from the store; `built`: built now (and written when a store was given). */
	source: 'store' | 'built';
	/** A stored entry was found corrupt, deleted and rebuilt. */
	rebuilt: boolean;
	/** Building (0 when loaded). */
	buildMs: number;
	/** Fingerprint, lookup, read and deserialise, plus serialise and write after a build (0 without a store). */
	cacheMs: number;
	/** The store key string, when a store was used. */
	key?: string;
}

/**
 * @example
 * const { index, source } = await cachedBm25Index({ docs, options: { k1: 1.2 }, store: new NodeDiskStore(dir) });
 * source // 'built' the first time, 'store' the next
 */
export async function cachedBm25Index(request: CachedBm25Options): Promise<CachedBm25Result> {
	const { docs, store, onProgress, signal } = request;
	const build = async () => Bm25Index.buildAsync(docs, request.options ?? {}, { onProgress, signal });
	if (!store) {
		const t0 = performance.now();
		const index = await build();
		return { index, source: 'built', rebuilt: false, buildMs: performance.now() - t0, cacheMs: 0 };
	}
	const t0 = performance.now();
	const key = bm25StoreKey(request.fingerprint ?? (await corpusFingerprint(docs)), resolveBm25Options(request.options));
	// In use while read or written: a budgeted store never evicts it meanwhile.
	const lease = await store.lease?.(key).catch(() => undefined);
	try {
		return await throughStore(request, store, key, build, t0);
	} finally {
		await lease?.release().catch(() => undefined);
	}
}

async function throughStore(request: CachedBm25Options, store: EncodedCorpusStore, key: StoreKey, build: () => Promise<Bm25Index>, t0: number): Promise<CachedBm25Result> {
	const { docs, onProgress } = request;
	const warn = (problem: LatelabError) => request.onWarning?.(problem);
	const keyName = storeKeyString(key);
	const stored = await readStored(store, key, keyName, docs.length);
	if (stored.index) {
		onProgress?.(docs.length, docs.length);
		return { index: stored.index, source: 'store', rebuilt: false, buildMs: 0, cacheMs: performance.now() - t0, key: keyName };
	}
	if (stored.error) {
		warn(stored.error);
		await store.clear(key).catch(() => undefined);
	}
	let cacheMs = performance.now() - t0;
	const t1 = performance.now();
	const index = await build();
	const buildMs = performance.now() - t1;
	const t2 = performance.now();
	try {
		const bytes = index.serialize();
		await store.reserve?.(key, bytes.byteLength);
		await store.writeBatch(key, 0, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
	} catch (error) {
		warn(createError('CACHE_CORRUPT', { key: keyName, detail: `could not write the BM25 index to ${store.label} (${String(error)}); it will be built again next time` }));
	}
	cacheMs += performance.now() - t2;
	return { index, source: 'built', rebuilt: Boolean(stored.error), buildMs, cacheMs, key: keyName };
}

// The stored index, nothing (absent), or why the entry cannot be used.
async function readStored(
	store: EncodedCorpusStore,
	key: StoreKey,
	keyName: string,
	nDocs: number
): Promise<{ index?: Bm25Index; error?: LatelabError }> {
	try {
		const present = await store.listBatches(key);
		if (!present.includes(0)) return {};
		const bytes = await store.readBatch(key, 0);
		if (!bytes) return {};
		const index = Bm25Index.deserialize(new Uint8Array(bytes));
		if (index.size !== nDocs) {
			return { error: createError('CACHE_CORRUPT', { key: keyName, detail: `holds ${index.size} documents, the corpus has ${nDocs}` }) };
		}
		return { index };
	} catch (error) {
		if (isLatelabError(error) && error.code === 'CACHE_CORRUPT') return { error: createError('CACHE_CORRUPT', { key: keyName, detail: detailOf(error) }, {}, error) };
		return { error: createError('CACHE_CORRUPT', { key: keyName, detail: `cannot read it from ${store.label}: ${String(error)}` }, {}, error) };
	}
}

// The decoder names its own placeholder key; keep only what it found wrong.
function detailOf(error: LatelabError): string {
	const at = error.message.indexOf(' is corrupt: ');
	return at >= 0 ? error.message.slice(at + ' is corrupt: '.length) : error.message;
}
