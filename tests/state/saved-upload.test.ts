/**
 * The upload kept for reloads (src/lib/state/saved-upload.ts) in fake-indexeddb: a file and a vectors
 * folder come back with their bytes, a link naming another upload gets nothing, an upload over the
 * limit is not kept (and forgets the previous one), and forgetting empties it.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { forgetUpload, isUpload, keepUpload, leaveAsRestored, loadUpload, MAX_SAVED_UPLOAD_BYTES, saveUpload, uploadBytes, uploadName, uploadSummary, type UploadSource } from '../../src/lib/state/saved-upload';
import type { CorpusSource } from '../../src/lib/worker/protocol';

const file = (name: string, text: string): UploadSource => ({ kind: 'file', file: new File([text], name, { type: 'text/plain' }) });

describe('saved upload', () => {
	it('keeps the latest upload with its bytes and name, and gives it back only under that name', async () => {
		const factory = new IDBFactory();
		expect(await loadUpload(undefined, factory)).toBeUndefined();
		expect(await saveUpload(file('notes.txt', 'first'), factory)).toBeUndefined();
		expect(await saveUpload(file('more.txt', 'second document\n\nthird'), factory)).toBeUndefined();
		const back = await loadUpload('more.txt', factory);
		expect(back?.kind).toBe('file');
		if (back?.kind !== 'file') throw new Error('expected a file');
		expect(back.file.name).toBe('more.txt');
		expect(back.file.type).toBe('text/plain');
		expect(await back.file.text()).toBe('second document\n\nthird');
		// A link written for the earlier upload does not get this one.
		expect(await loadUpload('notes.txt', factory)).toBeUndefined();
		expect(await uploadSummary(factory)).toEqual({ name: 'more.txt', bytes: 22 });
		await forgetUpload(factory);
		expect(await loadUpload(undefined, factory)).toBeUndefined();
		expect(await uploadSummary(factory)).toBeUndefined();
	});

	it('keeps a vectors folder file by file', async () => {
		const factory = new IDBFactory();
		const folder: UploadSource = { kind: 'vectors', name: 'vectors folder', files: [{ path: 'v/manifest.json', blob: new Blob(['{"dim":2}']) }, { path: 'v/documents.jsonl', blob: new Blob(['{"_id":"d1"}\n']) }] };
		expect(uploadBytes(folder)).toBe(9 + 13);
		expect(await saveUpload(folder, factory)).toBeUndefined();
		const back = await loadUpload(uploadName(folder), factory);
		if (back?.kind !== 'vectors') throw new Error('expected a vectors folder');
		expect(back.files.map((f) => f.path)).toEqual(['v/manifest.json', 'v/documents.jsonl']);
		expect(await back.files[0].blob.text()).toBe('{"dim":2}');
	});

	it('does not keep an upload over the limit, says why, and forgets the one kept before', async () => {
		const factory = new IDBFactory();
		await saveUpload(file('small.txt', 'x'), factory);
		const big: UploadSource = { kind: 'file', file: { name: 'huge.zip', size: MAX_SAVED_UPLOAD_BYTES + 1 } as File };
		expect(await saveUpload(big, factory)).toMatch(/larger than the 512 MiB kept for reloads/);
		expect(await loadUpload(undefined, factory)).toBeUndefined();
	});

	it('says when there is no IndexedDB, and tells uploads from other corpora', async () => {
		const global = globalThis as { indexedDB?: IDBFactory };
		const previous = global.indexedDB;
		delete global.indexedDB;
		try {
			expect(await saveUpload(file('a.txt', 'a'))).toBe('this browser offers no IndexedDB here');
			expect(await loadUpload()).toBeUndefined();
		} finally {
			global.indexedDB = previous;
		}
		expect(isUpload({ kind: 'demo' })).toBe(false);
		expect(isUpload(file('a.txt', 'a'))).toBe(true);
	});

	it('keepUpload(pg, source) keeps an upload once loaded, forgets it for another corpus, leaves what a link restored, and says when it cannot keep one', async () => {
		const factory = new IDBFactory();
		const pg = (source: CorpusSource) => ({ corpusSource: source, corpusNotice: undefined as string | undefined });
		const upload = file('tiny.zip', 'zip bytes');
		await keepUpload(pg(upload), upload, factory);
		expect((await loadUpload('tiny.zip', factory))?.kind).toBe('file');
		// A plain visit restores the demo corpus: the upload stays for the next link that names it.
		const visit: CorpusSource = { kind: 'demo' };
		leaveAsRestored(visit);
		await keepUpload(pg(visit), visit, factory);
		expect(await loadUpload('tiny.zip', factory)).toBeDefined();
		// The user chooses the demo corpus: the upload goes.
		const chosen: CorpusSource = { kind: 'demo' };
		await keepUpload(pg(chosen), chosen, factory);
		expect(await loadUpload(undefined, factory)).toBeUndefined();
		const big: UploadSource = { kind: 'file', file: { name: 'huge.zip', size: MAX_SAVED_UPLOAD_BYTES + 1 } as File };
		const shown = pg(big);
		await keepUpload(shown, big, factory);
		expect(shown.corpusNotice).toBe('huge.zip is not kept for a reload: it is larger than the 512 MiB kept for reloads. After a reload, upload it again.');
	});
});
