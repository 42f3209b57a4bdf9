/**
 * Packing of the compressed storage formats into the layouts the storage kernels read (described in
 * full in `kernels/wasm/storage-template.ts`): binary docs as their bytes, binary queries with their
 * rows in u8 lanes (16 rows a group, groups in pairs), int8 docs as the i16 panel layout of `pack.ts`
 * narrowed to int8 codes, followed by the tokens' scales.
 */
import type { BinaryMatrix } from '../compress/codecs-binary';
import type { Int8Matrix } from '../compress/codecs-int8';
import type { TokenMatrix } from '../types';
import { docShape, paddedDim } from './pack';

/**
 * int8 kernel register block: `INT8_ROWS` query rows x `INT8_BLOCK_PANELS` panels of 4 tokens = 8
 * accumulators, 13 of the 16 xmm registers with the 4 query pairs and a doc vector. A block of codes
 * is widened to i16 once and read by every row group (`storage-template.ts`), so per k step it is 4
 * query loads + 2 doc loads + 8 dots + 8 adds (docs/BENCHMARKS.md, MaxSim storage formats).
 */
export const INT8_ROWS = 4;
export const INT8_BLOCK_PANELS = 2;

/** Bytes of one binary token: `ceil(dim / 8)`. @example binaryBytes(100) // 13 */
export function binaryBytes(dim: number): number {
	return Math.ceil(dim / 8);
}

/** Largest number of bytes a binary token may have for the kernel's u8 distances (31 x 8 = 248 bits). */
const U8_BYTES = 31;

/** Byte `b` of row `r` of a binary matrix (little-endian words: byte b is bits 8b..8b+7). */
function byteOf(m: BinaryMatrix, r: number, b: number): number {
	const w = Math.ceil(m.dim / 32);
	return (m.words[r * w + (b >> 2)] >>> ((b & 3) * 8)) & 0xff;
}

/** Writes the tokens of `doc`, `binaryBytes(dim)` bytes each, at `out[at..]`. */
export function packDocBinary(doc: BinaryMatrix, out: Uint8Array, at: number): void {
	const n = binaryBytes(doc.dim);
	for (let r = 0; r < doc.rows; r++) for (let b = 0; b < n; b++) out[at + r * n + b] = byteOf(doc, r, b);
}

/** Set bits of a byte, by byte value. */
const BYTE_BITS = Uint8Array.from({ length: 256 }, (_, v) => {
	let c = 0;
	for (let x = v; x; x >>= 1) c += x & 1;
	return c;
});

/**
 * The binary query in the kernel's layout (`score_binary`, kernels/wasm/storage-template.ts): rows in
 * groups of 16 lanes.
 * - Up to 31 bytes per row: byte tables. Groups in pairs, then a last unpaired group; for each doc
 *   byte b and byte value v = 0..255, one 16-byte vector per group of the pair (or the lone group)
 *   holding `popcount(byte b of the row xor v)` per lane (rows past the query's are zero bytes).
 * - Longer rows: single groups of the rows' bytes, for each byte b 16 bytes (byte b of each row).
 * @example packQueryBinary({ rows: 1, dim: 8, words: Uint32Array.of(0x0f) }).length // 4096 (1 byte x 256 values x 16 lanes)
 */
export function packQueryBinary(query: BinaryMatrix): Uint8Array {
	const n = binaryBytes(query.dim);
	const groups = Math.ceil(query.rows / 16);
	if (n > U8_BYTES) {
		const out = new Uint8Array(groups * n * 16);
		for (let r = 0; r < query.rows; r++) {
			const base = (r >> 4) * n * 16 + (r & 15);
			for (let b = 0; b < n; b++) out[base + b * 16] = byteOf(query, r, b);
		}
		return out;
	}
	const out = new Uint8Array(groups * n * 4096);
	const pairs = groups >> 1;
	for (let g = 0; g < groups; g++) {
		const inPair = g < pairs * 2;
		const width = inPair ? 2 : 1; // groups sharing a table block
		const base = inPair ? (g >> 1) * n * 8192 + (g & 1) * 16 : g * n * 4096;
		for (let l = 0; l < 16; l++) {
			const r = g * 16 + l;
			for (let b = 0; b < n; b++) {
				const byte = r < query.rows ? byteOf(query, r, b) : 0;
				const at = base + b * 256 * 16 * width + l;
				for (let v = 0; v < 256; v++) out[at + v * 16 * width] = BYTE_BITS[byte ^ v];
			}
		}
	}
	return out;
}

