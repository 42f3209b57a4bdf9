import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../../src/lib/engine/corpus/index';
import { loadCorpusFromPath, loadQrelsFile } from '../../../src/lib/engine/corpus/node-files';
import { expectError } from './expect-error';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const bad = (name: string) => join(FIXTURES, 'bad', name);

describe('loadCorpusFromPath on a BEIR folder', () => {
	it('loadCorpusFromPath(dir) reads BOM + CRLF corpus, numeric ids, optional titles, ignores metadata', async () => {
		const corpus = await loadCorpusFromPath(join(FIXTURES, 'mini-beir'));
		expect(corpus.name).toBe('mini-beir');
		expect(corpus.docs).toEqual([
			{ id: 'd1', title: 'Heart attack', text: 'Chest pain and shortness of breath.' },
			{ id: '2', title: '', text: 'Myocardial infarction indicators.' },
			{ id: 'd3', title: 'Title only', text: '' },
			{ id: '756', title: '', text: 'Numbered like CACM.' }
		]);
		expect(corpus.queries.map((q) => q.id)).toEqual(['q1', '2', 'q3']);
	});

	it('loadCorpusFromPath(dir) keeps unknown-document judgments, drops unknown-query ones, maps zero-padded ids, and warns with counts', async () => {
		const corpus = await loadCorpusFromPath(join(FIXTURES, 'mini-beir'));
		expect([...corpus.qrels.keys()]).toEqual(['q1', '2']);
		expect(Object.fromEntries(corpus.qrels.get('q1')!)).toEqual({ d1: 2, '2': 1, d9: 1 });
		expect(Object.fromEntries(corpus.qrels.get('2')!)).toEqual({ d3: 1, '756': 0 });
		const text = corpus.warnings.join('\n');
		expect(text).toMatch(/1 judgment\(s\) name 1 document id\(s\) not in the corpus \(e\.g\. "d9"\)/);
		expect(text).toMatch(/1 judgment\(s\) name 1 query id\(s\) not in the queries \(e\.g\. "q7"\); dropped/);
		expect(text).toMatch(/1 judgment\(s\) name document ids with leading zeros.*"0756" -> "756"/);
		expect(corpus.warnings).toHaveLength(3);
	});

	it('loadCorpusFromPath(dir, { split }) reads that split and names the splits found when it is missing', async () => {
		const train = await loadCorpusFromPath(join(FIXTURES, 'mini-beir'), { split: 'train' });
		expect([...train.qrels.keys()]).toEqual(['q3']);
		expect(train.warnings).toEqual([]);
		const error = await expectError(loadCorpusFromPath(join(FIXTURES, 'mini-beir'), { split: 'dev' }), 'FILE_NOT_FOUND');
		expect(error.message).toMatch(/qrels\/dev\.tsv \(splits found: (test, train|train, test)\)/);
	});

	it('loadCorpusFromPath(dir) works with corpus.jsonl alone', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'latelab-corpus-'));
		try {
			await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"x","text":"only docs"}\n');
			const corpus = await loadCorpusFromPath(dir);
			expect(corpus.docs).toHaveLength(1);
			expect(corpus.queries).toEqual([]);
			expect(corpus.qrels.size).toBe(0);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});

	it('loadCorpusFromPath(dir) throws FILE_NOT_FOUND naming corpus.jsonl when the folder lacks it', async () => {
		const error = await expectError(loadCorpusFromPath(join(FIXTURES, 'bad')), 'FILE_NOT_FOUND');
		expect(error.message).toContain(join(FIXTURES, 'bad', 'corpus.jsonl'));
	});

	it('loadCorpusFromPath(path) throws FILE_NOT_FOUND naming a missing path', async () => {
		const error = await expectError(loadCorpusFromPath('/nonexistent/latelab/docs.jsonl'), 'FILE_NOT_FOUND');
		expect(error.message).toContain('/nonexistent/latelab/docs.jsonl');
	});

	it('loadCorpusFromPath(dir, { onProgress }) reports bytes up to the folder total and the document count', async () => {
		const seen: LoadProgress[] = [];
		await loadCorpusFromPath(join(FIXTURES, 'mini-beir'), { onProgress: (p) => seen.push(p) });
		const last = seen[seen.length - 1];
		const size = (f: string) => statSync(join(FIXTURES, 'mini-beir', f)).size;
		expect(last.totalBytes).toBe(size('corpus.jsonl') + size('queries.jsonl') + size('qrels/test.tsv'));
		expect(last.bytes).toBe(last.totalBytes);
		expect(Math.max(...seen.map((p) => p.docs))).toBe(4);
	});
});

