/**
 * A stored-only ZIP64 archive written by hand (PKWARE APPNOTE 6.3.10: every size and offset in the
 * central directory as 0xFFFFFFFF with the 64-bit values in a ZIP64 extra field, then the ZIP64 end
 * record, its locator and an end record whose fields are all 0xFFFF / 0xFFFFFFFF), for the readers'
 * ZIP64 paths without writing 4 GiB. Python's `zipfile` reads what this writes (checked when written).
 */
import { concatBytes } from '../../src/lib/engine/concat-bytes';

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** `files` (path -> bytes), stored uncompressed, as a ZIP64 archive. */
export function zip64Stored(files: Record<string, Uint8Array>) {
	const encoder = new TextEncoder();
	const parts: Uint8Array[] = [];
	const central: Uint8Array[] = [];
	let offset = 0;
	const push = (bytes: Uint8Array) => {
		parts.push(bytes);
		offset += bytes.length;
	};
	for (const [path, data] of Object.entries(files)) {
		const name = encoder.encode(path);
		const crc = crc32(data);
		const local = new DataView(new ArrayBuffer(30 + name.length + 20));
		local.setUint32(0, 0x04034b50, true);
		local.setUint16(4, 45, true); // version needed: ZIP64
		local.setUint32(14, crc, true);
		local.setUint32(18, 0xffffffff, true);
		local.setUint32(22, 0xffffffff, true);
		local.setUint16(26, name.length, true);
		local.setUint16(28, 20, true);
		new Uint8Array(local.buffer).set(name, 30);
		local.setUint16(30 + name.length, 1, true);
		local.setUint16(32 + name.length, 16, true);
		local.setBigUint64(34 + name.length, BigInt(data.length), true);
		local.setBigUint64(42 + name.length, BigInt(data.length), true);
		const localAt = offset;
		push(new Uint8Array(local.buffer));
		push(data);
		const entry = new DataView(new ArrayBuffer(46 + name.length + 28));
		entry.setUint32(0, 0x02014b50, true);
		entry.setUint16(4, 45, true);
		entry.setUint16(6, 45, true);
		entry.setUint32(16, crc, true);
		entry.setUint32(20, 0xffffffff, true);
		entry.setUint32(24, 0xffffffff, true);
		entry.setUint16(28, name.length, true);
		entry.setUint16(30, 28, true);
		entry.setUint32(42, 0xffffffff, true);
		new Uint8Array(entry.buffer).set(name, 46);
		const x = 46 + name.length;
		entry.setUint16(x, 1, true);
		entry.setUint16(x + 2, 24, true);
		entry.setBigUint64(x + 4, BigInt(data.length), true); // uncompressed
		entry.setBigUint64(x + 12, BigInt(data.length), true); // compressed
		entry.setBigUint64(x + 20, BigInt(localAt), true); // local header offset
		central.push(new Uint8Array(entry.buffer));
	}
	const centralAt = offset;
	for (const c of central) push(c);
	const centralSize = offset - centralAt;
	const recordAt = offset;
	const record = new DataView(new ArrayBuffer(56));
	record.setUint32(0, 0x06064b50, true);
	record.setBigUint64(4, 44n, true);
	record.setUint16(12, 45, true);
	record.setUint16(14, 45, true);
	record.setBigUint64(24, BigInt(central.length), true);
	record.setBigUint64(32, BigInt(central.length), true);
	record.setBigUint64(40, BigInt(centralSize), true);
	record.setBigUint64(48, BigInt(centralAt), true);
	push(new Uint8Array(record.buffer));
	const locator = new DataView(new ArrayBuffer(20));
	locator.setUint32(0, 0x07064b50, true);
	locator.setBigUint64(8, BigInt(recordAt), true);
	locator.setUint32(16, 1, true);
	push(new Uint8Array(locator.buffer));
	const end = new DataView(new ArrayBuffer(22));
	end.setUint32(0, 0x06054b50, true);
	end.setUint16(8, 0xffff, true);
	end.setUint16(10, 0xffff, true);
	end.setUint32(12, 0xffffffff, true);
	end.setUint32(16, 0xffffffff, true);
	push(new Uint8Array(end.buffer));
	return concatBytes(parts, offset);
}
