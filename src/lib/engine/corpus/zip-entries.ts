/**
 * The files of a zip as named Blobs, read from the zip's central directory through `Blob.slice`, so a
 * large zip (a vectors folder: hundreds of MB of float32) is never held in memory whole. Entries
 * stored without compression (method 0, what `zip -0` and most tensor exporters write, since floats
 * barely deflate) become slices of the zip itself, read only when parsed; deflated entries (method 8)
 * are inflated one at a time with fflate. ZIP64 archives and entries (over 4 GiB or 65,535 files) are
 * read. fflate's `unzip` needs the whole archive as one buffer, which is why this reader exists.
 * Layouts: PKWARE APPNOTE.TXT 6.3.10, sections 4.3.7 (local header), 4.3.12 (central directory),
 * 4.3.14-4.3.16 (ZIP64 end records, end of central directory), 4.5.3 (ZIP64 extra field).
 */
import { inflateSync } from 'fflate';
import { createError } from '../errors';
import { unsharedBytes } from '../unshared-bytes';
import { isZipFile, type NamedBlob } from './blobs';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end record (22 bytes) plus the longest comment (65,535 bytes). */
const TAIL = 22 + 0xffff;

const bytesOf = async (blob: Blob, start: number, end: number): Promise<DataView> => new DataView(await blob.slice(start, end).arrayBuffer());
const u64 = (view: DataView, at: number): number => Number(view.getBigUint64(at, true));

function bad(zip: string, detail: string): Error {
	return createError('UNKNOWN_FORMAT', { path: zip, detail: `not a readable zip (${detail})` });
}

/** One central-directory entry: where its data starts is read from its local header. */
interface CentralEntry {
	path: string;
	method: number;
	flags: number;
	compressedSize: number;
	localOffset: number;
}

/** Offset, size and count of the central directory, from the end records (ZIP64 when the 32-bit fields are full). */
async function centralDirectory(zip: Blob, name: string): Promise<{ offset: number; size: number; count: number }> {
	const start = Math.max(0, zip.size - TAIL);
	const tail = await bytesOf(zip, start, zip.size);
	let at = -1;
	for (let i = tail.byteLength - 22; i >= 0; i--) {
		if (tail.getUint32(i, true) === EOCD) {
			at = i;
			break;
		}
	}
	if (at < 0) throw bad(name, 'no end of central directory record');
	let count = tail.getUint16(at + 10, true);
	let size = tail.getUint32(at + 12, true);
	let offset = tail.getUint32(at + 16, true);
	if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
		const locatorAt = start + at - 20;
		const locator = locatorAt >= 0 ? await bytesOf(zip, locatorAt, locatorAt + 20) : undefined;
		if (!locator || locator.getUint32(0, true) !== ZIP64_LOCATOR) throw bad(name, 'a ZIP64 archive without its end record locator');
		const recordAt = u64(locator, 8);
		const record = await bytesOf(zip, recordAt, recordAt + 56);
		if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) throw bad(name, 'no ZIP64 end of central directory record');
		count = u64(record, 32);
		size = u64(record, 40);
		offset = u64(record, 48);
	}
	if (offset + size > zip.size) throw bad(name, `the central directory (${size} bytes at ${offset}) runs past the end of the file (${zip.size} bytes)`);
	return { offset, size, count };
}

