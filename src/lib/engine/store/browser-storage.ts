/**
 * Browser: how much the site stores and may store (`navigator.storage.estimate()`), asking for
 * persistent storage (`navigator.storage.persist()`) so that a large encoded corpus is not evicted
 * by the browser under storage pressure, and turning a `QuotaExceededError` into `STORAGE_FULL`
 * with what to free. Typed locally: notebooks compile the engine without the DOM lib. In Node every
 * function answers "unknown" (null / false).
 *
 * @example
 * const s = await storageEstimate(); // { usage: 52_000_000, quota: 2_100_000_000, persisted: false }
 * await askPersistence(600_000_000); // true when the browser granted persistent storage
 */
import { createError, type LatelabError } from '../errors';
import { formatSize } from './size';

/** Corpora at least this large are worth protecting from eviction (persistent storage). */
export const PERSIST_THRESHOLD = 100_000_000;

export interface StorageEstimate {
	usage: number;
	quota: number;
	/** Whether the site's storage is persistent (not evicted under pressure); null when unknown. */
	persisted: boolean | null;
}

interface StorageManagerLike {
	estimate?(): Promise<{ usage?: number; quota?: number }>;
	persist?(): Promise<boolean>;
	persisted?(): Promise<boolean>;
}

function manager(): StorageManagerLike | null {
	return (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage ?? null;
}

/** Usage and quota of this site's storage, or null where the browser does not say. */
export async function storageEstimate(storage: StorageManagerLike | null = manager()): Promise<StorageEstimate | null> {
	if (!storage?.estimate) return null;
	const e = await storage.estimate().catch(() => null);
	if (!e || typeof e.quota !== 'number') return null;
	const persisted = storage.persisted ? await storage.persisted().catch(() => null) : null;
	return { usage: e.usage ?? 0, quota: e.quota, persisted };
}

/**
 * Asks for persistent storage when `bytes` (what the user is about to keep) reaches
 * `PERSIST_THRESHOLD` and the site is not persistent yet. Resolves to whether storage is persistent.
 */
export async function askPersistence(bytes: number, storage: StorageManagerLike | null = manager()): Promise<boolean> {
	if (!storage?.persist) return false;
	if (storage.persisted && (await storage.persisted().catch(() => false))) return true;
	if (bytes < PERSIST_THRESHOLD) return false;
	return storage.persist().catch(() => false);
}

/** True for the browser's quota errors (IndexedDB aborts with `QuotaExceededError`, Cache API throws it). */
export function isQuotaError(error: unknown): boolean {
	const e = error as { name?: string; inner?: { name?: string }; target?: { error?: { name?: string } } } | null;
	return e?.name === 'QuotaExceededError' || e?.inner?.name === 'QuotaExceededError' || e?.target?.error?.name === 'QuotaExceededError';
}

/** What to free, said the same way everywhere in the browser. */
export const FREE_SPACE_HINT =
	'free space in the cache list of the page (remove encoded corpora you no longer need, or model downloads), or in the browser\'s site settings';

/**
 * STORAGE_FULL for a quota error while writing `what` (`bytes` long, when known), with usage and quota
 * when known. The estimate can show room the browser then refuses (Chromium's estimate ignores a
 * quota set for the site, and the disk may be fuller than it says): the message says so rather than
 * leave "1 MB of 10 GB" beside "storage is full" unexplained.
 * @example (await quotaError('batch 3 of dense__...', null)).code // 'STORAGE_FULL'
 */
export async function quotaError(what: string, cause: unknown, estimate?: StorageEstimate | null, bytes?: number): Promise<LatelabError> {
	const e = estimate === undefined ? await storageEstimate() : estimate;
	const roomShown = e && bytes !== undefined && e.usage + bytes <= e.quota;
	const usage = e
		? ` (this site uses ${formatSize(e.usage)} of its ${formatSize(e.quota)} quota${roomShown ? ' by the browser\'s estimate, which shows room the browser did not give: a storage limit set for this site or the disk is full' : ''})`
		: '';
	return createError('STORAGE_FULL', { detail: `the browser refused to store ${what}${usage}; ${FREE_SPACE_HINT}` }, {}, cause);
}
