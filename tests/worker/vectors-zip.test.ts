/**
 * A zip dropped on the corpus bar is a vectors folder when it holds manifest.json and a BEIR collection
 * when it holds corpus.jsonl; when it is neither, the message names the file that is missing, and the
 * previous corpus stays loaded.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { EngineCore } from '../../src/lib/worker/engine-core';
import { loadVectorsCorpus } from '../../src/lib/worker/vectors-corpus';
import type { EngineResponse } from '../../src/lib/worker/protocol';
import { readFolder, SYNTHETIC_PAGES } from '../support/files';

const zipFile = (name: string, entries: Record<string, Uint8Array>) => ({ kind: 'file' as const, file: new File([zipSync(entries)], name) });

describe('a dropped zip', () => {
	it('with vectors but no manifest.json names manifest.json and the tensors it found', async () => {
		const source = zipFile('pages.zip', { 'pages/documents.safetensors': new Uint8Array(16), 'pages/documents.jsonl': strToU8('{"_id":"a"}\n') });
		await expect(loadVectorsCorpus(source, fetch, { indexedDB: undefined })).rejects.toThrow(
			'file not found: manifest.json in pages.zip (a vectors folder needs it beside documents.safetensors; docs/CORPORA.md)'
		);
	});

	it('with neither manifest.json nor corpus.jsonl says which two files would do', async () => {
		await expect(loadVectorsCorpus(zipFile('notes.zip', { 'readme.txt': strToU8('hello') }), fetch)).rejects.toThrow(
			'file not found: manifest.json (a vectors folder) or corpus.jsonl (a BEIR collection) in notes.zip'
		);
	});

	it('with manifest.json loads the vectors folder, its tensors stored (zip -0) or deflated', async () => {
		const files = Object.fromEntries([...readFolder(SYNTHETIC_PAGES)].map(([k, v]) => [`pages/${k}`, v]));
		for (const level of [0, 6] as const) {
			const source = { kind: 'file' as const, file: new File([zipSync(files, { level })], 'pages.zip') };
			const loaded = await loadVectorsCorpus(source, fetch, { indexedDB: undefined });
			expect(loaded?.corpus.docs).toHaveLength(48);
			expect(loaded?.vectors.kind).toBe('image');
			expect(loaded?.corpus.queries).toHaveLength(24);
		}
	});

	it('with corpus.jsonl is left to the BEIR loader', async () => {
		const source = zipFile('beir.zip', { 'set/corpus.jsonl': strToU8('{"_id":"d1","text":"heart attack"}\n') });
		expect(await loadVectorsCorpus(source, fetch)).toBeUndefined();
	});

	it('that is refused keeps the corpus that was loaded', async () => {
		const core = new EngineCore();
		let id = 1;
		const send = (body: Record<string, unknown>): Promise<EngineResponse> => core.handle({ ...body, id: id++ } as never);
		const demo = await send({ type: 'load-corpus', source: { kind: 'demo' } });
		expect(demo.type).toBe('corpus-loaded');
		const bad = await send({ type: 'load-corpus', source: zipFile('pages.zip', { 'documents.safetensors': new Uint8Array(16) }) });
		expect(bad.type).toBe('error');
		expect(JSON.stringify(bad)).toContain('manifest.json in pages.zip');
		const search = await send({ type: 'search', panel: 'bm25', query: 'heart attack', k: 3 });
		expect(search.type).toBe('search-result');
		expect((search as Extract<EngineResponse, { type: 'search-result' }>).hits.length).toBe(3);
	});
});
