import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
	blobSource,
	loadBeirFromBlobs,
	loadUserDocs,
	namedBlobsFromZip,
	type NamedBlob
} from '../../../src/lib/engine/corpus/index';
import { expectError } from './expect-error';

const MINI = resolve(import.meta.dirname, 'fixtures', 'mini-beir');
const blob = (path: string) => new Blob([readFileSync(join(MINI, path))]);
const folder = (prefix: string): NamedBlob[] =>
	['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv', 'qrels/train.tsv'].map((p) => ({ path: prefix + p, blob: blob(p) }));

describe('blobSource', () => {
	it('blobSource(blob) yields every byte of the blob in order', async () => {
		const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
		const parts: Uint8Array[] = [];
		for await (const chunk of blobSource(new Blob([bytes]))) parts.push(chunk);
		const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
		parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
		expect(joined).toEqual(bytes);
	});

	it('loadUserDocs(blobSource(file), { file }) reads a dropped .txt file', async () => {
		const corpus = await loadUserDocs(blobSource(new Blob(['one\ntwo\n'])), { file: 'drop.txt' });
		expect(corpus.docs.map((d) => d.text)).toEqual(['one', 'two']);
		expect(corpus.name).toBe('drop');
	});
});

describe('loadBeirFromBlobs', () => {
	it('loadBeirFromBlobs(files) loads a dropped folder like the Node loader', async () => {
		const corpus = await loadBeirFromBlobs(folder('mini-beir/'));
		expect(corpus.name).toBe('mini-beir');
		expect(corpus.docs.map((d) => d.id)).toEqual(['d1', '2', 'd3', '756']);
		expect([...corpus.qrels.keys()]).toEqual(['q1', '2']);
		expect(corpus.warnings).toHaveLength(3);
	});

	it('loadBeirFromBlobs(files, { split }) reads another split and names the splits found when it is missing', async () => {
		expect([...(await loadBeirFromBlobs(folder(''), { split: 'train' })).qrels.keys()]).toEqual(['q3']);
		const error = await expectError(loadBeirFromBlobs(folder('x/'), { split: 'dev' }), 'FILE_NOT_FOUND');
		expect(error.message).toMatch(/splits found: test, train/);
	});

	it('loadBeirFromBlobs(files) throws FILE_NOT_FOUND without corpus.jsonl', async () => {
		await expectError(loadBeirFromBlobs(folder('').filter((f) => f.path !== 'corpus.jsonl')), 'FILE_NOT_FOUND');
	});

	it('loadBeirFromBlobs(namedBlobsFromZip(zip)) loads a zipped BEIR folder', async () => {
		const zip = zipSync({
			'mini/': {},
			'mini/corpus.jsonl': readFileSync(join(MINI, 'corpus.jsonl')),
			'mini/queries.jsonl': readFileSync(join(MINI, 'queries.jsonl')),
			'mini/qrels/test.tsv': readFileSync(join(MINI, 'qrels/test.tsv')),
			'__MACOSX/mini/._corpus.jsonl': strToU8('junk')
		});
		const files = namedBlobsFromZip(zip);
		expect(files.map((f) => f.path).sort()).toEqual(['mini/corpus.jsonl', 'mini/qrels/test.tsv', 'mini/queries.jsonl']);
		const corpus = await loadBeirFromBlobs(files);
		expect(corpus.name).toBe('mini');
		expect(corpus.docs).toHaveLength(4);
	});

	it('namedBlobsFromZip(bytes) throws UNKNOWN_FORMAT for bytes that are not a zip', async () => {
		await expectError(Promise.resolve().then(() => namedBlobsFromZip(strToU8('not a zip at all'))), 'UNKNOWN_FORMAT');
	});
});
