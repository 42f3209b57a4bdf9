import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearDiskCache, listDiskEntries, metaFolder, pruneDiskCache } from '../../../src/lib/engine/store/disk-budget';
import { encodeCached } from '../../../src/lib/engine/store/encode-cached';
import { basicTokenCount, estimateEncodedBytes } from '../../../src/lib/engine/store/encoded-size';
import { acquireLease, leasesOf } from '../../../src/lib/engine/store/lease';
import { NodeDiskStore } from '../../../src/lib/engine/store/node-disk-store';
import { cacheBudget, formatSize, parseSize } from '../../../src/lib/engine/store/size';
import { MemoryStore, storeKeyString, type StoreKey } from '../../../src/lib/engine/store/store';
import { createError } from '../../../src/lib/engine/errors';

const roots: string[] = [];
function freshRoot(): string {
	const dir = mkdtempSync(join(tmpdir(), 'latelab-budget-'));
	roots.push(dir);
	return join(dir, 'encoded');
}
afterAll(() => {
	for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const key = (corpus: string, extra: Partial<StoreKey> = {}): StoreKey => ({ kind: 'colbert', modelId: 'org/model', revision: 'main', dtype: 'fp32', corpus, batchSize: 2, ...extra });
const bytes = (n: number) => new Uint8Array(n).fill(7).buffer;

/** Writes an entry of `size` bytes in one batch and sets its last use `agoMs` in the past. */
async function entry(store: NodeDiskStore, corpus: string, size: number, agoMs: number): Promise<StoreKey> {
	const k = key(corpus);
	await store.writeBatch(k, 0, bytes(size));
	const when = new Date(Date.now() - agoMs);
	utimesSync(join(metaFolder(store.root), `${storeKeyString(k)}.used`), when, when);
	return k;
}

/** A pid that no longer exists: a child that has already exited. */
function deadPid(): number {
	return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('sizes', () => {
	it("parseSize('500MB') is decimal, '1.5GiB' binary, a bare number bytes; garbage is BAD_ARGUMENT naming the setting", () => {
		expect(parseSize('500MB')).toBe(500_000_000);
		expect(parseSize('2G')).toBe(2_000_000_000);
		expect(parseSize('1.5GiB')).toBe(1_610_612_736);
		expect(parseSize('4096')).toBe(4096);
		expect(() => parseSize('lots', 'LATELAB_CACHE_MAX')).toThrow(/LATELAB_CACHE_MAX: expected a size such as 500MB/);
	});

	it('cacheBudget(env) reads LATELAB_CACHE_MAX, default 2 GB; formatSize prints decimal units', () => {
		expect(cacheBudget({})).toBe(2_000_000_000);
		expect(cacheBudget({ LATELAB_CACHE_MAX: '500MB' })).toBe(500_000_000);
		expect(formatSize(15_400_000)).toBe('15.4 MB');
		expect(formatSize(999)).toBe('999 B');
	});

	it('estimateEncodedBytes: dense is one vector per document, ColBERT the pre-tokenized count + 3 markers capped at the document length', () => {
		expect(basicTokenCount("Mars, the red planet's moons.")).toBe(9); // Mars , the red planet ' s moons .
		const dense = estimateEncodedBytes({ kind: 'dense', texts: ['a', 'b', 'c'], dim: 384, batchSize: 32 });
		expect(dense.vectors).toBe(3);
		expect(dense.bytes).toBe(3 * 384 * 4 + 64);
		const colbert = estimateEncodedBytes({ kind: 'colbert', texts: ['red planet.', 'word '.repeat(500)], dim: 96, documentLength: 300, format: 'int8' });
		expect(colbert.vectors).toBe(6 + 300);
		expect(colbert.bytes).toBe(306 * 100 + 64 + 2 * 8);
		expect(colbert.summary).toMatch(/^about 30\.\d kB \(306 token vectors \(estimated\) x 100 B: 96 dims, int8\)$/);
	});
});

describe('disk cache budget (NodeDiskStore, listDiskEntries, pruneDiskCache)', () => {
	it('listDiskEntries(root) describes each entry (model, corpus, format, size, last use), most recent first; folders hold batches only', async () => {
		const store = new NodeDiskStore(freshRoot(), { maxBytes: 10_000 });
		await entry(store, 'old', 100, 60_000);
		const k = await entry(store, 'new', 300, 1_000);
		const listed = await listDiskEntries(store.root);
		expect(listed.map((e) => [e.corpus, e.bytes, e.model, e.format, e.kind])).toEqual([
			['new', 300, 'org/model', 'fp32', 'colbert'],
			['old', 100, 'org/model', 'fp32', 'colbert']
		]);
		expect(listed[0].lastUsed).toBeGreaterThan(listed[1].lastUsed);
		expect(readdirSync(store.folder(k))).toEqual(['batch-000000.bin']);
	});

	it('pruneDiskCache(root, max) removes least-recently-used whole entries until the rest fits', async () => {
		const store = new NodeDiskStore(freshRoot());
		await entry(store, 'a', 400, 30_000);
		await entry(store, 'b', 400, 20_000);
		await entry(store, 'c', 400, 10_000);
		const result = await pruneDiskCache(store.root, 900);
		expect(result.removed.map((e) => e.corpus)).toEqual(['a']);
		expect(result.total).toBe(800);
		expect((await listDiskEntries(store.root)).map((e) => e.corpus)).toEqual(['c', 'b']);
		expect(readdirSync(metaFolder(store.root)).filter((n) => n.includes('__a__'))).toEqual([]);
	});

	it('a listed read marks an entry used: the entry read last survives a prune', async () => {
		const store = new NodeDiskStore(freshRoot());
		const a = await entry(store, 'a', 400, 30_000);
		await entry(store, 'b', 400, 20_000);
		await store.listBatches(a);
		await pruneDiskCache(store.root, 500);
		expect((await listDiskEntries(store.root)).map((e) => e.corpus)).toEqual(['a']);
	});

	it('an entry leased by a live process is never evicted; a stale lease of a dead pid is ignored', async () => {
		const store = new NodeDiskStore(freshRoot());
		const a = await entry(store, 'a', 400, 30_000);
		const b = await entry(store, 'b', 400, 20_000);
		await entry(store, 'c', 400, 10_000);
		const lease = await store.lease(a);
		writeFileSync(join(metaFolder(store.root), `${storeKeyString(b)}.lease-${deadPid()}-dead.json`), JSON.stringify({ pid: deadPid(), host: hostname() }));
		expect((await leasesOf(metaFolder(store.root), storeKeyString(b))).map((l) => l.live)).toEqual([false]);
		const result = await pruneDiskCache(store.root, 500);
		expect(result.inUse.map((e) => e.corpus)).toEqual(['a']);
		expect(result.removed.map((e) => e.corpus)).toEqual(['b', 'c']);
		expect(result.fits).toBe(true);
		await lease.release();
		expect(await leasesOf(metaFolder(store.root), storeKeyString(a))).toEqual([]);
	});

	it('clearDiskCache(root) removes every entry not in use', async () => {
		const store = new NodeDiskStore(freshRoot());
		const a = await entry(store, 'a', 10, 0);
		await entry(store, 'b', 10, 0);
		const lease = await acquireLease(metaFolder(store.root), storeKeyString(a));
		const result = await clearDiskCache(store.root);
		expect(result.removed.map((e) => e.corpus)).toEqual(['b']);
		expect(result.inUse.map((e) => e.corpus)).toEqual(['a']);
		await lease.release();
	});

	it('store.reserve(key, bytes) evicts LRU entries to make room, and refuses with CACHE_BUDGET what exceeds the budget', async () => {
		const store = new NodeDiskStore(freshRoot(), { maxBytes: 1_000 });
		await entry(store, 'a', 400, 30_000);
		await entry(store, 'b', 400, 20_000);
		await store.reserve(key('new'), 500);
		expect((await listDiskEntries(store.root)).map((e) => e.corpus)).toEqual(['b']);
		const error = await store.reserve(key('huge'), 5_000).catch((e) => e);
		expect(error.code).toBe('CACHE_BUDGET');
		expect(error.message).toContain('about 5.0 kB, more than LATELAB_CACHE_MAX = 1.0 kB');
		expect(error.message).toContain('--opt cache=false');
	});

	it('store.reserve refuses when entries in use by another process leave too little room, naming them', async () => {
		const store = new NodeDiskStore(freshRoot(), { maxBytes: 1_000 });
		const a = await entry(store, 'a', 800, 30_000);
		const lease = await store.lease(a);
		const error = await store.reserve(key('new'), 500).catch((e) => e);
		await lease.release();
		expect(error.code).toBe('CACHE_BUDGET');
		expect(error.message).toContain(`pid ${process.pid}`);
		expect(existsSync(store.folder(a))).toBe(true);
	});

	it('new NodeDiskStore(root) with a malformed LATELAB_CACHE_MAX fails with BAD_ARGUMENT', () => {
		const before = process.env.LATELAB_CACHE_MAX;
		process.env.LATELAB_CACHE_MAX = 'big';
		try {
			expect(() => new NodeDiskStore(freshRoot())).toThrow(/LATELAB_CACHE_MAX: expected a size/);
		} finally {
			if (before === undefined) delete process.env.LATELAB_CACHE_MAX;
			else process.env.LATELAB_CACHE_MAX = before;
		}
	});
});

describe('encodeCached with a budget, leases and a full store', () => {
	const codec = {
		toBytes: (batch: number[], start: number) => new Float64Array([start, batch.length, ...batch]).buffer,
		fromBytes: (b: ArrayBuffer) => {
			const a = new Float64Array(b);
			return { batch: [...a.subarray(2)], start: a[0], count: a[1] };
		}
	};
	const encodeRange = (s: number, e: number) => Promise.resolve(Array.from({ length: e - s }, (_, i) => (s + i) * 1.5));

	it('refuses (CACHE_BUDGET) before encoding anything when expectedBytes exceeds the budget', async () => {
		const store = new NodeDiskStore(freshRoot(), { maxBytes: 100 });
		let calls = 0;
		const error = await encodeCached({ store, key: key('x'), total: 4, expectedBytes: 1_000, encode: (s, e) => (calls++, encodeRange(s, e)), ...codec }).catch((e) => e);
		expect(error.code).toBe('CACHE_BUDGET');
		expect(calls).toBe(0);
	});

	it('holds a lease while it runs and leaves none behind', async () => {
		const store = new NodeDiskStore(freshRoot());
		const k = key('leased');
		const seen: boolean[] = [];
		await encodeCached({
			store,
			key: k,
			total: 4,
			encode: async (s, e) => {
				seen.push((await leasesOf(metaFolder(store.root), storeKeyString(k))).some((l) => l.live && l.pid === process.pid));
				return encodeRange(s, e);
			},
			...codec
		});
		expect(seen).toEqual([true, true]);
		expect(await leasesOf(metaFolder(store.root), storeKeyString(k))).toEqual([]);
	});

	it('STORAGE_FULL on a write stops the encoding with what to free; finished batches are kept and the next run resumes with the same result', async () => {
		const memory = new MemoryStore();
		let writes = 0;
		const full = Object.assign(Object.create(memory) as MemoryStore, {
			label: 'IndexedDB test',
			async writeBatch(k: StoreKey, n: number, b: ArrayBuffer) {
				if (++writes === 3) throw createError('STORAGE_FULL', { detail: 'the browser quota is used up; free space in the cache list' });
				return memory.writeBatch(k, n, b);
			}
		});
		const k = key('quota');
		const error = await encodeCached({ store: full, key: k, total: 10, encode: encodeRange, ...codec }).catch((e) => e);
		expect(error.code).toBe('STORAGE_FULL');
		expect(error.message).toContain('free space in the cache list');
		expect(error.message).toContain('Stopped after 4 of 10 documents; the 2 finished batch(es) are kept in IndexedDB test');
		expect(await memory.listBatches(k)).toEqual([0, 1]);
		let encodedAgain = 0;
		const resumed = await encodeCached({ store: memory, key: k, total: 10, encode: (s, e) => (encodedAgain++, encodeRange(s, e)), ...codec });
		expect(resumed.fromStore).toBe(2);
		expect(encodedAgain).toBe(3);
		const clean = await encodeCached({ store: new MemoryStore(), key: k, total: 10, encode: encodeRange, ...codec });
		expect(resumed.batches).toEqual(clean.batches);
	});
});
