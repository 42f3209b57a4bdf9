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

/**
 * Reads and validates `vectors` and `offsets` from a safetensors file.
 * @example readMultiVectorTensors(bytes, 'documents.safetensors', { dim: 96, dtype: 'float32' }).offsets // Int32Array [0, 120, 251, ...]
 */
export function readMultiVectorTensors(bytes: Uint8Array, file: string, expect: { dim: number; dtype: 'float32' | 'float16' }): MultiVectorTensors {
	const st = readSafetensors(bytes, file);
	const bad = (detail: string) => createError('BAD_ARGUMENT', { detail: `${file}: ${detail}` }, { file });
	const entry = (name: string) => {
		const e = st.entries.get(name);
		if (!e) throw createError('MISSING_FIELD', { field: name, detail: ` (tensor) in ${file}; tensors present: ${[...st.entries.keys()].join(', ') || 'none'}` }, { file });
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
	const dataStart = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

	const offsets = new Int32Array(o.shape[0]);
	for (let i = 0; i < offsets.length; i++) {
		const value = view.getBigInt64(dataStart + o.dataOffsets[0] + 8 * i, true);
		if (value < BigInt(0) || value > BigInt(total)) throw bad(`offsets[${i}] = ${value} is outside 0..${total} (the vectors' row count)`);
		offsets[i] = Number(value);
		if (i === 0 && offsets[0] !== 0) throw bad(`offsets[0] must be 0, got ${offsets[0]}`);
		if (i > 0 && offsets[i] <= offsets[i - 1]) {
			throw bad(`offsets must increase (every item has at least one vector): offsets[${i - 1}] = ${offsets[i - 1]}, offsets[${i}] = ${offsets[i]}`);
		}
	}
	if (offsets[offsets.length - 1] !== total) throw bad(`offsets end at ${offsets[offsets.length - 1]} but vectors has ${total} rows`);

	const count = total * dim;
	let vectors: Float32Array;
	const at = dataStart + v.dataOffsets[0];
	if (v.dtype === 'F32') {
		// One copy of the raw bytes (the host is little-endian, as safetensors); aligned for the view.
		vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 4 * count));
	} else {
		vectors = new Float32Array(count);
		for (let i = 0; i < count; i++) vectors[i] = halfToFloat(view.getUint16(at + 2 * i, true));
	}
	for (let i = 0; i < count; i++) {
		if (!Number.isFinite(vectors[i])) {
			const row = Math.floor(i / dim);
			let item = 0;
			while (offsets[item + 1] <= row) item++;
			throw createError('NOT_FINITE', { detail: `in ${file}: vectors row ${row} (item ${item}), column ${i % dim} is ${vectors[i]}` }, { file });
		}
	}
	return { vectors, offsets, dim };
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
