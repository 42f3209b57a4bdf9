import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// idb checks values against the global IDB classes, so the fake's globals are installed.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../../../src/lib/engine/store/indexeddb-store';
import { NodeDiskStore } from '../../../src/lib/engine/store/node-disk-store';
import { MemoryStore, storeKeyString, type EncodedCorpusStore, type StoreKey } from '../../../src/lib/engine/store/store';
import { encodeCached } from '../../../src/lib/engine/store/encode-cached';
import { decodeDenseBatch, encodeDenseBatch } from '../../../src/lib/engine/index/serialize';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const key: StoreKey = { modelId: 'org/model', revision: 'main', dtype: 'fp32', corpus: 'ab'.repeat(32), kind: 'dense', batchSize: 4 };
const other: StoreKey = { ...key, dtype: 'q8' };
const bytes = (...values: number[]) => Uint8Array.from(values).buffer;

const idb = new IndexedDbStore('latelab-test', new IDBFactory());
afterAll(() => idb.close());

const stores: [string, () => EncodedCorpusStore][] = [
	['MemoryStore', () => new MemoryStore()],
	['NodeDiskStore', () => new NodeDiskStore(mkdtempSync(join(tmpdir(), 'latelab-store-')))],
	['IndexedDbStore (fake-indexeddb)', () => idb]
];

describe.each(stores)('%s', (_, make) => {
	it('store.writeBatch / readBatch / listBatches keep batches per key', async () => {
		const store = make();
		await store.clear(key);
		await store.clear(other);
		await store.writeBatch(key, 2, bytes(9, 9));
		await store.writeBatch(key, 0, bytes(1, 2, 3));
		await store.writeBatch(other, 5, bytes(7));
		expect(await store.listBatches(key)).toEqual([0, 2]);
		expect(await store.listBatches(other)).toEqual([5]);
		expect([...new Uint8Array((await store.readBatch(key, 0))!)]).toEqual([1, 2, 3]);
		expect(await store.readBatch(key, 1)).toBeNull();
	});

	it('store.deleteBatch / clear remove only what they name', async () => {
		const store = make();
		await store.clear(key);
		await store.clear(other);
		await store.writeBatch(key, 0, bytes(1));
		await store.writeBatch(key, 1, bytes(2));
		await store.writeBatch(other, 0, bytes(3));
		await store.deleteBatch(key, 0);
		expect(await store.listBatches(key)).toEqual([1]);
		await store.clear(key);
		expect(await store.listBatches(key)).toEqual([]);
		expect(await store.listBatches(other)).toEqual([0]);
	});
});

describe.each(stores)('encodeCached through %s', (_, make) => {
	it('encodeCached(opts) resumes from the stored batches and rebuilds a truncated one', async () => {
		const store = make();
		const k: StoreKey = { ...key, kind: 'colbert', corpus: 'resume-test' };
		await store.clear(k);
		const encoded: number[] = [];
		const run = (stopAt = Infinity) => {
			const controller = new AbortController();
			return encodeCached<TokenMatrix>({
				store,
				key: k,
				total: 10,
				signal: controller.signal,
				async encode(start, end) {
					encoded.push(start);
					if (encoded.length >= stopAt) controller.abort();
					return { data: Float32Array.from({ length: (end - start) * 2 }, (_, i) => start + i), rows: end - start, dim: 2 };
				},
				toBytes: (m, start) => encodeDenseBatch({ start, matrix: m }),
				fromBytes: (b, name) => {
					const d = decodeDenseBatch(b, name);
					return { batch: d.matrix, start: d.start, count: d.matrix.rows };
				}
			});
		};
		await expect(run(2)).rejects.toMatchObject({ code: 'CANCELLED' });
		expect(encoded).toEqual([0, 4]);
		const whole = (await store.readBatch(k, 1))!;
		await store.writeBatch(k, 1, whole.slice(0, whole.byteLength - 8));
		const result = await run();
		expect(encoded).toEqual([0, 4, 4, 8]);
		expect(result).toMatchObject({ fromStore: 1, encoded: 2, rebuilt: 1 });
		// Batch at `start` holds start, start + 1, ... (2 floats per document): 4 + 4 + 2 documents.
		const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
		expect(result.batches.flatMap((m) => [...m.data])).toEqual([...range(0, 8), ...range(4, 8), ...range(8, 4)]);
	});
});

describe('NodeDiskStore', () => {
	it('store.listBatches ignores leftover temporary files of an interrupted write', async () => {
		const store = new NodeDiskStore(mkdtempSync(join(tmpdir(), 'latelab-store-')));
		await store.writeBatch(key, 0, bytes(1));
		writeFileSync(join(store.folder(key), 'batch-000001.bin.123.abc.tmp'), 'half');
		expect(await store.listBatches(key)).toEqual([0]);
		expect(readdirSync(store.folder(key)).length).toBe(2);
	});
});

describe('storeKeyString', () => {
	it('storeKeyString(key) differs for every field and is file-name safe', () => {
		const names = [key, other, { ...key, revision: 'v2' }, { ...key, corpus: 'cd'.repeat(32) }, { ...key, batchSize: 8 }, { ...key, kind: 'colbert' as const }, { ...key, variant: 'cls' }, { ...key, modelId: 'org/model2' }].map(storeKeyString);
		expect(new Set(names).size).toBe(names.length);
		for (const n of names) expect(n).toMatch(/^[A-Za-z0-9._-]+$/);
	});
});
