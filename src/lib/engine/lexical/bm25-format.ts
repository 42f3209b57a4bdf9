import { createError } from '../errors';
import type { Doc } from '../types';
import type { ResolvedBm25Options } from './bm25';
import type { InvertedIndex } from './postings';

/**
 * The binary image of a BM25 index (version 1, little-endian, every section 4-byte aligned):
 *
 * | bytes | content |
 * |---|---|
 * | 0-7   | magic `LLBM25IX` |
 * | 8-11  | u32 format version (1) |
 * | 12-15 | u32 checksum: FNV-1a over the 32-bit words from byte 16 to the end |
 * | 16-19 | u32 total length in bytes |
 * | 20-23 | u32 reserved (0) |
 * | 24-   | sections, each a u32 byte length, the bytes, zero padding to 4 |
 *
 * Sections in order: header (UTF-8 JSON: options and counts), docLengths (f32 x nDocs),
 * postingsStart (u32 x nTerms + 1), postingDocs and postingTfs (u32 x nPostings), then string
 * tables for terms, document ids, titles and texts. A string table is a u32 count, count + 1 u32
 * UTF-16 offsets into the decoded text, then the UTF-8 bytes of all strings concatenated.
 */
export interface Bm25Parts {
	options: ResolvedBm25Options;
	docs: Doc[];
	index: InvertedIndex;
}

export const BM25_FORMAT_VERSION = 1;
const MAGIC = 'LLBM25IX';
const PRELUDE = 24;
const KEY = 'BM25 index';

if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) {
	// Typed-array sections are written in platform order; every platform we target is little-endian.
	throw new Error('latelab BM25 serialisation needs a little-endian platform');
}

/**
 * Encodes an index image.
 * @example decodeBm25(encodeBm25(parts)).index.terms // deep-equals parts.index.terms
 */
export function encodeBm25({ options, docs, index }: Bm25Parts): Uint8Array {
	const header = { ...options, nDocs: docs.length, nTerms: index.terms.length, nPostings: index.postingDocs.length };
	const sections: Uint8Array[] = [
		new TextEncoder().encode(JSON.stringify(header)),
		bytesOf(index.docLengths),
		bytesOf(index.postingsStart),
		bytesOf(index.postingDocs),
		bytesOf(index.postingTfs),
		encodeStrings(index.terms),
		encodeStrings(docs.map((d) => d.id)),
		encodeStrings(docs.map((d) => d.title)),
		encodeStrings(docs.map((d) => d.text))
	];
	const total = sections.reduce((sum, s) => sum + 4 + pad4(s.length), PRELUDE);
	const out = new Uint8Array(total);
	const view = new DataView(out.buffer);
	for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
	view.setUint32(8, BM25_FORMAT_VERSION, true);
	view.setUint32(16, total, true);
	let at = PRELUDE;
	for (const section of sections) {
		view.setUint32(at, section.length, true);
		out.set(section, at + 4);
		at += 4 + pad4(section.length);
	}
	view.setUint32(12, checksum(out), true);
	return out;
}

