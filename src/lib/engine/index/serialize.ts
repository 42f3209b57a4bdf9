/**
 * Binary serialisation of encoded corpus batches (ArrayBuffer, not JSON): a 24-byte header, then the
 * payload. A reader checks magic, version, kind, payload length and CRC-32 before touching the payload,
 * so a truncated or bit-flipped entry is reported as `CACHE_CORRUPT` and never used.
 *
 * Layout (little-endian, every section 4-byte aligned so Float32Array views need no copy):
 * ```
 * header  magic "LLEB" | u32 version (1) | u32 kind (1 dense, 2 multi-vector) | u32 payload bytes | u32 crc32(payload) | u32 0
 * dense   u32 start | u32 count | u32 dim | f32[count * dim]
 * multi   u32 start | u32 count | u32 dim | u32 rows[count] | i32 ids[sum rows] | u32 tokenBytes | utf8 tokens (\n-joined) | pad | f32[sum rows * dim]
 * ```
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import { crc32 } from './checksum';

const MAGIC = 0x4245_4c4c; // "LLEB" read as little-endian u32
const VERSION = 1;
const HEADER_BYTES = 24;

export type BatchKind = 'dense' | 'multi';
const KIND_CODE: Record<BatchKind, number> = { dense: 1, multi: 2 };

/** Rows `start .. start + count` of an `nDocs x dim` matrix, one vector per document. */
export interface DenseBatch {
	start: number;
	matrix: TokenMatrix;
}

/** One multi-vector document: kept token ids, their strings and one unit vector per kept token. */
export interface MultiVectorDoc {
	ids: number[];
	tokens: string[];
	matrix: TokenMatrix;
}

/** Documents `start .. start + docs.length` of a multi-vector corpus. */
export interface MultiVectorBatch {
	start: number;
	dim: number;
	docs: MultiVectorDoc[];
}

const pad4 = (n: number) => (n + 3) & ~3;

function wrap(kind: BatchKind, payload: Uint8Array): ArrayBuffer {
	const out = new ArrayBuffer(HEADER_BYTES + payload.length);
	const view = new DataView(out);
	view.setUint32(0, MAGIC, true);
	view.setUint32(4, VERSION, true);
	view.setUint32(8, KIND_CODE[kind], true);
	view.setUint32(12, payload.length, true);
	view.setUint32(16, crc32(payload), true);
	new Uint8Array(out, HEADER_BYTES).set(payload);
	return out;
}

/**
 * Checks header, length and checksum; returns the payload view. Throws `CACHE_CORRUPT` naming `key`.
 * @example unwrap(encodeDenseBatch(batch), 'dense', 'k') // Uint8Array of the payload
 */
export function unwrap(buffer: ArrayBuffer, kind: BatchKind, key: string): DataView {
	const corrupt = (detail: string) => createError('CACHE_CORRUPT', { key, detail });
	if (buffer.byteLength < HEADER_BYTES) throw corrupt(`${buffer.byteLength} bytes, shorter than the ${HEADER_BYTES}-byte header`);
	const view = new DataView(buffer);
	if (view.getUint32(0, true) !== MAGIC) throw corrupt('bad magic (not a latelab batch)');
	if (view.getUint32(4, true) !== VERSION) throw corrupt(`format version ${view.getUint32(4, true)}, expected ${VERSION}`);
	if (view.getUint32(8, true) !== KIND_CODE[kind]) throw corrupt(`holds kind ${view.getUint32(8, true)}, expected ${kind}`);
	const length = view.getUint32(12, true);
	if (buffer.byteLength !== HEADER_BYTES + length) {
		throw corrupt(`payload is ${buffer.byteLength - HEADER_BYTES} bytes, header says ${length} (partial write?)`);
	}
	const payload = new Uint8Array(buffer, HEADER_BYTES, length);
	if (crc32(payload) !== view.getUint32(16, true)) throw corrupt('checksum mismatch');
	return new DataView(buffer, HEADER_BYTES, length);
}

/** Serialises a dense batch. @example decodeDenseBatch(encodeDenseBatch(b), 'k') // equal to b */
export function encodeDenseBatch(batch: DenseBatch): ArrayBuffer {
	const { rows, dim, data } = batch.matrix;
	const payload = new Uint8Array(12 + rows * dim * 4);
	const view = new DataView(payload.buffer);
	view.setUint32(0, batch.start, true);
	view.setUint32(4, rows, true);
	view.setUint32(8, dim, true);
	new Float32Array(payload.buffer, 12, rows * dim).set(data.subarray(0, rows * dim));
	return wrap('dense', payload);
}

