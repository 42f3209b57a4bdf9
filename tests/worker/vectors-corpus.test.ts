/**
 * A vectors folder in the worker with IndexedDB (fake-indexeddb in Node): its fp32 document vectors
 * are written there while it loads (read by ranges, never whole), the panels stream them into their
 * stored index, rescoring and explanations read them back, and the database goes away with the corpus
 * (or when the load fails). Rankings equal the engine's on the folder held in memory.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { IndexedDbVectorsStore, VECTORS_DB_PREFIX } from '../../src/lib/engine/corpus/multivector-idb';
import { isMultiVectorCorpus, loadMultiVectorFolder, readDocuments } from '../../src/lib/engine/corpus/multivector-folder';
import { bytesRanges, openMultiVectorTensors, readMultiVectorTensors } from '../../src/lib/engine/corpus/multivector-tensors';
import { loadMultiVectorFolderFromDisk } from '../../src/lib/engine/corpus/node-multivector-folder';
import { defaultOptions, type PanelOptions } from '../../src/lib/engine/panels';
import { createColbertPipeline } from '../../src/lib/engine/pipelines/late-interaction';
import { EngineCore } from '../../src/lib/worker/engine-core';
import type { EngineResponse } from '../../src/lib/worker/protocol';
import { expectType, nodeNeuralHost } from './helpers';
import { readFolder, SYNTHETIC_PAGES } from '../support/files';

const FOLDER = SYNTHETIC_PAGES;
const folderFiles = () => readFolder(FOLDER);

const source = (files: Map<string, Uint8Array<ArrayBuffer>>) => ({ kind: 'vectors' as const, name: 'synthetic pages', files: [...files].map(([path, bytes]) => ({ path, blob: new Blob([bytes]) })) });
const vectorDatabases = async () => (await indexedDB.databases()).map((d) => d.name!).filter((n) => n.startsWith(VECTORS_DB_PREFIX));

let core: EngineCore;
let nextId = 1;
const send = (body: Record<string, unknown>): Promise<EngineResponse> => core.handle({ ...body, id: nextId++ } as never);
const opts = (o: Partial<PanelOptions>): PanelOptions => ({ ...defaultOptions(), kernel: 'js', ...o });

beforeAll(async () => {
	core = new EngineCore({ extensions: [(c) => nodeNeuralHost(c)] });
	expectType(await send({ type: 'load-corpus', source: source(folderFiles()) }), 'corpus-loaded');
}, 60_000);

describe('vectors folder kept in IndexedDB', () => {
	it('the ranged reader gives the same vectors as the whole-file reader, and the same errors', async () => {
		const bytes = folderFiles().get('documents.safetensors')!;
		const manifest = { dim: 32, dtype: 'float32' as const };
		const whole = readMultiVectorTensors(bytes, 'documents.safetensors', manifest);
		const ranged = await openMultiVectorTensors(bytesRanges(bytes), 'documents.safetensors', manifest);
		expect(ranged.offsets).toEqual(whole.offsets);
		const items = await ranged.readItems(5, 3);
		expect(items.map((m) => m.rows)).toEqual([12, 12, 12]);
		expect(Array.from(items[1].data)).toEqual(Array.from(whole.vectors.subarray(6 * 12 * 32, 7 * 12 * 32)));
		const bad = bytes.slice();
		const header = Number(new DataView(bad.buffer).getBigUint64(0, true));
		new DataView(bad.buffer).setFloat32(8 + header + 4 * (40 * 12 * 32 + 3), NaN, true);
		const nan = await openMultiVectorTensors(bytesRanges(bad), 'documents.safetensors', manifest);
		await expect(nan.readItems(32, 16)).rejects.toThrow(/row 480 \(item 40\), column 3 is NaN/);
		expect(() => readMultiVectorTensors(bad, 'documents.safetensors', manifest)).toThrow(/row 480 \(item 40\), column 3 is NaN/);
		await expect(openMultiVectorTensors(bytesRanges(bytes.subarray(0, bytes.length - 4)), 'documents.safetensors', manifest)).rejects.toThrow(/truncated/);
	});

	it('load-corpus writes the document vectors to IndexedDB, not memory, and says where they live', async () => {
		const corpus = core.requireCorpus();
		if (!isMultiVectorCorpus(corpus)) throw new Error('expected a vectors folder');
		const c = corpus.multivector;
		expect(c.store).toBeInstanceOf(IndexedDbVectorsStore);
		expect(() => c.docVectors(0)).toThrow(/store/);
		expect(c.store!.bytes).toBe(576 * 32 * 4);
		expect(await vectorDatabases()).toEqual([(c.store as IndexedDbVectorsStore).name]);
		const memory = await loadMultiVectorFolderFromDisk(FOLDER);
		const stored = await readDocuments(c, 10, 4);
		expect(stored.map((m) => Array.from(m.data))).toEqual([10, 11, 12, 13].map((i) => Array.from(memory.docVectors(i).data)));
		const r = expectType(await send({ type: 'load-corpus', source: source(folderFiles()) }), 'corpus-loaded');
		expect(r.corpus.vectors!.vectorsIn).toMatch(/^IndexedDB latelab-vectors-/);
		expect(r.corpus.timings.map((t) => t.stage)).toContain('vectors-load (to IndexedDB)');
		// The folder loaded before is replaced: its database is deleted.
		await expect.poll(vectorDatabases).toHaveLength(1);
	});

	it('binary + rescore reads the fp32 vectors from the folder\'s IndexedDB copy and ranks as the engine does in memory', async () => {
		const corpus = core.requireCorpus();
		if (!isMultiVectorCorpus(corpus)) throw new Error('expected a vectors folder');
		const store = corpus.multivector.store as IndexedDbVectorsStore;
		expectType(await send({ type: 'prepare-panel', panel: 'colbert', options: opts({ storage: 'binary', rescore: 20 }) }), 'panel-prepared');
		const memory = await loadMultiVectorFolderFromDisk(FOLDER);
		const q = memory.corpus.queries[2].text;
		const expected = (await (await createColbertPipeline({ corpus: memory.corpus, options: { maxsimBackend: 'js', storage: 'binary', rescore: 20 } })).search(q, 10)).hits;
		const readsBefore = store.reads;
		const r = expectType(await send({ type: 'search', panel: 'colbert', query: q, k: 10 }), 'search-result');
		expect(r.hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
		r.hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 5));
		expect(store.reads - readsBefore).toBe(20);
		expect(r.timings.map((t) => t.stage)).toContain('rescore');
		// No second copy was written for the panel: the folder's database is the only one.
		expect(await vectorDatabases()).toEqual([store.name]);
		expect(r.kernel).toMatch(/rescore 20 from IndexedDB latelab-vectors-/);
		// Explanations read the one document from IndexedDB too.
		const e = expectType(await send({ type: 'explain-neural', panel: 'colbert', query: q, docId: r.hits[0].id }), 'neural-explanation');
		if (e.view.kind !== 'colbert') throw new Error('expected a colbert view');
		expect(e.view.score).toBeCloseTo(r.hits[0].score, 4);
	});

	it('a bad folder deletes its half-written database and the previous one stays', async () => {
		const before = await vectorDatabases();
		const files = folderFiles();
		const st = files.get('documents.safetensors')!.slice();
		const header = Number(new DataView(st.buffer).getBigUint64(0, true));
		new DataView(st.buffer).setFloat32(8 + header + 4 * (47 * 12 * 32), Infinity, true);
		files.set('documents.safetensors', st);
		expect(expectType(await send({ type: 'load-corpus', source: source(files) }), 'error').error.code).toBe('NOT_FINITE');
		expect(await vectorDatabases()).toEqual(before);
		expectType(await send({ type: 'search', panel: 'colbert', query: core.requireCorpus().queries[0].text, k: 5 }), 'search-result');
		// Another kind of corpus replaces the folder: its database goes too.
		expectType(await send({ type: 'load-corpus', source: { kind: 'demo' } }), 'corpus-loaded');
		await expect.poll(vectorDatabases).toEqual([]);
	});

	it('loadMultiVectorFolder with a store streams batches in order and reports progress', async () => {
		const files = folderFiles();
		const store = new IndexedDbVectorsStore();
		const seen: number[] = [];
		const c = await loadMultiVectorFolder(async (name) => files.get(name), 'pages', { store, batch: 20, onProgress: (done) => seen.push(done) });
		expect(seen).toEqual([20, 40, 48]);
		expect((await store.range(40, 20)).length).toBe(8);
		await c.dispose!();
		expect(await vectorDatabases()).not.toContain(store.name);
	});
});
