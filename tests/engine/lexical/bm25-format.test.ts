import { describe, expect, it } from 'vitest';
import type { Doc } from '../../../src/lib/engine/types';
import { BM25_FORMAT_VERSION, Bm25Index } from '../../../src/lib/engine/lexical';

const docs: Doc[] = [
	{ id: 'a', title: 'Late interaction', text: 'ColBERT scores every query token against every document token.' },
	{ id: 'b', title: '', text: 'BM25 rewards rare terms; café, 東京, ΟΔΟΣ and emoji 🙂 survive the round trip.' },
	{ id: 'c', title: 'Dense retrieval', text: 'One vector per document, cosine similarity, late or early.' },
	{ id: 'ünï', title: 'Empty text', text: '' }
];
const queries = ['late interaction', 'document token', 'café 東京', 'retrieval scores', 'empty', 'nothing here'];
const corruptCode = (bytes: Uint8Array) => {
	try {
		Bm25Index.deserialize(bytes);
	} catch (error) {
		return (error as { code?: string }).code;
	}
	return 'no error';
};

describe('Bm25Index.serialize / deserialize', () => {
	it('Bm25Index.deserialize(index.serialize()) gives identical rankings, scores, options and explanations', () => {
		const index = Bm25Index.build(docs, { k1: 1.1, b: 0.6, analyzer: { stem: false, stopwords: ['the', 'or'] } });
		const bytes = index.serialize();
		expect(bytes).toBeInstanceOf(Uint8Array);
		const copy = Bm25Index.deserialize(bytes);
		expect(copy.options).toEqual(index.options);
		expect(copy.size).toBe(index.size);
		expect(copy.vocabularySize).toBe(index.vocabularySize);
		for (const q of queries) {
			expect(copy.search(q, 10)).toEqual(index.search(q, 10));
			expect(copy.explain(q, 'b')).toEqual(index.explain(q, 'b'));
		}
		expect(copy.document(1)).toEqual(docs[1]);
		expect(copy.document(3)).toEqual(docs[3]);
	});

	it('Bm25Index.deserialize(bytes) reads an image at an unaligned offset', () => {
		const bytes = Bm25Index.build(docs).serialize();
		const shifted = new Uint8Array(bytes.length + 1);
		shifted.set(bytes, 1);
		expect(Bm25Index.deserialize(shifted.subarray(1)).search('token', 3)).toEqual(Bm25Index.build(docs).search('token', 3));
	});

	it('Bm25Index.serialize() writes the magic and version first', () => {
		const bytes = Bm25Index.build(docs).serialize();
		expect(String.fromCharCode(...bytes.subarray(0, 8))).toBe('LLBM25IX');
		expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(BM25_FORMAT_VERSION);
		expect(bytes.length % 4).toBe(0);
	});

	it('Bm25Index.deserialize(bytes) rejects a wrong magic, a newer version and changed bytes with CACHE_CORRUPT', () => {
		const bytes = Bm25Index.build(docs).serialize();
		const badMagic = bytes.slice();
		badMagic[0] = 0x58;
		expect(corruptCode(badMagic)).toBe('CACHE_CORRUPT');
		const newer = bytes.slice();
		new DataView(newer.buffer).setUint32(8, BM25_FORMAT_VERSION + 1, true);
		expect(corruptCode(newer)).toBe('CACHE_CORRUPT');
		for (const at of [20, 40, Math.floor(bytes.length / 2), bytes.length - 1]) {
			const flipped = bytes.slice();
			flipped[at] ^= 0x10;
			expect(corruptCode(flipped)).toBe('CACHE_CORRUPT');
		}
		expect(corruptCode(new TextEncoder().encode('{"not":"an index"}'))).toBe('CACHE_CORRUPT');
	});

	it('Bm25Index.deserialize(bytes) rejects every truncation and trailing bytes with CACHE_CORRUPT', () => {
		const bytes = Bm25Index.build(docs).serialize();
		for (let length = 0; length < bytes.length; length += 7) expect(corruptCode(bytes.subarray(0, length))).toBe('CACHE_CORRUPT');
		const longer = new Uint8Array(bytes.length + 4);
		longer.set(bytes);
		expect(corruptCode(longer)).toBe('CACHE_CORRUPT');
	});

	it('Bm25Index.deserialize(bytes) explains why in the message', () => {
		const bytes = Bm25Index.build(docs).serialize();
		expect(() => Bm25Index.deserialize(bytes.subarray(0, 100))).toThrow(/BM25 index is corrupt: length 100 bytes/);
	});
});
