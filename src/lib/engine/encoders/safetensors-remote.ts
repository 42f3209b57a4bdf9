/**
 * Reads one tensor of a (remote or large local) safetensors file piecewise, with HTTP Range requests or file reads (8-byte header length, the
 * JSON header, then only that tensor's bytes), so the 393 kB ColBERT projection of
 * `colbert-ir/colbertv2.0` does not cost a 438 MB download. The Hub (and its CDN) answers Range
 * requests with 206; a server that ignores them (200) makes the caller fall back to a full download.
 *
 * @example
 * const r = await fetchTensorByRange('https://huggingface.co/colbert-ir/colbertv2.0/resolve/main/model.safetensors', 'linear.weight');
 * // { kind: 'tensor', file: Uint8Array } — a one-tensor safetensors file, ready to cache and parse
 */
import { createError, isLatelabError } from '../errors';
import { offlineError } from './offline-error';
import { encodeSafetensors } from './safetensors';
import { verifiedFetch } from './verified-fetch';

export type RemoteTensor =
	| { kind: 'tensor'; file: Uint8Array }
	/** The file exists but has no tensor of that name. */
	| { kind: 'absent' }
	/** 401/403/404: no such file. */
	| { kind: 'missing' }
	/** The server ignored the Range header. */
	| { kind: 'unsupported' };

async function range(url: string, start: number, end: number): Promise<Uint8Array | 'missing' | 'unsupported'> {
	let response: Response;
	try {
		response = await verifiedFetch(url, { headers: { Range: `bytes=${start}-${end}` } });
	} catch (error) {
		if (isLatelabError(error)) throw error;
		throw offlineError(url, error);
	}
	if (response.status === 404 || response.status === 401 || response.status === 403) return 'missing';
	if (response.status === 200) {
		await response.body?.cancel().catch(() => undefined);
		return 'unsupported';
	}
	if (response.status !== 206) throw createError('NETWORK', { url, detail: `HTTP ${response.status} for bytes ${start}-${end}` });
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(await response.arrayBuffer());
	} catch (error) {
		if (isLatelabError(error)) throw error;
		throw createError('NETWORK', { url, detail: `connection lost reading bytes ${start}-${end} (${(error as Error).message}); retry` }, {}, error);
	}
	if (bytes.length !== end - start + 1) throw createError('NETWORK', { url, detail: `asked for ${end - start + 1} bytes at ${start}, got ${bytes.length}; retry` });
	return bytes;
}

/** Reads bytes `start..end` (inclusive) of a file, or says why it cannot. */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array | 'missing' | 'unsupported'>;

/**
 * One tensor of a safetensors file read piecewise through `read`: the header length, the header,
 * then only that tensor's bytes, returned as a one-tensor safetensors file. `source` names the file
 * in errors.
 */
export async function readTensorByRanges(read: RangeReader, key: string, source: string): Promise<RemoteTensor> {
	const lengthBytes = await read(0, 7);
	if (typeof lengthBytes === 'string') return { kind: lengthBytes };
	const headerLength = Number(new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true));
	if (headerLength <= 0 || headerLength > 100_000_000) {
		throw createError('MALFORMED_JSON', { detail: `safetensors ${source}: implausible header length ${headerLength}` });
	}
	const headerBytes = await read(8, 8 + headerLength - 1);
	if (typeof headerBytes === 'string') return { kind: headerBytes };
	let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
	try {
		header = JSON.parse(new TextDecoder().decode(headerBytes));
	} catch (error) {
		throw createError('MALFORMED_JSON', { detail: `safetensors header of ${source}: ${(error as Error).message}` });
	}
	const entry = header[key];
	if (!entry || !Array.isArray(entry.data_offsets)) return { kind: 'absent' };
	const [begin, end] = entry.data_offsets;
	const data = end > begin ? await read(8 + headerLength + begin, 8 + headerLength + end - 1) : new Uint8Array(0);
	if (typeof data === 'string') return { kind: data };
	return { kind: 'tensor', file: encodeSafetensors([{ name: key, dtype: entry.dtype, shape: entry.shape, bytes: data }]) };
}

/** `readTensorByRanges` over HTTP Range requests. */
export function fetchTensorByRange(url: string, key: string): Promise<RemoteTensor> {
	return readTensorByRanges((start, end) => range(url, start, end), key, url);
}
