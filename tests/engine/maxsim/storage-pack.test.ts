/** The storage kernels' layouts, checked by hand on tiny matrices (see kernels/wasm/storage-template.ts). */
import { expect, it } from 'vitest';
import { binaryBytes, int8DocBytes, int8QueryScale, packDocBinary, packDocInt8, packQueryBinary, packQueryInt8Rows } from '../../../src/lib/engine/maxsim/storage-pack';

it('binaryBytes(dim) is ceil(dim / 8)', () => {
	expect([1, 7, 8, 9, 96, 100, 128].map(binaryBytes)).toEqual([1, 1, 1, 2, 12, 13, 16]);
});

it('packDocBinary(doc) writes each token as its ceil(dim / 8) little-endian bytes, no padding between tokens', () => {
	// dim 12: 2 bytes per token; token 0 word 0x0abc -> bytes bc 0a; token 1 word 0x0f01 -> 01 0f
	const out = new Uint8Array(6).fill(0xee);
	packDocBinary({ rows: 2, dim: 12, words: Uint32Array.of(0x0abc, 0x0f01) }, out, 1);
	expect(Array.from(out)).toEqual([0xee, 0xbc, 0x0a, 0x01, 0x0f, 0xee]);
});

it('packQueryBinary(q) with 17 rows of 1 byte is a pair of groups of byte tables: popcount(row byte xor v) per lane', () => {
	// row r is the byte r + 1; offset of (byte 0, value v, group g, lane l) = v * 32 + g * 16 + l
	const out = packQueryBinary({ rows: 17, dim: 8, words: Uint32Array.from({ length: 17 }, (_, r) => r + 1) });
	expect(out.length).toBe(8192);
	const at = (v: number, g: number, l: number) => out[v * 32 + g * 16 + l];
	expect([at(0, 0, 0), at(1, 0, 0), at(0xff, 0, 0), at(0xf0, 0, 0)]).toEqual([1, 0, 7, 5]); // row 0 = 0x01
	expect(at(2, 0, 14)).toBe(3); // row 14 = 0x0f: 0x0f xor 0x02 = 0x0d = 0b1101
	expect(at(0x11, 1, 0)).toBe(0); // row 16 = 0x11
	expect(at(0x10, 1, 0)).toBe(1);
	expect(at(0xe3, 1, 1)).toBe(5); // lane of a missing row (zero byte): popcount(0xe3)
});

it('packQueryBinary(q) with 3 rows of 2 bytes is one lone group: 16 lanes per byte value, byte after byte', () => {
	const out = packQueryBinary({ rows: 3, dim: 16, words: Uint32Array.of(0x01ff, 0x8000, 0x005a) });
	expect(out.length).toBe(2 * 4096);
	expect(Array.from(out.subarray(0, 3))).toEqual([8, 0, 4]); // byte 0, v = 0: popcount of ff, 00, 5a
	expect(Array.from(out.subarray(0x5a * 16, 0x5a * 16 + 3))).toEqual([4, 4, 0]); // byte 0, v = 0x5a
	expect(Array.from(out.subarray(4096 + 0x80 * 16, 4096 + 0x80 * 16 + 3))).toEqual([2, 0, 1]); // byte 1 (01, 80, 00) xor 0x80
});

it('packQueryBinary(q) with rows over 31 bytes (dim 264) stores single groups of the rows\' bytes', () => {
	const words = new Uint32Array(2 * 9);
	words[0] = 0x0201; // row 0 bytes 1, 2
	words[9 + 8] = 0xab; // row 1 byte 32
	const out = packQueryBinary({ rows: 2, dim: 264, words });
	expect(out.length).toBe(33 * 16);
	expect([out[0], out[16], out[32 * 16 + 1], out[1]]).toEqual([1, 2, 0xab, 0]);
});

it('packDocInt8(doc) stores component pairs per token in panels of 4, repeating the last token and its scale', () => {
	// 2 tokens of dim 2: codes (1, 2), (3, 4), scales 0.5, 0.25; one tail panel; dim padded to 4.
	const sizes = int8DocBytes(2, 2, 4);
	expect(sizes).toEqual({ codes: 16, scales: 16 });
	const codes = new Int8Array(16).fill(-9);
	const scales = new Float32Array(4);
	packDocInt8({ rows: 2, dim: 2, codes: Int8Array.of(1, 2, 3, 4), scales: Float32Array.of(0.5, 0.25) }, 4, codes, 0, scales, 0);
	expect(Array.from(codes)).toEqual([1, 2, 3, 4, 3, 4, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
	expect(Array.from(scales)).toEqual([0.5, 0.25, 0.25, 0.25]);
});

it('int8QueryScale(values, dim) maps the largest |value| to 32767, lower for dims where 127 x 32767 x dim overflows i32', () => {
	expect(int8QueryScale(Float32Array.of(0.5, -1), 2)).toBe(32767);
	expect(int8QueryScale(Float32Array.of(0, 0), 2)).toBe(1);
	// dim 1024: floor((2^31 - 1) / (127 * 1024)) = floor(16513.008) = 16513
	expect(int8QueryScale(Float32Array.of(2), 1024)).toBe(16513 / 2);
});

it('packQueryInt8Rows(q, scale) interleaves the component pairs of 4 rows per group, each pair splatted 4 times, rounding x * scale', () => {
	// 5 rows of dim 2 (padded to 4): group 0 = rows 0..3, group 1 = row 4 and 3 zero rows
	const data = Float32Array.from({ length: 10 }, (_, i) => i + 1);
	const out = packQueryInt8Rows({ data, rows: 5, dim: 2 }, 10);
	expect(out.length).toBe(2 * 4 * 4 * 4);
	const splat = (a: number, b: number) => [a, b, a, b, a, b, a, b];
	// group 0, kk = 0: (r0k0, r0k1) x 4, (r1k0, r1k1) x 4, r2, r3; kk = 1 (padding): zeros
	expect(Array.from(out.subarray(0, 32))).toEqual([...splat(10, 20), ...splat(30, 40), ...splat(50, 60), ...splat(70, 80)]);
	expect(Array.from(out.subarray(32, 64))).toEqual(new Array(32).fill(0));
	expect(Array.from(out.subarray(64, 72))).toEqual(splat(90, 100));
	expect(Array.from(out.subarray(72, 128))).toEqual(new Array(56).fill(0));
});