/** Reads a dense batch; `CACHE_CORRUPT` if the bytes are damaged or inconsistent. */
export function decodeDenseBatch(buffer: ArrayBuffer, key: string): DenseBatch {
	const view = unwrap(buffer, 'dense', key);
	const start = view.getUint32(0, true);
	const rows = view.getUint32(4, true);
	const dim = view.getUint32(8, true);
	if (view.byteLength !== 12 + rows * dim * 4) {
		throw createError('CACHE_CORRUPT', { key, detail: `${rows} x ${dim} floats do not fill ${view.byteLength - 12} bytes` });
	}
	const data = new Float32Array(buffer.slice(view.byteOffset + 12, view.byteOffset + view.byteLength));
	return { start, matrix: { data, rows, dim } };
}

/** Serialises a multi-vector batch (ColBERT documents with their token ids and strings). */
export function encodeMultiVectorBatch(batch: MultiVectorBatch): ArrayBuffer {
	const { dim, docs } = batch;
	const totalRows = docs.reduce((s, d) => s + d.matrix.rows, 0);
	// Token strings of all rows, one per line (a newline inside a token, which WordPiece never makes, becomes a space).
	const tokenBytes = new TextEncoder().encode(docs.flatMap((d) => Array.from({ length: d.matrix.rows }, (_, r) => (d.tokens[r] ?? '').replace(/\n/g, ' '))).join('\n'));
	const headerBytes = 12 + docs.length * 4 + totalRows * 4 + 4;
	const floatsAt = pad4(headerBytes + tokenBytes.length);
	const payload = new Uint8Array(floatsAt + totalRows * dim * 4);
	const view = new DataView(payload.buffer);
	view.setUint32(0, batch.start, true);
	view.setUint32(4, docs.length, true);
	view.setUint32(8, dim, true);
	let at = 12;
	for (const d of docs) {
		if (d.matrix.dim !== dim) throw createError('DIM_MISMATCH', { expected: dim, actual: d.matrix.dim, detail: ' (document in batch)' });
		view.setUint32(at, d.matrix.rows, true);
		at += 4;
	}
	for (const d of docs) for (let r = 0; r < d.matrix.rows; r++, at += 4) view.setInt32(at, d.ids[r] ?? -1, true);
	view.setUint32(at, tokenBytes.length, true);
	payload.set(tokenBytes, at + 4);
	const floats = new Float32Array(payload.buffer, floatsAt, totalRows * dim);
	let row = 0;
	for (const d of docs) {
		floats.set(d.matrix.data.subarray(0, d.matrix.rows * dim), row * dim);
		row += d.matrix.rows;
	}
	return wrap('multi', payload);
}

/** Reads a multi-vector batch; `CACHE_CORRUPT` if the bytes are damaged or inconsistent. */
export function decodeMultiVectorBatch(buffer: ArrayBuffer, key: string): MultiVectorBatch {
	const view = unwrap(buffer, 'multi', key);
	const corrupt = (detail: string) => createError('CACHE_CORRUPT', { key, detail });
	const need = (end: number) => {
		if (end > view.byteLength) throw corrupt(`payload ends at byte ${view.byteLength}, needs ${end}`);
	};
	need(12);
	const start = view.getUint32(0, true);
	const count = view.getUint32(4, true);
	const dim = view.getUint32(8, true);
	need(12 + count * 4);
	const rows: number[] = [];
	let at = 12;
	for (let i = 0; i < count; i++, at += 4) rows.push(view.getUint32(at, true));
	const totalRows = rows.reduce((s, r) => s + r, 0);
	need(at + totalRows * 4 + 4);
	const ids: number[] = [];
	for (let r = 0; r < totalRows; r++, at += 4) ids.push(view.getInt32(at, true));
	const tokenLength = view.getUint32(at, true);
	at += 4;
	need(at + tokenLength);
	const text = new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + at, tokenLength));
	const tokens = totalRows === 0 ? [] : text.split('\n');
	const floatsAt = pad4(at + tokenLength);
	if (view.byteLength !== floatsAt + totalRows * dim * 4) throw corrupt('vector section has the wrong length');
	if (tokens.length !== totalRows) {
		throw corrupt(`${tokens.length} token strings for ${totalRows} vectors`);
	}
	const floats = new Float32Array(view.buffer.slice(view.byteOffset + floatsAt, view.byteOffset + view.byteLength));
	const docs: MultiVectorDoc[] = [];
	let row = 0;
	for (const n of rows) {
		docs.push({
			ids: ids.slice(row, row + n),
			tokens: tokens.slice(row, row + n),
			matrix: { data: floats.slice(row * dim, (row + n) * dim), rows: n, dim }
		});
		row += n;
	}
	return { start, dim, docs };
}
