/**
 * The tensors of a precomputed multi-vector file (`documents.safetensors`, `queries.safetensors` of a
 * latelab vectors folder): `vectors` [total, dim] (F32 or F16) and `offsets` (I64, length items + 1,
 * item i owning rows offsets[i] .. offsets[i+1]). Reading checks everything a user can get wrong and
 * names the file and the problem; writing produces what the reader accepts.
 */
import { encodeSafetensors, halfToFloat, readSafetensors } from '../encoders/safetensors';
import { createError } from '../errors';

/** Vectors and offsets of one file, validated. */
export interface MultiVectorTensors {
	/** `total x dim`, row-major float32 (float16 files are widened). */
	vectors: Float32Array;
	/** `items + 1` row offsets, offsets[0] = 0, strictly increasing, last = total. */
	offsets: Int32Array;
	dim: number;
}

const DTYPES: Record<'float32' | 'float16', string> = { float32: 'F32', float16: 'F16' };

/** Where `vectors` and `offsets` sit in a safetensors file, checked against the manifest. */
interface TensorLayout {
	dtype: 'F32' | 'F16';
	total: number;
	dim: number;
	/** Absolute byte offset of the vectors' data, and of the offsets' (int64, `items + 1`). */
	vectorsAt: number;
	offsetsAt: number;
	items: number;
}

function badTensors(file: string, detail: string) {
	// The error's file prefix already names the file: the detail says only what is wrong.
	return createError('BAD_ARGUMENT', { detail }, { file });
}

/** The error for a file whose safetensors layout is broken: its layout, not JSON, is what is wrong. */
const notSafetensors = (file: string) => (detail: string) => badTensors(file, `not a safetensors file: ${detail}`);

/** Checks the two tensors' dtypes and shapes (entries as `readSafetensors` lists them) against the manifest. */
function layoutOf(entries: Map<string, { dtype: string; shape: number[]; dataOffsets: [number, number] }>, dataStart: number, file: string, expect: { dim: number; dtype: 'float32' | 'float16' }): TensorLayout {
	const bad = (detail: string) => badTensors(file, detail);
	const entry = (name: string) => {
		const e = entries.get(name);
		if (!e) throw createError('MISSING_FIELD', { field: name, detail: ` (tensor) in ${file}; tensors present: ${[...entries.keys()].join(', ') || 'none'}` }, { file });
		return e;
	};
	const v = entry('vectors');
	const o = entry('offsets');
	const wanted = DTYPES[expect.dtype];
	if (v.dtype !== wanted) throw bad(`tensor "vectors" is ${v.dtype} but manifest.json says dtype ${expect.dtype} (${wanted})`);
	if (v.shape.length !== 2) throw bad(`tensor "vectors" must be 2-D [total, dim], got shape ${JSON.stringify(v.shape)}`);
	const [total, dim] = v.shape;
	if (dim !== expect.dim) throw createError('DIM_MISMATCH', { expected: expect.dim, actual: dim, detail: ` (${file}: vectors [${total}, ${dim}] vs manifest.json dim ${expect.dim})` }, { file });
	if (o.dtype !== 'I64') throw bad(`tensor "offsets" must be I64 (int64), got ${o.dtype}`);
	if (o.shape.length !== 1 || o.shape[0] < 1) throw bad(`tensor "offsets" must be 1-D [items + 1], got shape ${JSON.stringify(o.shape)}`);
	const width = v.dtype === 'F32' ? 4 : 2;
	if (v.dataOffsets[1] - v.dataOffsets[0] < total * dim * width) throw bad(`tensor "vectors" has ${v.dataOffsets[1] - v.dataOffsets[0]} bytes, expected ${total * dim * width} for ${v.dtype} [${total}, ${dim}]`);
	if (o.dataOffsets[1] - o.dataOffsets[0] < 8 * o.shape[0]) throw bad(`tensor "offsets" has ${o.dataOffsets[1] - o.dataOffsets[0]} bytes, expected ${8 * o.shape[0]}`);
	return { dtype: v.dtype as 'F32' | 'F16', total, dim, vectorsAt: dataStart + v.dataOffsets[0], offsetsAt: dataStart + o.dataOffsets[0], items: o.shape[0] - 1 };
}

