/**
 * CRC-32 (IEEE 802.3, the polynomial of zip and PNG, reflected 0xEDB88320), used to detect corrupt or
 * partially written cache entries. Not a cryptographic hash: it catches truncation and bit rot, not tampering.
 */

let table: Uint32Array | null = null;

function crcTable(): Uint32Array {
	if (table) return table;
	table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
}

/**
 * CRC-32 of `bytes`, as an unsigned 32-bit integer.
 * @example crc32(new TextEncoder().encode('123456789')) // 0xcbf43926 (the standard check value)
 */
export function crc32(bytes: Uint8Array): number {
	const t = crcTable();
	let c = 0xffffffff;
	for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
