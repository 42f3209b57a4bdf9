import { describe, expect, it } from 'vitest';
import { bytesSource, corpusName, formatFromName, type LoadProgress, loadUserDocs, stringSource } from '../../../src/lib/engine/corpus/index';
import { expectError } from './expect-error';

describe('formatFromName', () => {
	it('formatFromName(file) maps extensions case-insensitively and rejects unknown ones', async () => {
		expect(formatFromName('notes/Papers.CSV')).toBe('csv');
		expect(formatFromName('a.tsv')).toBe('csv');
		expect(formatFromName('dir.v2/docs.jsonl')).toBe('jsonl');
		expect(formatFromName('readme.md')).toBe('txt');
		await expectError(Promise.resolve().then(() => formatFromName('data.json')), 'UNKNOWN_FORMAT');
		await expectError(Promise.resolve().then(() => formatFromName('Makefile')), 'UNKNOWN_FORMAT');
	});
});

describe('corpusName', () => {
	it('corpusName(file) drops folders and the extension', () => {
		expect(corpusName('dir/My Notes.txt')).toBe('My Notes');
		expect(corpusName('C:\\data\\docs.csv')).toBe('docs');
		expect(corpusName('.hidden')).toBe('.hidden');
	});
});

describe('loadUserDocs', () => {
	it('loadUserDocs(source, { file: .jsonl }) accepts "id" or "_id" and generates the rest', async () => {
		const corpus = await loadUserDocs(stringSource('{"id": "a", "text": "x"}\n{"_id": 5, "title": "T", "text": "y"}\n{"text": "z"}\n'), { file: 'mine.jsonl' });
		expect(corpus.docs).toEqual([
			{ id: 'a', title: '', text: 'x' },
			{ id: '5', title: 'T', text: 'y' },
			{ id: 'doc-3', title: '', text: 'z' }
		]);
		expect(corpus).toMatchObject({ name: 'mine', queries: [], warnings: [] });
		expect(corpus.qrels.size).toBe(0);
	});

	it('loadUserDocs(source, { file: .tsv }) splits on tabs even with a one-column header', async () => {
		const corpus = await loadUserDocs(stringSource('text\nhello, world\nsecond; doc\n'), { file: 'one.tsv' });
		expect(corpus.docs.map((d) => d.text)).toEqual(['hello, world', 'second; doc']);
	});

	it('loadUserDocs(source, { format, csv }) overrides the extension and picks columns', async () => {
		const corpus = await loadUserDocs(stringSource('key,headline,abstract\nk1,H,the abstract\n'), {
			file: 'export.dat',
			format: 'csv',
			csv: { idColumn: 'key', titleColumn: 'headline', textColumn: 'abstract' }
		});
		expect(corpus.docs).toEqual([{ id: 'k1', title: 'H', text: 'the abstract' }]);
	});

	it('loadUserDocs(source, { textMode }) forces the .txt reading', async () => {
		const corpus = await loadUserDocs(stringSource('a\nb\n\nc\nd'), { file: 'x.txt', textMode: 'lines' });
		expect(corpus.docs).toHaveLength(4);
	});

	it('loadUserDocs(source, { size, onProgress }) reports bytes against the given total and the final count', async () => {
		const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
		const seen: LoadProgress[] = [];
		await loadUserDocs(bytesSource(new TextEncoder().encode(text), 64), { file: 'x.txt', size: text.length, onProgress: (p) => seen.push(p) });
		expect(seen.length).toBeGreaterThan(5);
		expect(seen[seen.length - 1]).toEqual({ bytes: text.length, totalBytes: text.length, docs: 50 });
		for (let i = 1; i < seen.length; i++) expect(seen[i].bytes).toBeGreaterThanOrEqual(seen[i - 1].bytes);
	});
});
