/** The storage kernels' layouts, checked by hand on tiny matrices (see kernels/wasm/storage-template.ts). */
import { expect, it } from 'vitest';
import { packDocBinary, packDocInt8, packQueryBinary, int8DocBytes, int8QueryScale, binaryBytes } from '../../../src/lib/engine/maxsim/storage-pack';

it('binaryBytes(dim) is ceil(dim / 8)', () => {
	expect([1, 7, 8, 9, 96, 100, 128].map(binaryBytes)).toEqual([1, 1, 1, 2, 12, 13, 16]);
});

it('packDocBinary(doc) writes each token as its ceil(dim / 8) little-endian bytes, no padding between tokens', () => {
	// dim 12: 2 bytes per token; token 0 word 0x0abc -> bytes bc 0a; token 1 word 0x0f01 -> 01 0f
	const out = new Uint8Array(6).fill(0xee);
	packDocBinary({ rows: 2, dim: 12, words: Uint32Array.of(0x0abc, 0x0f01) }, out, 1);
	expect(Array.from(out)).toEqual([0xee, 0xbc, 0x0a, 0x01, 0x0f, 0xee]);
});

it('packQueryBinary(q) puts rows in lanes: 17 rows of 1 byte are a pair of groups, 32 bytes per byte index', () => {
	const words = Uint32Array.from({ length: 17 }, (_, r) => r + 1);
	const out = packQueryBinary({ rows: 17, dim: 8, words });
	expect(out.length).toBe(32);
	expect(Array.from(out.subarray(0, 16))).toEqual(Array.from({ length: 16 }, (_, r) => r + 1));
	expect(out[16]).toBe(17);
	expect(Array.from(out.subarray(17))).toEqual(new Array(15).fill(0));
});

it('packQueryBinary(q) with 2 bytes per row and 3 rows is one lone group: 16 lanes of byte 0, then of byte 1', () => {
	const out = packQueryBinary({ rows: 3, dim: 16, words: Uint32Array.of(0x0201, 0x0403, 0x0605) });
	expect(out.length).toBe(32);
	expect(Array.from(out.subarray(0, 3))).toEqual([1, 3, 5]);
	expect(Array.from(out.subarray(16, 19))).toEqual([2, 4, 6]);
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