/** The offsets tensor (`bytes` holds exactly its `items + 1` int64 values), checked: starts at 0, increases, ends at `total`. */
function decodeOffsets(bytes: Uint8Array, layout: TensorLayout, file: string): Int32Array {
	const bad = (detail: string) => badTensors(file, detail);
	const { total } = layout;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const offsets = new Int32Array(layout.items + 1);
	for (let i = 0; i < offsets.length; i++) {
		const value = view.getBigInt64(8 * i, true);
		if (value < BigInt(0) || value > BigInt(total)) throw bad(`offsets[${i}] = ${value} is outside 0..${total} (the vectors' row count)`);
		offsets[i] = Number(value);
		if (i === 0 && offsets[0] !== 0) throw bad(`offsets[0] must be 0, got ${offsets[0]}`);
		if (i > 0 && offsets[i] <= offsets[i - 1]) {
			throw bad(`offsets must increase (every item has at least one vector): offsets[${i - 1}] = ${offsets[i - 1]}, offsets[${i}] = ${offsets[i]}`);
		}
	}
	if (offsets[offsets.length - 1] !== total) throw bad(`offsets end at ${offsets[offsets.length - 1]} but vectors has ${total} rows`);
	return offsets;
}

/**
 * Rows `firstRow ..` of the vectors as float32 (`bytes` holds whole rows in the file's dtype), every
 * value checked finite (`NOT_FINITE` naming the row, its item and the column).
 */
function decodeRows(bytes: Uint8Array, layout: TensorLayout, firstRow: number, offsets: Int32Array, file: string): Float32Array {
	let vectors: Float32Array;
	if (layout.dtype === 'F32') {
		// One copy of the raw bytes (the host is little-endian, as safetensors); aligned for the view.
		vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
	} else {
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		vectors = new Float32Array(bytes.byteLength / 2);
		for (let i = 0; i < vectors.length; i++) vectors[i] = halfToFloat(view.getUint16(2 * i, true));
	}
	const { dim } = layout;
	for (let i = 0; i < vectors.length; i++) {
		if (!Number.isFinite(vectors[i])) {
			const row = firstRow + Math.floor(i / dim);
			let item = 0;
			while (offsets[item + 1] <= row) item++;
			throw createError('NOT_FINITE', { detail: `in ${file}: vectors row ${row} (item ${item}), column ${i % dim} is ${vectors[i]}` }, { file });
		}
	}
	return vectors;
}

/**
 * Reads and validates `vectors` and `offsets` from a safetensors file.
 * @example readMultiVectorTensors(bytes, 'documents.safetensors', { dim: 96, dtype: 'float32' }).offsets // Int32Array [0, 120, 251, ...]
 */
export function readMultiVectorTensors(bytes: Uint8Array, file: string, expect: { dim: number; dtype: 'float32' | 'float16' }): MultiVectorTensors {
	// A broken layout is worded as the streaming path (openMultiVectorTensors) words it, the file named once.
	const st = readSafetensors(bytes, file, notSafetensors(file));
	const dataStart = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
	const layout = layoutOf(st.entries, dataStart, file, expect);
	const offsets = decodeOffsets(bytes.subarray(layout.offsetsAt, layout.offsetsAt + 8 * (layout.items + 1)), layout, file);
	const width = layout.dtype === 'F32' ? 4 : 2;
	const vectors = decodeRows(bytes.subarray(layout.vectorsAt, layout.vectorsAt + width * layout.total * layout.dim), layout, 0, offsets, file);
	return { vectors, offsets, dim: layout.dim };
}

/** Random access to a file's bytes (a Blob's slices, a served file's ranges, bytes in memory). */
export interface ByteRanges {
	readonly size: number;
	/** Bytes `start .. end` (end exclusive, within `size`). */
	read(start: number, end: number): Promise<Uint8Array>;
}

/** Byte ranges over bytes already in memory. @example await bytesRanges(Uint8Array.of(1, 2, 3)).read(1, 3) // [2, 3] */
export function bytesRanges(bytes: Uint8Array): ByteRanges {
	return { size: bytes.byteLength, read: async (start, end) => bytes.subarray(start, end) };
}

/** The header and offsets of a safetensors vectors file, read without its vectors. */
export interface MultiVectorLayout {
	offsets: Int32Array;
	dim: number;
	/** Reads items `first .. first + count` (validated, float32), one matrix each. */
	readItems(first: number, count: number): Promise<{ data: Float32Array; rows: number; dim: number }[]>;
}

