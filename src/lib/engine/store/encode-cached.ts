/**
 * Encodes a corpus in fixed-size batches through a store: batches already stored (and intact) are read
 * back, the others are encoded and written as soon as each finishes. Interrupting (AbortSignal) keeps
 * every finished batch, so the next run resumes. A stored batch that fails its integrity check is
 * reported as `CACHE_CORRUPT` (through `onWarning`), deleted and encoded again: never used.
 *
 * With `expectedBytes`, a store with a budget (`reserve`) makes room before anything is encoded, or
 * refuses (`CACHE_BUDGET`). The entry is leased (`lease`) while it is read and written, so no other
 * process evicts it. A full store (`STORAGE_FULL`: browser quota, full disk) stops the encoding with
 * that error: the batches already written stay (each write is whole or absent) and the next run resumes.
 */
import { createError, isLatelabError, type LatelabError } from '../errors';
import type { EncodedCorpusStore, StoreKey } from './store';
import { storeKeyString } from './store';

/** Progress of a corpus encoding: documents done (cached or encoded) of `total`, speed and time left. */
export interface CorpusEncodeProgress {
	stage: string;
	done: number;
	total: number;
	/** Documents per second encoded in this run (cached batches excluded); 0 before the first batch. */
	rate: number;
	/** Seconds left at that rate; undefined before the first encoded batch. */
	etaSeconds?: number;
	/** Documents read from the store. */
	cached: number;
}

export interface EncodeCachedOptions<B> {
	store: EncodedCorpusStore;
	key: StoreKey;
	/** Documents in the corpus. */
	total: number;
	/** Encodes documents `start .. end` (end exclusive). */
	encode(start: number, end: number): Promise<B>;
	toBytes(batch: B, start: number): ArrayBuffer;
	/** Parses stored bytes (throws `CACHE_CORRUPT`); returns the batch and where it says it starts and how many documents it holds. */
	fromBytes(bytes: ArrayBuffer, keyName: string): { batch: B; start: number; count: number };
	stage?: string;
	onProgress?: (p: CorpusEncodeProgress) => void;
	/** Non-fatal problems: corrupt entries (code `CACHE_CORRUPT`), failed writes. */
	onWarning?: (problem: LatelabError) => void;
	signal?: AbortSignal;
	now?: () => number;
	/** Bytes the whole entry will take (see `encoded-size.ts`); passed to the store's `reserve` before encoding. */
	expectedBytes?: number;
}

/** What happened, besides the batches. */
export interface EncodeCachedResult<B> {
	batches: B[];
	/** Batches read from the store / encoded now / found corrupt and rebuilt. */
	fromStore: number;
	encoded: number;
	rebuilt: number;
	encodeMs: number;
}

/**
 * @example
 * const { batches } = await encodeCached({ store, key, total: docs.length, encode: (s, e) => model.encode(texts.slice(s, e)),
 *   toBytes: (m, start) => encodeDenseBatch({ start, matrix: m }), fromBytes: (b, k) => { const d = decodeDenseBatch(b, k); return { batch: d.matrix, start: d.start, count: d.matrix.rows }; } });
 */
export async function encodeCached<B>(options: EncodeCachedOptions<B>): Promise<EncodeCachedResult<B>> {
	const { store, key, total } = options;
	const size = key.batchSize;
	if (!Number.isInteger(size) || size < 1) throw createError('BAD_ARGUMENT', { detail: `batch size must be a positive integer, got ${size}` });
	const stage = options.stage ?? 'encode-corpus';
	const now = options.now ?? (() => performance.now());
	const keyName = storeKeyString(key);
	const nBatches = Math.ceil(total / size);
	const warn = (problem: LatelabError) => options.onWarning?.(problem);
	const lease = await store.lease?.(key).catch(() => undefined);
	try {
		return await encodeLeased(options, { size, stage, now, keyName, nBatches, warn });
	} finally {
		await lease?.release().catch(() => undefined);
	}
}

