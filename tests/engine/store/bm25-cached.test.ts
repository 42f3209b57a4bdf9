import { describe, expect, it } from 'vitest';
import { corpusFingerprint } from '../../../src/lib/engine/corpus/fingerprint';
import { Bm25Index, resolveBm25Options } from '../../../src/lib/engine/lexical/bm25';
import { bm25StoreKey, cachedBm25Index } from '../../../src/lib/engine/store/bm25-cached';
import { MemoryStore, storeKeyString } from '../../../src/lib/engine/store/store';
import type { Doc } from '../../../src/lib/engine/types';

const docs: Doc[] = [
	{ id: 'a', title: 'Hearts', text: 'myocardial infarction indicators and running' },
	{ id: 'b', title: '', text: 'heart attack symptoms: chest pain, runs of palpitations' },
	{ id: 'c', title: 'Banks', text: 'the river bank was flooded; the bank runs a loan desk' }
];
const QUERIES = ['heart attack', 'bank runs', 'running indicators'];

function rankings(index: Bm25Index) {
	return QUERIES.map((q) => index.search(q, 10));
}

describe('bm25StoreKey', () => {
	it('bm25StoreKey(fp, options) differs for another k1, b, analyzer or corpus, and is stable otherwise', () => {
		const name = (fp: string, o: Parameters<typeof resolveBm25Options>[0]) => storeKeyString(bm25StoreKey(fp, resolveBm25Options(o)));
		const base = name('f1', {});
		expect(name('f1', {})).toBe(base);
		expect(name('f1', { k1: 0.9, b: 0.4 })).toBe(base);
		const others = [
			name('f1', { k1: 1.2 }),
			name('f1', { b: 0.75 }),
			name('f1', { analyzer: { stem: false } }),
			name('f1', { analyzer: { stopwords: false } }),
			name('f1', { analyzer: { stopwords: ['the'] } }),
			name('f1', { lengthEncoding: 'lucene' }),
			name('f2', {})
		];
		expect(new Set([base, ...others]).size).toBe(others.length + 1);
		expect(base).toMatch(/^bm25__bm25__format-v\d+__none__b1__/);
	});
});

describe('cachedBm25Index', () => {
	it('cachedBm25Index(store) builds and writes the first time, then reads back an index that ranks identically', async () => {
		const store = new MemoryStore();
		const first = await cachedBm25Index({ docs, options: { k1: 1.1 }, store });
		expect(first.source).toBe('built');
		const key = bm25StoreKey(await corpusFingerprint(docs), resolveBm25Options({ k1: 1.1 }));
		expect(await store.listBatches(key)).toEqual([0]);
		const progress: number[] = [];
		const second = await cachedBm25Index({ docs, options: { k1: 1.1 }, store, onProgress: (done) => progress.push(done) });
		expect(second.source).toBe('store');
		expect(second.buildMs).toBe(0);
		expect(progress).toEqual([docs.length]);
		expect(second.index.options.k1).toBe(1.1);
		expect(rankings(second.index)).toEqual(rankings(first.index));
		expect(rankings(second.index)).toEqual(rankings(Bm25Index.build(docs, { k1: 1.1 })));
	});

	it('cachedBm25Index(store) with other options or other documents builds a new entry', async () => {
		const store = new MemoryStore();
		await cachedBm25Index({ docs, store });
		expect((await cachedBm25Index({ docs, options: { b: 0.75 }, store })).source).toBe('built');
		expect((await cachedBm25Index({ docs, options: { analyzer: { stem: false } }, store })).source).toBe('built');
		const changed = docs.map((d, i) => (i === 1 ? { ...d, text: `${d.text} extra` } : d));
		expect((await cachedBm25Index({ docs: changed, store })).source).toBe('built');
		expect((await cachedBm25Index({ docs, store })).source).toBe('store');
	});

	it.each([
		['a flipped byte (checksum)', (b: Uint8Array) => ((b[b.length - 5] ^= 0xff), b)],
		['truncation', (b: Uint8Array) => b.slice(0, Math.floor(b.length / 2))],
		['bad magic', (b: Uint8Array) => ((b[0] = 0x58), b)],
		['an empty entry', () => new Uint8Array(0)]
	])('cachedBm25Index(store) with %s warns CACHE_CORRUPT once, deletes, rebuilds and stores a good entry', async (_, damage) => {
		const store = new MemoryStore();
		const fingerprint = await corpusFingerprint(docs);
		const key = bm25StoreKey(fingerprint, resolveBm25Options({}));
		const good = await cachedBm25Index({ docs, store, fingerprint });
		const bytes = new Uint8Array((await store.readBatch(key, 0))!);
		await store.writeBatch(key, 0, damage(bytes).slice().buffer);
		const warnings: string[] = [];
		const again = await cachedBm25Index({ docs, store, fingerprint, onWarning: (e) => warnings.push(`${e.code} ${e.message}`) });
		expect(again.source).toBe('built');
		expect(again.rebuilt).toBe(true);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/^CACHE_CORRUPT cache entry bm25__.* is corrupt: /);
		expect(rankings(again.index)).toEqual(rankings(good.index));
		const third = await cachedBm25Index({ docs, store, fingerprint, onWarning: (e) => warnings.push(e.message) });
		expect(third.source).toBe('store');
		expect(warnings).toHaveLength(1);
	});

	it('cachedBm25Index(store) builds anyway when the store fails to list, read or write', async () => {
		const broken = new MemoryStore();
		broken.listBatches = async () => {
			throw new Error('disk on fire');
		};
		broken.writeBatch = async () => {
			throw new Error('quota exceeded');
		};
		const warnings: string[] = [];
		const r = await cachedBm25Index({ docs, store: broken, onWarning: (e) => warnings.push(e.message) });
		expect(r.source).toBe('built');
		expect(rankings(r.index)).toEqual(rankings(Bm25Index.build(docs)));
		expect(warnings.join('\n')).toMatch(/disk on fire/);
		expect(warnings.join('\n')).toMatch(/quota exceeded/);
	});

	it('cachedBm25Index() without a store only builds', async () => {
		const r = await cachedBm25Index({ docs });
		expect(r).toMatchObject({ source: 'built', rebuilt: false, cacheMs: 0 });
		expect(r.key).toBeUndefined();
	});
});