/** Decodes an image; anything malformed throws CACHE_CORRUPT saying what was wrong. */
export function decodeBm25(input: Uint8Array): Bm25Parts {
	// Typed-array views need 4-byte alignment; copy when the caller's view is not aligned.
	const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
	if (bytes.length < PRELUDE) corrupt(`only ${bytes.length} bytes, shorter than the ${PRELUDE}-byte prelude`);
	const magic = String.fromCharCode(...bytes.subarray(0, 8));
	if (magic !== MAGIC) corrupt(`bad magic ${JSON.stringify(magic)}, expected "${MAGIC}" (not a latelab BM25 index)`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
	const version = view.getUint32(8, true);
	if (version !== BM25_FORMAT_VERSION) corrupt(`format version ${version}, this build reads ${BM25_FORMAT_VERSION}; rebuild the index`);
	const total = view.getUint32(16, true);
	if (total !== bytes.length) corrupt(`length ${bytes.length} bytes, the image says ${total} (truncated or padded)`);
	if (checksum(bytes) !== view.getUint32(12, true)) corrupt('checksum mismatch (bytes changed after writing)');

	let at = PRELUDE;
	const next = (): Uint8Array => {
		if (at + 4 > bytes.length) corrupt(`section header past the end at byte ${at}`);
		const length = view.getUint32(at, true);
		if (at + 4 + length > bytes.length) corrupt(`section at byte ${at} runs past the end`);
		const section = bytes.subarray(at + 4, at + 4 + length);
		at += 4 + pad4(length);
		return section;
	};
	let header: ResolvedBm25Options & { nDocs: number; nTerms: number; nPostings: number };
	try {
		header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(next()));
	} catch (error) {
		corrupt(`unreadable header (${(error as Error).message})`);
	}
	const { nDocs, nTerms, nPostings, k1, b, lengthEncoding, analyzer } = header;
	const docLengths = new Float32Array(sized(next(), nDocs * 4, 'docLengths').slice().buffer);
	const postingsStart = new Uint32Array(sized(next(), (nTerms + 1) * 4, 'postingsStart').slice().buffer);
	const postingDocs = new Uint32Array(sized(next(), nPostings * 4, 'postingDocs').slice().buffer);
	const postingTfs = new Uint32Array(sized(next(), nPostings * 4, 'postingTfs').slice().buffer);
	const terms = decodeStrings(next(), nTerms, 'terms');
	const ids = decodeStrings(next(), nDocs, 'ids');
	const titles = decodeStrings(next(), nDocs, 'titles');
	const texts = decodeStrings(next(), nDocs, 'texts');
	if (at !== bytes.length) corrupt(`${bytes.length - at} unexpected bytes after the last section`);
	for (let t = 0; t < nTerms; t++) if (postingsStart[t] > postingsStart[t + 1]) corrupt(`postings of term ${t} end before they start`);
	if (postingsStart[0] !== 0 || postingsStart[nTerms] !== nPostings) corrupt('postings offsets do not span the postings');
	for (const doc of postingDocs) if (doc >= nDocs) corrupt(`a posting names document ${doc} of ${nDocs}`);
	return {
		options: { k1, b, lengthEncoding, analyzer },
		docs: ids.map((id, i) => ({ id, title: titles[i], text: texts[i] })),
		index: { terms, postingsStart, postingDocs, postingTfs, docLengths }
	};
}

function corrupt(detail: string): never {
	throw createError('CACHE_CORRUPT', { key: KEY, detail });
}

function sized(section: Uint8Array, expected: number, name: string): Uint8Array {
	if (!(section.length === expected)) corrupt(`section ${name} has ${section.length} bytes, expected ${expected}`);
	return section;
}

function pad4(n: number): number {
	return (n + 3) & ~3;
}

function bytesOf(array: Float32Array | Uint32Array): Uint8Array {
	return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function encodeStrings(strings: string[]): Uint8Array {
	const utf8 = new TextEncoder().encode(strings.join(''));
	const out = new Uint8Array(4 * (strings.length + 2) + utf8.length);
	const offsets = new Uint32Array(out.buffer, 0, strings.length + 2);
	offsets[0] = strings.length;
	let offset = 0;
	strings.forEach((s, i) => {
		offsets[i + 1] = offset;
		offset += s.length;
	});
	offsets[strings.length + 1] = offset;
	out.set(utf8, 4 * (strings.length + 2));
	return out;
}

function decodeStrings(section: Uint8Array, expected: number, name: string): string[] {
	const tableBytes = 4 * (expected + 2);
	if (section.length < tableBytes) corrupt(`string table ${name} is too short`);
	const table = new Uint32Array(section.slice(0, tableBytes).buffer);
	if (table[0] !== expected) corrupt(`string table ${name} holds ${table[0]} strings, expected ${expected}`);
	let joined: string;
	try {
		joined = new TextDecoder('utf-8', { fatal: true }).decode(section.subarray(tableBytes));
	} catch {
		corrupt(`string table ${name} is not valid UTF-8`);
	}
	if (table[expected + 1] !== joined.length) corrupt(`string table ${name} offsets do not match its text`);
	const strings = new Array<string>(expected);
	for (let i = 0; i < expected; i++) {
		if (table[i + 1] > table[i + 2]) corrupt(`string table ${name} offsets go backwards at ${i}`);
		strings[i] = joined.slice(table[i + 1], table[i + 2]);
	}
	return strings;
}

// FNV-1a over 32-bit words from byte 16 (after the checksum field) to the end.
function checksum(bytes: Uint8Array): number {
	const words = new Uint32Array(bytes.buffer, bytes.byteOffset + 16, (bytes.length - 16) >>> 2);
	let hash = 0x811c9dc5;
	for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 0x01000193);
	return hash >>> 0;
}
