/**
 * A streaming line reader over byte chunks: strict UTF-8, BOM and CRLF aware, and never holding more
 * than one block (at most ~1 MiB plus the longest line) of text at a time.
 *
 * Why it splits bytes before decoding: byte 0x0A never occurs inside a multi-byte UTF-8 sequence, so
 * cutting a chunk after its last newline always leaves whole characters on both sides. Each block of
 * complete lines then goes through one fatal `TextDecoder` call (fast), and when that call throws we
 * can still say exactly which line and byte broke, which a decoder in stream mode cannot tell us.
 */
import { concatBytes } from '../concat-bytes';
import { createError } from '../errors';
import type { ByteSource } from './sources';

/** One line of text without its terminator (`\n` or `\r\n`); `line` is 1-based. */
export interface Line {
	text: string;
	line: number;
}

export interface ReadLinesOptions {
	/** File name used in error messages. */
	file: string;
}

const MAX_BLOCK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Yields the lines of a UTF-8 byte stream. A leading BOM (EF BB BF) is dropped; `\r\n` and `\n` both end
 * a line; a final line without a terminator is yielded too, an empty final line is not.
 * Throws `NOT_UTF8` with `{ file, line }` and the absolute byte offset of the first ill-formed sequence.
 * @example
 * for await (const l of readLines(stringSource('\uFEFFa\r\nb'), { file: 'x.txt' })) console.log(l);
 * // { text: 'a', line: 1 }, then { text: 'b', line: 2 }
 */
export async function* readLines(source: ByteSource, options: ReadLinesOptions): AsyncGenerator<Line> {
	const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
	let pending: Uint8Array[] = [];
	let pendingLength = 0;
	/** Lines yielded so far, and the byte offset where `pending` starts. */
	let lineCount = 0;
	let blockOffset = 0;

	const decodeBlock = (bytes: Uint8Array): string[] => {
		let text: string;
		try {
			text = decoder.decode(bytes);
		} catch (cause) {
			const bad = firstInvalidUtf8(bytes);
			const at = bad < 0 ? 0 : bad;
			let line = lineCount + 1;
			for (let i = 0; i < at; i++) if (bytes[i] === NEWLINE) line++;
			throw createError('NOT_UTF8', { offset: blockOffset + at }, { file: options.file, line }, cause);
		}
		blockOffset += bytes.length;
		const parts = text.split('\n');
		if (parts[parts.length - 1] === '') parts.pop();
		return parts;
	};

	const emit = (parts: string[]): Line[] =>
		parts.map((raw) => {
			let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
			if (lineCount === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
			lineCount++;
			return { text, line: lineCount };
		});

	for await (const chunk of source) {
		for (let start = 0; start < chunk.length; start += MAX_BLOCK) {
			const piece = chunk.subarray(start, Math.min(chunk.length, start + MAX_BLOCK));
			const lastNewline = piece.lastIndexOf(NEWLINE);
			if (lastNewline < 0) {
				pending.push(piece);
				pendingLength += piece.length;
				continue;
			}
			const head = piece.subarray(0, lastNewline + 1);
			const block = pendingLength > 0 ? concatBytes([...pending, head], pendingLength + head.length) : head;
			pending = lastNewline + 1 < piece.length ? [piece.subarray(lastNewline + 1)] : [];
			pendingLength = pending.length > 0 ? pending[0].length : 0;
			for (const line of emit(decodeBlock(block))) yield line;
		}
	}
	if (pendingLength > 0) for (const line of emit(decodeBlock(concatBytes(pending, pendingLength)))) yield line;
}

/**
 * Index of the first byte that starts an ill-formed UTF-8 sequence (RFC 3629 table 3-7: no overlongs,
 * no surrogates, nothing above U+10FFFF, no truncated sequence at the end), or -1 when all is valid.
 * @example firstInvalidUtf8(Uint8Array.of(0x61, 0xff, 0x62)) // 1
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
	let i = 0;
	const n = bytes.length;
	const cont = (k: number, lo = 0x80, hi = 0xbf) => k < n && bytes[k] >= lo && bytes[k] <= hi;
	while (i < n) {
		const b = bytes[i];
		if (b < 0x80) {
			i++;
		} else if (b >= 0xc2 && b <= 0xdf) {
			if (!cont(i + 1)) return i;
			i += 2;
		} else if (b >= 0xe0 && b <= 0xef) {
			const lo = b === 0xe0 ? 0xa0 : 0x80;
			const hi = b === 0xed ? 0x9f : 0xbf;
			if (!cont(i + 1, lo, hi) || !cont(i + 2)) return i;
			i += 3;
		} else if (b >= 0xf0 && b <= 0xf4) {
			const lo = b === 0xf0 ? 0x90 : 0x80;
			const hi = b === 0xf4 ? 0x8f : 0xbf;
			if (!cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return i;
			i += 4;
		} else {
			return i;
		}
	}
	return -1;
}
