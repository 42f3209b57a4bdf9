import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/lib/engine/index/checksum';
import { decodeDenseBatch, decodeMultiVectorBatch, encodeDenseBatch, encodeMultiVectorBatch } from '../../../src/lib/engine/index/serialize';

const dense = { start: 64, matrix: { data: Float32Array.of(1, 2, 3, 4, 5, 6), rows: 2, dim: 3 } };
const multi = {
	start: 2,
	dim: 2,
	docs: [
		{ ids: [101, 7], tokens: ['[CLS]', 'héllo'], matrix: { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 } },
		{ ids: [], tokens: [], matrix: { data: new Float32Array(0), rows: 0, dim: 2 } },
		{ ids: [5], tokens: ['x'], matrix: { data: Float32Array.of(0.6, 0.8), rows: 1, dim: 2 } }
	]
};

const codeOf = (f: () => unknown) => {
	try {
		f();
	} catch (error) {
		return (error as { code?: string }).code;
	}
	return 'no error';
};

describe('batch serialisation', () => {
	it('crc32(bytes) matches the standard check value', () => {
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
	});

	it('decodeDenseBatch(encodeDenseBatch(b)) round-trips start, shape and values', () => {
		const back = decodeDenseBatch(encodeDenseBatch(dense), 'k');
		expect(back.start).toBe(64);
		expect(back.matrix.rows).toBe(2);
		expect(back.matrix.dim).toBe(3);
		expect([...back.matrix.data]).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('decodeMultiVectorBatch(encodeMultiVectorBatch(b)) round-trips ids, tokens (UTF-8) and empty documents', () => {
		const back = decodeMultiVectorBatch(encodeMultiVectorBatch(multi), 'k');
		expect(back.start).toBe(2);
		expect(back.docs.map((d) => d.tokens)).toEqual([['[CLS]', 'héllo'], [], ['x']]);
		expect(back.docs.map((d) => d.ids)).toEqual([[101, 7], [], [5]]);
		expect(back.docs.map((d) => d.matrix.rows)).toEqual([2, 0, 1]);
		expect([...back.docs[2].matrix.data].map((x) => +x.toFixed(6))).toEqual([0.6, 0.8]);
	});

	it('decode*(bytes) reports a truncated (partial) entry as CACHE_CORRUPT', () => {
		const bytes = encodeMultiVectorBatch(multi);
		expect(codeOf(() => decodeMultiVectorBatch(bytes.slice(0, bytes.byteLength - 4), 'k'))).toBe('CACHE_CORRUPT');
		expect(codeOf(() => decodeDenseBatch(encodeDenseBatch(dense).slice(0, 10), 'k'))).toBe('CACHE_CORRUPT');
	});

	it('decode*(bytes) reports one flipped bit in the payload as CACHE_CORRUPT (checksum)', () => {
		const bytes = new Uint8Array(encodeDenseBatch(dense));
		bytes[bytes.length - 3] ^= 0x10;
		expect(codeOf(() => decodeDenseBatch(bytes.buffer, 'k'))).toBe('CACHE_CORRUPT');
	});

	it('decode*(bytes) rejects a batch of the other kind and foreign bytes', () => {
		expect(codeOf(() => decodeMultiVectorBatch(encodeDenseBatch(dense), 'k'))).toBe('CACHE_CORRUPT');
		expect(codeOf(() => decodeDenseBatch(new TextEncoder().encode('{"json": "not a batch at all"}').buffer, 'k'))).toBe('CACHE_CORRUPT');
	});
});
