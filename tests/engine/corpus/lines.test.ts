import { describe, expect, it } from 'vitest';
import { bytesSource, firstInvalidUtf8, readLines, stringSource } from '../../../src/lib/engine/corpus/index';
import { expectError } from './expect-error';

async function collect(source: AsyncIterable<Uint8Array>, file = 'f.txt') {
	const out: Array<{ text: string; line: number }> = [];
	for await (const line of readLines(source, { file })) out.push(line);
	return out;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('readLines', () => {
	it('readLines(source) splits on LF and CRLF and yields a final unterminated line', async () => {
		const lines = await collect(stringSource('a\r\nb\nc'));
		expect(lines).toEqual([
			{ text: 'a', line: 1 },
			{ text: 'b', line: 2 },
			{ text: 'c', line: 3 }
		]);
	});

	it('readLines(source) does not yield an empty line after a final newline, but keeps inner empty lines', async () => {
		expect((await collect(stringSource('a\n\nb\n'))).map((l) => l.text)).toEqual(['a', '', 'b']);
	});

	it('readLines(source) strips a leading BOM only', async () => {
		const lines = await collect(stringSource('\uFEFFfirst\n\uFEFFsecond'));
		expect(lines.map((l) => l.text)).toEqual(['first', '\uFEFFsecond']);
	});

	it('readLines(source) strips a BOM split across 1-byte chunks', async () => {
		const lines = await collect(bytesSource(utf8('\uFEFFhé\r\nwörld'), 1));
		expect(lines.map((l) => l.text)).toEqual(['hé', 'wörld']);
	});

	it('readLines(source) decodes multi-byte characters cut by every possible chunk size', async () => {
		const text = 'naïve café\n日本語のテキスト\n😀 emoji\r\nlast';
		const bytes = utf8(text);
		for (let size = 1; size <= 9; size++) {
			const lines = await collect(bytesSource(bytes, size));
			expect(lines.map((l) => l.text)).toEqual(['naïve café', '日本語のテキスト', '😀 emoji', 'last']);
		}
	});

	it('readLines(source) handles a line longer than the internal 1 MiB block', async () => {
		const long = 'x'.repeat(3 * (1 << 20) + 17);
		const lines = await collect(stringSource(`${long}\nshort\n`, 300_000));
		expect(lines.map((l) => l.text.length)).toEqual([long.length, 5]);
	});

	it('readLines(source) throws NOT_UTF8 naming file, line and byte offset of an invalid byte', async () => {
		const bytes = new Uint8Array([...utf8('ok\nstill ok\nbad '), 0xff, ...utf8(' here\nnext\n')]);
		const error = await expectError(collect(bytesSource(bytes, 4), 'docs.jsonl'), 'NOT_UTF8', { file: 'docs.jsonl', line: 3 });
		expect(error.message).toContain('byte 16');
	});

	it('readLines(source) throws NOT_UTF8 for a truncated sequence at the end of the file', async () => {
		const bytes = new Uint8Array([...utf8('a\nb'), 0xe2, 0x82]);
		const error = await expectError(collect(bytesSource(bytes, 2)), 'NOT_UTF8', { line: 2 });
		expect(error.message).toContain('byte 3');
	});

	it('readLines(source) rejects an encoded surrogate (CESU-8) as NOT_UTF8', async () => {
		await expectError(collect(bytesSource(Uint8Array.of(0x61, 0x0a, 0xed, 0xa0, 0x80, 0x0a))), 'NOT_UTF8', { line: 2 });
	});
});

describe('firstInvalidUtf8', () => {
	it('firstInvalidUtf8(bytes) is -1 for valid text and the lead byte index otherwise', () => {
		expect(firstInvalidUtf8(utf8('aé日😀'))).toBe(-1);
		expect(firstInvalidUtf8(Uint8Array.of(0x61, 0xff, 0x62))).toBe(1);
		expect(firstInvalidUtf8(Uint8Array.of(0x61, 0xc0, 0x80))).toBe(1); // overlong
		expect(firstInvalidUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBe(0); // above U+10FFFF
		expect(firstInvalidUtf8(Uint8Array.of(0x61, 0x62, 0xe6, 0x97))).toBe(2); // truncated
	});
});