describe('loadCorpusFromPath on malformed files', () => {
	it('loadCorpusFromPath(file) reports malformed JSON on its line', async () => {
		await expectError(loadCorpusFromPath(bad('malformed.jsonl')), 'MALFORMED_JSON', { file: bad('malformed.jsonl'), line: 3 });
	});

	it('loadCorpusFromPath(file) reports a duplicate id with both lines', async () => {
		const error = await expectError(loadCorpusFromPath(bad('duplicate.jsonl')), 'DUPLICATE_ID', { line: 5 });
		expect(error.message).toContain('"b"');
		expect(error.message).toContain('first seen on line 2');
	});

	it('loadCorpusFromPath(file, { duplicateIds: "keep-first" }) keeps the first record and warns with both lines', async () => {
		const corpus = await loadCorpusFromPath(bad('duplicate.jsonl'), { duplicateIds: 'keep-first' });
		expect(corpus.docs.map((d) => `${d.id}:${d.text}`)).toEqual(['a:one', 'b:two', 'c:three', 'd:four']);
		expect(corpus.warnings[0]).toContain('"b" on lines 2 and 5');
	});

	it('loadCorpusFromPath(file) reports a missing text field on its line', async () => {
		const error = await expectError(loadCorpusFromPath(bad('missing-text.jsonl')), 'MISSING_FIELD', { line: 2 });
		expect(error.message).toContain('"text"');
	});

	it('loadCorpusFromPath(file) gives a generated id to a user document without one', async () => {
		const corpus = await loadCorpusFromPath(bad('missing-id.jsonl'));
		expect(corpus.docs.map((d) => d.id)).toEqual(['a', 'doc-2']);
	});

	it('loadCorpusFromPath(dir) rejects a BEIR document without _id on its line', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'latelab-corpus-'));
		try {
			await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"a","text":"x"}\n{"id":"b","text":"y"}\n');
			const error = await expectError(loadCorpusFromPath(dir), 'MISSING_FIELD', { line: 2 });
			expect(error.message).toContain('"_id"');
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});

	it('loadCorpusFromPath(file) rejects a non-string title on its line', async () => {
		await expectError(loadCorpusFromPath(bad('numeric-title.jsonl')), 'BAD_FIELD', { line: 2 });
	});

	it('loadCorpusFromPath(file) throws EMPTY_CORPUS for a file of blank lines', async () => {
		await expectError(loadCorpusFromPath(bad('empty.jsonl')), 'EMPTY_CORPUS', { file: bad('empty.jsonl') });
	});

	it('loadCorpusFromPath(file) reports a Latin-1 byte with its line and byte offset', async () => {
		const error = await expectError(loadCorpusFromPath(bad('latin1.jsonl')), 'NOT_UTF8', { line: 2 });
		const offset = Buffer.byteLength('{"_id": "a", "text": "café"}\n{"_id": "b", "text": "caf');
		expect(error.message).toContain(`byte ${offset}`);
	});

	it('loadCorpusFromPath(file) throws UNKNOWN_FORMAT for an unknown extension unless a format is given', async () => {
		await expectError(loadCorpusFromPath(bad('malformed.jsonl'), { format: 'beir' }), 'UNKNOWN_FORMAT');
		const dir = await mkdtemp(join(tmpdir(), 'latelab-corpus-'));
		try {
			await writeFile(join(dir, 'notes.log'), 'one\ntwo\n');
			await expectError(loadCorpusFromPath(join(dir, 'notes.log')), 'UNKNOWN_FORMAT');
			// The message says what to do in words that hold in the browser and the CLI alike (neither has a format switch).
			await expect(loadCorpusFromPath(join(dir, 'notes.log'))).rejects.toThrow(/expected one of \.jsonl, .*; rename the file so its extension says its format$/);
			expect((await loadCorpusFromPath(join(dir, 'notes.log'), { format: 'txt' })).docs).toHaveLength(2);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});

describe('loadQrelsFile', () => {
	it('loadQrelsFile(path) reads a BEIR qrels file', async () => {
		const qrels = await loadQrelsFile(join(FIXTURES, 'mini-beir', 'qrels', 'test.tsv'));
		expect(qrels.get('q1')?.get('d1')).toBe(2);
		expect(qrels.get('q7')?.get('d1')).toBe(1);
	});

	it('loadQrelsFile(path) reports a non-integer score on its line', async () => {
		await expectError(loadQrelsFile(bad('qrels-score.tsv')), 'BAD_QRELS_LINE', { line: 3 });
	});

	it('loadQrelsFile(path) reports a line with two fields on its line', async () => {
		await expectError(loadQrelsFile(bad('qrels-fields.tsv')), 'BAD_QRELS_LINE', { line: 3 });
	});

	it('loadQrelsFile(path) throws FILE_NOT_FOUND for a missing file', async () => {
		await expectError(loadQrelsFile(bad('nope.tsv')), 'FILE_NOT_FOUND');
	});
});
