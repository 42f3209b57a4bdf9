/**
 * A reader for the safetensors format (huggingface/safetensors, README "Format"): an 8-byte
 * little-endian unsigned header length N, N bytes of JSON `{name: {dtype, shape, data_offsets}}`
 * (offsets relative to the end of the header; an optional `__metadata__` entry), then raw
 * little-endian tensor data. F32, F16 and BF16 tensors are widened to Float32Array.
 *
 * @example
 * const file = readSafetensors(bytes, 'colbert/1_Dense/model.safetensors');
 * const w = file.tensor('linear.weight'); // { shape: [96, 384], data: Float32Array(36864) }
 */
import { createError } from '../errors';

export interface SafetensorsEntry {
	dtype: string;
	shape: number[];
	dataOffsets: [number, number];
}

export interface SafetensorsFile {
	metadata: Record<string, string>;
	entries: Map<string, SafetensorsEntry>;
	/** A tensor as float32, row-major. Throws MISSING_FIELD naming the keys present when absent. */
	tensor(name: string): { shape: number[]; data: Float32Array };
}

const BYTES_PER_ELEMENT: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** IEEE half -> float (sign, 5-bit exponent, 10-bit fraction; subnormals and Inf/NaN included). */
export function halfToFloat(h: number): number {
	const sign = h & 0x8000 ? -1 : 1;
	const exp = (h >> 10) & 0x1f;
	const frac = h & 0x3ff;
	if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
	if (exp === 31) return frac ? NaN : sign * Infinity;
	return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Parses the header of `bytes` and returns lazy access to its tensors. `source` names the file in
 * errors (e.g. `org/model/1_Dense/model.safetensors`); `bad` makes the error for a file whose layout is
 * broken (default: model weights' `MALFORMED_JSON`; a vectors folder words it as its own files' errors).
 */
export function readSafetensors(
	bytes: Uint8Array,
	source: string,
	bad: (detail: string) => Error = (detail) => createError('MALFORMED_JSON', { detail: `safetensors ${source}: ${detail}` }, { file: source })
): SafetensorsFile {
	if (bytes.length < 8) throw bad(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const headerLength = Number(view.getBigUint64(0, true));
	if (headerLength > bytes.length - 8) throw bad(`header length ${headerLength} exceeds the file size ${bytes.length} (truncated download?)`);
	let header: Record<string, unknown>;
	try {
		header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
	} catch (error) {
		throw bad(`header is not JSON (${(error as Error).message})`);
	}
	const dataStart = 8 + headerLength;
	const entries = new Map<string, SafetensorsEntry>();
	let metadata: Record<string, string> = {};
	for (const [name, value] of Object.entries(header)) {
		if (name === '__metadata__') {
			metadata = (value ?? {}) as Record<string, string>;
			continue;
		}
		const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
		if (typeof v?.dtype !== 'string' || !Array.isArray(v.shape) || !Array.isArray(v.data_offsets) || v.data_offsets.length !== 2) {
			throw bad(`entry "${name}" lacks dtype, shape or data_offsets`);
		}
		const [begin, end] = v.data_offsets as [number, number];
		if (begin < 0 || end < begin || dataStart + end > bytes.length) {
			throw bad(`entry "${name}" data_offsets [${begin}, ${end}] fall outside the ${bytes.length - dataStart} data bytes (truncated download?)`);
		}
		entries.set(name, { dtype: v.dtype, shape: v.shape as number[], dataOffsets: [begin, end] });
	}

	function tensor(name: string): { shape: number[]; data: Float32Array } {
		const entry = entries.get(name);
		if (!entry) {
			throw createError('MISSING_FIELD', { field: name, detail: ` in ${source} (tensors: ${[...entries.keys()].slice(0, 8).join(', ')})` }, { file: source });
		}
		const size = BYTES_PER_ELEMENT[entry.dtype];
		if (!size) {
			throw createError('UNKNOWN_OPTION', { what: `dtype of tensor ${name} in ${source}`, value: entry.dtype, expected: 'F32, F16, BF16' });
		}
		const count = entry.shape.reduce((a, b) => a * b, 1);
		const [begin, end] = entry.dataOffsets;
		if (end - begin !== count * size) {
			throw bad(`tensor "${name}" has ${end - begin} bytes, expected ${count * size} for ${entry.dtype} ${JSON.stringify(entry.shape)}`);
		}
		const data = new Float32Array(count);
		const at = dataStart + begin;
		const bits = new Uint32Array(1);
		const asFloat = new Float32Array(bits.buffer);
		for (let i = 0; i < count; i++) {
			if (entry.dtype === 'F32') data[i] = view.getFloat32(at + 4 * i, true);
			else if (entry.dtype === 'F16') data[i] = halfToFloat(view.getUint16(at + 2 * i, true));
			// bfloat16 is the top half of a float32.
			else {
				bits[0] = view.getUint16(at + 2 * i, true) << 16;
				data[i] = asFloat[0];
			}
		}
		return { shape: entry.shape, data };
	}

	return { metadata, entries, tensor };
}

/**
 * A safetensors file holding the given raw tensors (used to cache the one tensor latelab needs from
 * a large remote file, to write vectors folders, and by the test fixtures' model writer), with
 * `metadata` as its `__metadata__` entry when given. Header padded with spaces to a multiple of 8, as
 * the format recommends.
 * @example readSafetensors(encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], bytes: new Uint8Array(4) }]), 'x').tensor('w').data // Float32Array [0]
 */
export function encodeSafetensors(tensors: { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[], metadata?: Record<string, string>): Uint8Array {
	const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
	let offset = 0;
	for (const t of tensors) {
		header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
		offset += t.bytes.length;
	}
	let json = JSON.stringify(header);
	while (json.length % 8 !== 0) json += ' ';
	const head = new TextEncoder().encode(json);
	const out = new Uint8Array(8 + head.length + offset);
	new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
	out.set(head, 8);
	let at = 8 + head.length;
	for (const t of tensors) {
		out.set(t.bytes, at);
		at += t.bytes.length;
	}
	return out;
}