/**
 * Opens a safetensors vectors file by ranges: checks its header and offsets as `readMultiVectorTensors`
 * does (same messages) and reads the vectors later, a few items at a time, so a 500 MB file never sits
 * in memory whole.
 * @example const l = await openMultiVectorTensors(bytesRanges(bytes), 'documents.safetensors', manifest); (await l.readItems(0, 2))[1].rows // 131
 */
export async function openMultiVectorTensors(file: ByteRanges, name: string, expect: { dim: number; dtype: 'float32' | 'float16' }): Promise<MultiVectorLayout> {
	const bad = notSafetensors(name);
	if (file.size < 8) throw bad(`file is ${file.size} bytes, shorter than the 8-byte header length`);
	const head = await file.read(0, 8);
	const headerLength = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
	if (headerLength > file.size - 8) throw bad(`header length ${headerLength} exceeds the file size ${file.size} (truncated download?)`);
	const headerBytes = await file.read(0, 8 + headerLength);
	// The checks of readSafetensors, on the header alone (it wants the whole file in memory).
	let header: Record<string, { data_offsets?: unknown }>;
	try {
		header = JSON.parse(new TextDecoder().decode(headerBytes.subarray(8)));
	} catch (error) {
		throw bad(`header is not JSON (${(error as Error).message})`);
	}
	const dataStart = 8 + headerLength;
	const entries = new Map<string, { dtype: string; shape: number[]; dataOffsets: [number, number] }>();
	for (const [key, value] of Object.entries(header)) {
		if (key === '__metadata__') continue;
		const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
		if (typeof v?.dtype !== 'string' || !Array.isArray(v.shape) || !Array.isArray(v.data_offsets) || v.data_offsets.length !== 2) throw bad(`entry "${key}" lacks dtype, shape or data_offsets`);
		const [begin, end] = v.data_offsets as [number, number];
		if (begin < 0 || end < begin || dataStart + end > file.size) throw bad(`entry "${key}" data_offsets [${begin}, ${end}] fall outside the ${file.size - dataStart} data bytes (truncated download?)`);
		entries.set(key, { dtype: v.dtype, shape: v.shape as number[], dataOffsets: [begin, end] });
	}
	const layout = layoutOf(entries, dataStart, name, expect);
	const offsets = decodeOffsets(await file.read(layout.offsetsAt, layout.offsetsAt + 8 * (layout.items + 1)), layout, name);
	const width = layout.dtype === 'F32' ? 4 : 2;
	const rowBytes = width * layout.dim;
	return {
		offsets,
		dim: layout.dim,
		async readItems(first, count) {
			const last = Math.min(layout.items, first + count);
			if (first >= last) return [];
			const [a, b] = [offsets[first], offsets[last]];
			const vectors = decodeRows(await file.read(layout.vectorsAt + a * rowBytes, layout.vectorsAt + b * rowBytes), layout, a, offsets, name);
			const out: { data: Float32Array; rows: number; dim: number }[] = [];
			for (let i = first; i < last; i++) {
				const rows = offsets[i + 1] - offsets[i];
				const at = (offsets[i] - a) * layout.dim;
				out.push({ data: vectors.subarray(at, at + rows * layout.dim), rows, dim: layout.dim });
			}
			return out;
		}
	};
}

/**
 * A float32 safetensors file holding `vectors` and `offsets` (int64), readable by
 * `readMultiVectorTensors` and by `safetensors.numpy.load_file`.
 * @example writeMultiVectorTensors([{ data: Float32Array.of(1, 0), rows: 1 }], 2) // bytes with vectors [1, 2], offsets [0, 1]
 */
export function writeMultiVectorTensors(items: readonly { data: Float32Array; rows: number }[], dim: number): Uint8Array {
	const total = items.reduce((s, m) => s + m.rows, 0);
	const offsets = new BigInt64Array(items.length + 1);
	const raw = new Float32Array(total * dim);
	let row = 0;
	items.forEach((m, i) => {
		raw.set(m.data.subarray(0, m.rows * dim), row * dim);
		row += m.rows;
		offsets[i + 1] = BigInt(row);
	});
	return encodeSafetensors([
		{ name: 'vectors', dtype: 'F32', shape: [total, dim], bytes: new Uint8Array(raw.buffer) },
		{ name: 'offsets', dtype: 'I64', shape: [items.length + 1], bytes: new Uint8Array(offsets.buffer) }
	]);
}
