import { describe, expect, it } from 'vitest';
import { bytesSource, endsInsideQuotes, readCsvDocs, stringSource } from '../../../src/lib/engine/corpus/index';
import { expectError } from './expect-error';

const read = (input: string, options: Record<string, string> = {}) => readCsvDocs(stringSource(input), { file: 'd.csv', ...options });

describe('readCsvDocs', () => {
	it('readCsvDocs(source) picks text, id and title columns by name and unquotes fields', async () => {
		const { docs } = await read('ID,Title,Body,extra\n7,"A, B","says ""hi""",x\n8,,plain,y\n');
		expect(docs).toEqual([
			{ id: '7', title: 'A, B', text: 'says "hi"' },
			{ id: '8', title: '', text: 'plain' }
		]);
	});

	it('readCsvDocs(source) keeps newlines inside quoted fields and reports later errors on the right line', async () => {
		const input = 'id,text\n1,"line one\nline two\n\nline four"\n2,ok\n3,too,many\n';
		const error = await expectError(read(input), 'BAD_CSV', { line: 7 });
		expect(error.message).toContain('3 fields');
		const { docs } = await read(input.split('3,too')[0]);
		expect(docs[0].text).toBe('line one\nline two\n\nline four');
	});

	it('readCsvDocs(source) detects semicolon and tab delimiters from the header', async () => {
		expect((await read('id;content\na;x, y\n')).docs[0].text).toBe('x, y');
		expect((await read('text\tid\nhello, there\t5\n')).docs[0]).toEqual({ id: '5', title: '', text: 'hello, there' });
	});

	it('readCsvDocs(source) generates ids when there is no id column', async () => {
		expect((await read('text\nfirst\nsecond\n')).docs.map((d) => d.id)).toEqual(['doc-1', 'doc-2']);
	});

	it('readCsvDocs(source, { textColumn }) uses the given column', async () => {
		expect((await read('id,abstract,text\n1,the abstract,the text\n', { textColumn: 'abstract' })).docs[0].text).toBe('the abstract');
	});

	it('readCsvDocs(source) lists the columns found when no text column exists', async () => {
		const error = await expectError(read('id,summary,year\n1,x,2001\n'), 'BAD_CSV', { line: 1 });
		expect(error.message).toContain('"id", "summary", "year"');
		await expectError(read('id,text\n1,x\n', { textColumn: 'abstract' }), 'BAD_CSV', { line: 1 });
	});

	it('readCsvDocs(source) reports a duplicate id with both lines and a missing id on its line', async () => {
		const error = await expectError(read('id,text\na,x\nb,y\na,z\n'), 'DUPLICATE_ID', { line: 4 });
		expect(error.message).toContain('first seen on line 2');
		await expectError(read('id,text\na,x\n ,y\n'), 'MISSING_FIELD', { line: 3 });
	});

	it('readCsvDocs(source) reports an unclosed quote at the line where the field opened', async () => {
		await expectError(read('id,text\n1,ok\n2,"never closed\n3,more\n'), 'BAD_CSV', { line: 3 });
	});

	it('readCsvDocs(source) accepts a literal quote inside an unquoted field', async () => {
		expect((await read('id,text\n1,a 5" screen\n2,next\n')).docs.map((d) => d.text)).toEqual(['a 5" screen', 'next']);
	});

	it('readCsvDocs(source) works on 3-byte chunks with a BOM and CRLF', async () => {
		const bytes = new TextEncoder().encode('\uFEFFid,text\r\n1,café\r\n2,"a\r\nb"\r\n');
		const { docs } = await readCsvDocs(bytesSource(bytes, 3), { file: 'd.csv' });
		expect(docs).toEqual([
			{ id: '1', title: '', text: 'café' },
			{ id: '2', title: '', text: 'a\nb' }
		]);
	});

	it('readCsvDocs(source) throws EMPTY_CORPUS for a header with no rows', async () => {
		await expectError(read('id,text\n'), 'EMPTY_CORPUS');
		await expectError(read(''), 'EMPTY_CORPUS');
	});
});

describe('endsInsideQuotes', () => {
	it('endsInsideQuotes(line, delimiter, inside) tracks quoted fields, escaped quotes and literal quotes', () => {
		expect(endsInsideQuotes('1,"two', ',', false)).toBe(true);
		expect(endsInsideQuotes('1,"tw""o"', ',', false)).toBe(false);
		expect(endsInsideQuotes('1,5" screen', ',', false)).toBe(false);
		expect(endsInsideQuotes('still inside', ',', true)).toBe(true);
		expect(endsInsideQuotes('end" ,x', ',', true)).toBe(false);
		expect(endsInsideQuotes('a;"b', ';', false)).toBe(true);
	});
});
