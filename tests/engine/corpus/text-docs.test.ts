import { describe, expect, it } from 'vitest';
import { loadPastedText, readTextDocs, stringSource } from '../../../src/lib/engine/corpus/index';
import { expectError } from './expect-error';

const texts = async (input: string, mode?: 'auto' | 'lines' | 'blocks') =>
	(await readTextDocs(stringSource(input), { file: 't.txt', mode })).docs.map((d) => d.text);

describe('readTextDocs', () => {
	it('readTextDocs(source) gives one document per line when no blank line separates paragraphs', async () => {
		expect(await texts('first doc\nsecond doc\r\nthird doc\n')).toEqual(['first doc', 'second doc', 'third doc']);
	});

	it('readTextDocs(source) keeps one-line documents separate even with blank lines between them', async () => {
		expect(await texts('first\n\nsecond\n\n\nthird')).toEqual(['first', 'second', 'third']);
	});

	it('readTextDocs(source) switches to blocks when blank lines separate multi-line paragraphs', async () => {
		expect(await texts('Para one\ncontinues here.\n\nPara two.\n\nPara three\nhas\nthree lines.\n')).toEqual([
			'Para one\ncontinues here.',
			'Para two.',
			'Para three\nhas\nthree lines.'
		]);
	});

	it('readTextDocs(source) ignores leading and trailing blank lines when choosing the mode', async () => {
		expect(await texts('\n\nline a\nline b\n\n\n')).toEqual(['line a', 'line b']);
	});

	it('readTextDocs(source, { mode }) forces lines or blocks', async () => {
		const input = 'a1\na2\n\nb1';
		expect(await texts(input, 'lines')).toEqual(['a1', 'a2', 'b1']);
		expect(await texts('x\ny', 'blocks')).toEqual(['x\ny']);
	});

	it('readTextDocs(source) trims lines, drops whitespace-only lines and numbers ids doc-1..n', async () => {
		const { docs } = await readTextDocs(stringSource('  alpha  \n \t \n beta'), { file: 't.txt' });
		expect(docs).toEqual([
			{ id: 'doc-1', title: '', text: 'alpha' },
			{ id: 'doc-2', title: '', text: 'beta' }
		]);
	});

	it('readTextDocs(source) throws EMPTY_CORPUS for blank input', async () => {
		await expectError(readTextDocs(stringSource(' \n\n'), { file: 'blank.txt' }), 'EMPTY_CORPUS', { file: 'blank.txt' });
	});
});

describe('loadPastedText', () => {
	it('loadPastedText(text) follows the .txt rules and names the corpus', async () => {
		const corpus = await loadPastedText('Heart attack symptoms\ninclude chest pain.\n\nMyocardial infarction\nindicators.');
		expect(corpus.docs.map((d) => d.id)).toEqual(['doc-1', 'doc-2']);
		expect(corpus.name).toBe('pasted text');
		expect(corpus.queries).toEqual([]);
	});

	it('loadPastedText(text, { mode: "lines" }) forces one document per line', async () => {
		expect((await loadPastedText('a\nb\n\nc', { mode: 'lines' })).docs).toHaveLength(3);
	});
});