function parseCentral(view: DataView, count: number, name: string): CentralEntry[] {
	const entries: CentralEntry[] = [];
	const utf8 = new TextDecoder();
	let at = 0;
	for (let i = 0; i < count; i++) {
		if (at + 46 > view.byteLength || view.getUint32(at, true) !== CENTRAL) throw bad(name, `central directory entry ${i + 1} of ${count} is missing`);
		const flags = view.getUint16(at + 8, true);
		const method = view.getUint16(at + 10, true);
		let compressedSize = view.getUint32(at + 20, true);
		let uncompressedSize = view.getUint32(at + 24, true);
		const nameLength = view.getUint16(at + 28, true);
		const extraLength = view.getUint16(at + 30, true);
		const commentLength = view.getUint16(at + 32, true);
		let localOffset = view.getUint32(at + 42, true);
		const path = utf8.decode(new Uint8Array(view.buffer, view.byteOffset + at + 46, nameLength));
		// ZIP64 extra field (id 1): the 64-bit values of the fields that are 0xFFFFFFFF, in this order.
		let extra = at + 46 + nameLength;
		const extraEnd = extra + extraLength;
		while (extra + 4 <= extraEnd) {
			const id = view.getUint16(extra, true);
			const length = view.getUint16(extra + 2, true);
			if (id === 1) {
				let field = extra + 4;
				if (uncompressedSize === 0xffffffff) (uncompressedSize = u64(view, field)), (field += 8);
				if (compressedSize === 0xffffffff) (compressedSize = u64(view, field)), (field += 8);
				if (localOffset === 0xffffffff) localOffset = u64(view, field);
			}
			extra += 4 + length;
		}
		entries.push({ path, method, flags, compressedSize, localOffset });
		at = extraEnd + commentLength;
	}
	return entries;
}

/**
 * The paths of the files in `zip` (directories and `__MACOSX/` entries skipped), from its central
 * directory only: what a caller needs to decide how to read the zip before any entry is inflated.
 * @example await zipPaths(file) // ['scifact/corpus.jsonl', 'scifact/queries.jsonl', ...]
 */
export async function zipPaths(zip: Blob, name = 'the zip'): Promise<string[]> {
	const directory = await centralDirectory(zip, name);
	return parseCentral(await bytesOf(zip, directory.offset, directory.offset + directory.size), directory.count, name)
		.map((e) => e.path)
		.filter(isZipFile);
}

/**
 * The files of `zip` (directories and `__MACOSX/` entries skipped) as named Blobs: stored entries as
 * slices of `zip`, deflated ones inflated. `name` labels errors (default `the zip`). Throws
 * `UNKNOWN_FORMAT` for a file that is not a zip, an encrypted entry or a compression method other than
 * stored or deflate.
 * @example const files = await zipEntries(file, file.name); files.map((f) => f.path) // ['manifest.json', ...]
 */
export async function zipEntries(zip: Blob, name = 'the zip'): Promise<NamedBlob[]> {
	const directory = await centralDirectory(zip, name);
	const central = parseCentral(await bytesOf(zip, directory.offset, directory.offset + directory.size), directory.count, name);
	const files: NamedBlob[] = [];
	for (const entry of central) {
		if (!isZipFile(entry.path)) continue;
		if (entry.flags & 1) throw bad(name, `${entry.path} is encrypted`);
		const local = await bytesOf(zip, entry.localOffset, entry.localOffset + 30);
		if (local.byteLength < 30 || local.getUint32(0, true) !== LOCAL) throw bad(name, `no local header for ${entry.path} at byte ${entry.localOffset}`);
		const dataAt = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
		const dataEnd = dataAt + entry.compressedSize;
		if (dataEnd > zip.size) throw bad(name, `${entry.path} (${entry.compressedSize} bytes at ${dataAt}) runs past the end of the file`);
		if (entry.method === 0) files.push({ path: entry.path, blob: zip.slice(dataAt, dataEnd) });
		else if (entry.method === 8) {
			let inflated: Uint8Array;
			try {
				inflated = inflateSync(new Uint8Array(await zip.slice(dataAt, dataEnd).arrayBuffer()));
			} catch (cause) {
				throw createError('UNKNOWN_FORMAT', { path: name, detail: `not a readable zip (${entry.path}: ${String(cause)})` }, {}, cause);
			}
			files.push({ path: entry.path, blob: new Blob([unsharedBytes(inflated)]) });
		} else throw bad(name, `${entry.path} uses compression method ${entry.method}; only stored (0) and deflate (8) are read`);
	}
	return files;
}
