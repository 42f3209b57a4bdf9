/**
 * A vectors folder loaded in the worker where OPFS is available (a stand-in directory in Node): its
 * fp32 vectors go to one OPFS file, rescoring reads runs of documents from it and ranks as the engine
 * does in memory, stale files of earlier sessions go, and the file goes with the corpus.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMultiVectorCorpus, readDocuments } from '../../src/lib/engine/corpus/multivector-folder';
import { OpfsVectorsStore, VECTORS_FILE_PREFIX } from '../../src/lib/engine/corpus/multivector-opfs';
import { loadMultiVectorFolderFromDisk } from '../../src/lib/engine/corpus/node-multivector-folder';
import { createColbertPipeline } from '../../src/lib/engine/pipelines/late-interaction';
import { loadVectorsCorpus } from '../../src/lib/worker/vectors-corpus';
import { FakeDirectory } from '../engine/corpus/fake-opfs';

const FOLDER = join(process.cwd(), 'static', 'collections', 'synthetic-pages');

function folderBlobs(dir = FOLDER): { path: string; blob: Blob }[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? folderBlobs(path) : [{ path: relative(FOLDER, path), blob: new Blob([readFileSync(path)]) }];
	});
}

describe('loadVectorsCorpus(source, fetch, { opfs })', () => {
	it('writes the folder to one OPFS file, rescoring from it ranks as in memory, stale files go, dispose deletes it', async () => {
		const dir = new FakeDirectory();
		await dir.getFileHandle(`${VECTORS_FILE_PREFIX}earlier-session.f32`, { create: true });
		const loaded = await loadVectorsCorpus({ kind: 'vectors', name: 'synthetic pages', files: folderBlobs() }, fetch, { opfs: dir });
		if (!loaded || !isMultiVectorCorpus(loaded.corpus)) throw new Error('expected a vectors folder');
		const c = loaded.corpus.multivector;
		const store = c.store as OpfsVectorsStore;
		expect(store).toBeInstanceOf(OpfsVectorsStore);
		expect(loaded.vectors.vectorsIn).toBe(`OPFS ${store.name}`);
		expect(store.bytes).toBe(576 * 32 * 4);
		await expect.poll(() => [...dir.files.keys()]).toEqual([store.name]);

		const memory = await loadMultiVectorFolderFromDisk(FOLDER);
		expect((await readDocuments(c, 10, 3)).map((m) => Array.from(m.data))).toEqual([10, 11, 12].map((i) => Array.from(memory.docVectors(i).data)));
		const options = { maxsimBackend: 'js' as const, storage: 'binary', rescore: 20 };
		const q = memory.corpus.queries[2].text;
		const expected = (await (await createColbertPipeline({ corpus: memory.corpus, options })).search(q, 10)).hits;
		const pipeline = await createColbertPipeline({ corpus: loaded.corpus, options });
		const before = { reads: store.reads, calls: store.readCalls };
		const r = await pipeline.search(q, 10);
		expect(r.hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
		r.hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 5));
		expect(store.reads - before.reads).toBe(20);
		expect(store.readCalls - before.calls).toBeLessThanOrEqual(20);
		expect(pipeline.indexStats.rescore?.where).toBe(store.label);
		await pipeline.dispose?.();
		// The panel's shared view of the store leaves the folder's file alone.
		expect([...dir.files.keys()]).toEqual([store.name]);
		await c.dispose!();
		expect([...dir.files.keys()]).toEqual([]);
	});
});