async function encodeLeased<B>(
	options: EncodeCachedOptions<B>,
	c: { size: number; stage: string; now: () => number; keyName: string; nBatches: number; warn: (problem: LatelabError) => void }
): Promise<EncodeCachedResult<B>> {
	const { store, key, total, signal } = options;
	const { size, stage, now, keyName, nBatches, warn } = c;
	const present = new Set(await store.listBatches(key).catch((error: unknown) => {
		warn(createError('CACHE_CORRUPT', { key: keyName, detail: `cannot list ${store.label}: ${String(error)}; encoding everything` }));
		return [] as number[];
	}));
	const batches: B[] = new Array(nBatches);
	let done = 0;
	let cached = 0;
	let fromStore = 0;
	let encoded = 0;
	let rebuilt = 0;
	let encodedDocs = 0;
	let encodeMs = 0;
	const report = () => {
		const rate = encodeMs > 0 ? (encodedDocs * 1000) / encodeMs : 0;
		const etaSeconds = rate > 0 ? (total - done) / rate : undefined;
		options.onProgress?.({ stage, done, total, rate, etaSeconds, cached });
	};
	report();
	if (options.expectedBytes !== undefined && store.reserve && present.size < nBatches) {
		await store.reserve(key, options.expectedBytes);
	}

	for (let n = 0; n < nBatches; n++) {
		const start = n * size;
		const end = Math.min(total, start + size);
		if (present.has(n)) {
			const loaded = await readValid(options, n, start, end - start, keyName);
			if (loaded.ok) {
				batches[n] = loaded.batch;
				fromStore++;
				cached += end - start;
				done += end - start;
				report();
				continue;
			}
			warn(loaded.error);
			rebuilt++;
			await store.deleteBatch(key, n).catch(() => undefined);
		}
		if (signal?.aborted) {
			throw createError('CANCELLED', { detail: ` after ${done} of ${total} documents; finished batches are kept in ${store.label}, run again to resume` }, {}, signal.reason);
		}
		const t0 = now();
		const batch = await options.encode(start, end);
		encodeMs += now() - t0;
		encodedDocs += end - start;
		batches[n] = batch;
		encoded++;
		done += end - start;
		try {
			await store.writeBatch(key, n, options.toBytes(batch, start));
		} catch (error) {
			if (isLatelabError(error) && error.code === 'STORAGE_FULL') {
				const kept = fromStore + encoded - 1;
				throw createError('STORAGE_FULL', { detail: `${detailOf(error)}. Stopped after ${done - (end - start)} of ${total} documents; the ${kept} finished batch(es) are kept in ${store.label}, run again to resume once space is freed` }, {}, error);
			}
			warn(createError('CACHE_CORRUPT', { key: keyName, detail: `could not write batch ${n} to ${store.label} (${String(error)}); it will be encoded again next time` }));
		}
		report();
	}
	return { batches, fromStore, encoded, rebuilt, encodeMs };
}

// The part after the code's own wording ('storage is full: ').
function detailOf(error: LatelabError): string {
	const at = error.message.indexOf(': ');
	return at >= 0 ? error.message.slice(at + 2) : error.message;
}

async function readValid<B>(
	options: EncodeCachedOptions<B>,
	n: number,
	start: number,
	count: number,
	keyName: string
): Promise<{ ok: true; batch: B } | { ok: false; error: LatelabError }> {
	try {
		const bytes = await options.store.readBatch(options.key, n);
		if (!bytes) return { ok: false, error: createError('CACHE_CORRUPT', { key: keyName, detail: `batch ${n} vanished while reading` }) };
		const parsed = options.fromBytes(bytes, `${keyName} batch ${n}`);
		if (parsed.start !== start || parsed.count !== count) {
			return {
				ok: false,
				error: createError('CACHE_CORRUPT', { key: `${keyName} batch ${n}`, detail: `holds documents ${parsed.start}..${parsed.start + parsed.count}, expected ${start}..${start + count}` })
			};
		}
		return { ok: true, batch: parsed.batch };
	} catch (error) {
		if (isLatelabError(error) && error.code === 'CACHE_CORRUPT') return { ok: false, error };
		return { ok: false, error: createError('CACHE_CORRUPT', { key: `${keyName} batch ${n}`, detail: String(error) }, {}, error) };
	}
}
