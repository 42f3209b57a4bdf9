import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { askPersistence, isQuotaError, PERSIST_THRESHOLD, quotaError, storageEstimate } from '../../../src/lib/engine/store/browser-storage';
import { IndexedDbStore } from '../../../src/lib/engine/store/indexeddb-store';
import type { StoreKey } from '../../../src/lib/engine/store/store';

const key: StoreKey = { kind: 'colbert', modelId: 'm', revision: 'main', dtype: 'q8', corpus: 'c', batchSize: 4 };

/** A navigator.storage stand-in. */
function storage(usage: number, quota: number, persisted = false) {
	const calls: string[] = [];
	return {
		calls,
		estimate: async () => ({ usage, quota }),
		persisted: async () => persisted,
		persist: async () => (calls.push('persist'), true)
	};
}

describe('browser storage', () => {
	it('storageEstimate(storage) gives usage, quota and persistence; null without the API', async () => {
		expect(await storageEstimate(storage(5, 100, true))).toEqual({ usage: 5, quota: 100, persisted: true });
		expect(await storageEstimate(null)).toBeNull();
	});

	it('askPersistence(bytes) asks only for a large corpus on a site not yet persistent', async () => {
		const s = storage(0, 1e10);
		expect(await askPersistence(1_000, s)).toBe(false);
		expect(s.calls).toEqual([]);
		expect(await askPersistence(PERSIST_THRESHOLD, s)).toBe(true);
		expect(s.calls).toEqual(['persist']);
		const already = storage(0, 1e10, true);
		expect(await askPersistence(PERSIST_THRESHOLD * 10, already)).toBe(true);
		expect(already.calls).toEqual([]);
	});

	it('isQuotaError recognises a QuotaExceededError, also wrapped in an IDB request; quotaError says what to free and the usage', async () => {
		expect(isQuotaError({ name: 'QuotaExceededError' })).toBe(true);
		expect(isQuotaError({ target: { error: { name: 'QuotaExceededError' } } })).toBe(true);
		expect(isQuotaError(new Error('other'))).toBe(false);
		const error = await quotaError('batch 3 of dense__x', { name: 'QuotaExceededError' }, { usage: 9e8, quota: 1e9, persisted: false });
		expect(error.code).toBe('STORAGE_FULL');
		expect(error.message).toContain('batch 3 of dense__x (this site uses 900.0 MB of its 1.0 GB quota)');
		expect(error.message).toContain('remove encoded corpora');
		expect(error.message).not.toContain('shows room');
	});

	it('quotaError says when the estimate showed room for the refused write (a quota set for the site, a full disk)', async () => {
		const error = await quotaError('batch 0 of colbert__x', { name: 'QuotaExceededError' }, { usage: 64e6, quota: 10.8e9, persisted: false }, 90_000);
		expect(error.message).toContain('this site uses 64.0 MB of its 10.8 GB quota by the browser\'s estimate, which shows room the browser did not give');
		const tight = await quotaError('batch 0 of colbert__x', { name: 'QuotaExceededError' }, { usage: 999_950, quota: 1e6, persisted: false }, 90_000);
		expect(tight.message).not.toContain('shows room');
	});

	it('IndexedDbStore.reserve(key, bytes) refuses with STORAGE_FULL what the quota cannot take, counting what the entry already holds', async () => {
		const s = storage(900, 1_000);
		const store = new IndexedDbStore('quota-test', new IDBFactory(), { estimate: () => storageEstimate(s), persist: (b) => askPersistence(b, s) });
		const error = await store.reserve(key, 500).catch((e) => e);
		expect(error.code).toBe('STORAGE_FULL');
		expect(error.message).toContain('needs about 500 B more, and this site uses 900 B of its 1.0 kB quota');
		await store.writeBatch(key, 0, new Uint8Array(450).buffer);
		await expect(store.reserve(key, 500)).resolves.toBeUndefined();
		await store.close();
	});

	it('IndexedDbStore.reserve asks for persistent storage for a large corpus', async () => {
		const s = storage(0, 1e12);
		const store = new IndexedDbStore('persist-test', new IDBFactory(), { estimate: () => storageEstimate(s), persist: (b) => askPersistence(b, s) });
		await store.reserve(key, PERSIST_THRESHOLD + 1);
		expect(s.calls).toEqual(['persist']);
		await store.close();
	});
});