/** Bytes of an int8 doc of `rows` tokens in the kernel layout: codes of the padded tokens, then their scales. */
export function int8DocBytes(rows: number, dim: number, blockPanels: number): { codes: number; scales: number } {
	const { panels } = docShape(rows, blockPanels);
	return { codes: panels * 4 * paddedDim(dim), scales: panels * 16 };
}

/**
 * Writes `doc` as int8 panels in blocks of `blockPanels` (per component pair kk and panel, 8 bytes
 * `(v[t][2kk], v[t][2kk+1])` for t = 0..3; padded tokens repeat the last one) at `codes[at..]`, and
 * the padded tokens' scales at `scales[scalesAt..]`.
 */
export function packDocInt8(doc: Int8Matrix, blockPanels: number, codes: Int8Array, at: number, scales: Float32Array, scalesAt: number): void {
	const { rows, dim } = doc;
	const dimP = paddedDim(dim);
	const { nBlocks, tail, panels } = docShape(rows, blockPanels);
	for (let b = 0; b <= nBlocks; b++) {
		const width = b < nBlocks ? blockPanels : tail;
		if (width === 0) break;
		const base = at + b * blockPanels * 4 * dimP;
		const stride = width * 8; // bytes per component pair
		for (let p = 0; p < width; p++) {
			for (let t = 0; t < 4; t++) {
				const row = Math.min((b * blockPanels + p) * 4 + t, rows - 1);
				const o = base + p * 8 + t * 2;
				for (let k = 0; k < dimP; k++) codes[o + (k >> 1) * stride + (k & 1)] = k < dim ? doc.codes[row * dim + k] : 0;
			}
		}
	}
	for (let t = 0; t < panels * 4; t++) scales[scalesAt + t] = doc.scales[Math.min(t, rows - 1)];
}

/**
 * Scale of the int16 query of the int8 kernel: the largest |value| maps to `Q = min(32767,
 * floor((2^31 - 1) / (127 dimP)))`, so a dot product of `dimP` terms `|q| <= Q` times `|v| <= 127`
 * never overflows an i32 lane. 1 for an all-zero query.
 * @example int8QueryScale(Float32Array.of(0.5, -1), 2) // 32767
 */
export function int8QueryScale(values: Float32Array, dim: number): number {
	let max = 0;
	for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
	const q = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * paddedDim(dim))));
	return max > 0 ? q / max : 1;
}

/**
 * The query as int16 for the int8 kernel (`round(x * scale)`), rows in groups of `INT8_ROWS` (missing
 * rows are zero, which add exactly 0): per group and component pair kk, the pair of every row in turn,
 * each pair repeated 4 times (the kernel's splat, done here once per query instead of per load).
 * `ceil(rows / INT8_ROWS) * INT8_ROWS * paddedDim * 4` values.
 * @example packQueryInt8Rows({ data: Float32Array.of(1, 2, 3, 4), rows: 2, dim: 2 }, 1).subarray(0, 16) // [1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 3, 4]
 */
export function packQueryInt8Rows(query: TokenMatrix, scale: number): Int16Array {
	const { rows, dim, data } = query;
	const dimP = paddedDim(dim);
	const R = INT8_ROWS;
	const out = new Int16Array(Math.ceil(rows / R) * R * dimP * 4);
	for (let i = 0; i < rows; i++) {
		const base = Math.floor(i / R) * R * dimP * 4 + (i % R) * 8;
		for (let k = 0; k < dim; k++) {
			const v = Math.round(data[i * dim + k] * scale);
			const at = base + (k >> 1) * 8 * R + (k & 1);
			for (let c = 0; c < 8; c += 2) out[at + c] = v;
		}
	}
	return out;
}
