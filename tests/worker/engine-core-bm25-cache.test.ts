import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Bm25Index } from '../../src/lib/engine/lexical/bm25';
import { IndexedDbStore } from '../../src/lib/engine/store/indexeddb-store';
import { EngineCore } from '../../src/lib/worker/engine-core';
import type { EngineRequest, EngineResponse } from '../../src/lib/worker/protocol';

const PASTED = 'Heart attack symptoms include chest pain.\nMyocardial infarction indicators.\nThe river bank flooded again.\nA bank loan for a heart clinic.';
const load = (id: number, extra: Partial<Extract<EngineRequest, { type: 'load-corpus' }>> = {}): EngineRequest => ({
	type: 'load-corpus',
	id,
	source: { kind: 'pasted', text: PASTED, name: 'notes' },
	...extra
});

function loaded(r: EngineResponse) {
	if (r.type !== 'corpus-loaded') throw new Error(`expected corpus-loaded, got ${JSON.stringify(r)}`);
	return r.corpus;
}

async function hits(core: EngineCore, query: string) {
	const r = await core.handle({ type: 'search', id: 99, panel: 'bm25', query, k: 10 });
	if (r.type !== 'search-result') throw new Error(JSON.stringify(r));
	return r.hits.map((h) => [h.id, h.score]);
}

const stores: IndexedDbStore[] = [];
function freshStore(factory = new IDBFactory()): IndexedDbStore {
	const store = new IndexedDbStore('latelab-encoded', factory);
	stores.push(store);
	return store;
}

afterEach(async () => {
	vi.restoreAllMocks();
	for (const s of stores.splice(0)) await s.close();
});

describe('EngineCore with a BM25 store (fake-indexeddb)', () => {
	it('core.handle(load-corpus) a second time for the same corpus deserialises the stored index instead of building', async () => {
		const factory = new IDBFactory();
		const first = new EngineCore({ bm25Store: freshStore(factory) });
		const a = loaded(await first.handle(load(1)));
		expect(a.timings.map((t) => t.stage)).toEqual(['bm25-index']);
		expect(first.bm25Source).toBe('built');

		// A new page load: another core, another connection to the same database.
		const build = vi.spyOn(Bm25Index, 'buildAsync');
		const deserialize = vi.spyOn(Bm25Index, 'deserialize');
		const second = new EngineCore({ bm25Store: freshStore(factory) });
		const b = loaded(await second.handle(load(2)));
		expect(b.timings.map((t) => t.stage)).toEqual(['bm25-index-load']);
		expect(second.bm25Source).toBe('store');
		expect(build).not.toHaveBeenCalled();
		expect(deserialize).toHaveBeenCalledTimes(1);
		for (const q of ['heart attack', 'bank']) expect(await hits(second, q)).toEqual(await hits(first, q));
	});

	it('core.handle(load-corpus) with other BM25 params builds a separate entry', async () => {
		const factory = new IDBFactory();
		await new EngineCore({ bm25Store: freshStore(factory) }).handle(load(1));
		const other = new EngineCore({ bm25Store: freshStore(factory) });
		loaded(await other.handle(load(2, { bm25: { k1: 1.5, b: 0.9 } })));
		expect(other.bm25Source).toBe('built');
		expect(other.bm25?.options).toMatchObject({ k1: 1.5, b: 0.9 });
	});

	it('core.handle(load-corpus) builds when the stored entry is corrupt, and when IndexedDB fails altogether', async () => {
		const factory = new IDBFactory();
		const store = freshStore(factory);
		const reference = new EngineCore({ bm25Store: store });
		await reference.handle(load(1));
		const key = (await listKeys(store))[0];
		await store.writeBatch(key, 0, new Uint8Array([1, 2, 3]).buffer);
		const afterCorrupt = new EngineCore({ bm25Store: freshStore(factory) });
		loaded(await afterCorrupt.handle(load(2)));
		expect(afterCorrupt.bm25Source).toBe('built');
		expect(await hits(afterCorrupt, 'heart attack')).toEqual(await hits(reference, 'heart attack'));
		const repaired = new EngineCore({ bm25Store: freshStore(factory) });
		await repaired.handle(load(4));
		expect(repaired.bm25Source).toBe('store');

		const broken = freshStore(factory);
		broken.listBatches = async () => {
			throw new Error('IndexedDB is blocked');
		};
		broken.writeBatch = async () => {
			throw new Error('QuotaExceededError');
		};
		const core = new EngineCore({ bm25Store: broken });
		const c = loaded(await core.handle(load(3)));
		expect(c.nDocs).toBe(4);
		expect(core.bm25Source).toBe('built');
		expect(await hits(core, 'heart attack')).toEqual(await hits(reference, 'heart attack'));
	});
});

// The StoreKey of the one BM25 entry, rebuilt from what the core used (bm25StoreKey over the same corpus).
async function listKeys(store: IndexedDbStore) {
	const { bm25StoreKey } = await import('../../src/lib/engine/store/bm25-cached');
	const { corpusFingerprint } = await import('../../src/lib/engine/corpus/fingerprint');
	const { loadPastedText } = await import('../../src/lib/engine/corpus');
	const { resolveBm25Options } = await import('../../src/lib/engine/lexical/bm25');
	const corpus = await loadPastedText(PASTED, { name: 'notes' });
	const key = bm25StoreKey(await corpusFingerprint(corpus.docs), resolveBm25Options({ k1: 0.9, b: 0.4 }));
	expect(await store.listBatches(key)).toEqual([0]);
	return [key];
}
