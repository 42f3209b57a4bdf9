/**
 * `zipEntries` reads a zip's files through `Blob.slice` from its central directory: the same files as
 * fflate's whole-archive `unzipSync` for zips fflate writes (stored, deflated, mixed), a zip Python's
 * `zipfile` wrote (ZIP64 extra fields in the local headers, a directory entry), a ZIP64 archive
 * (`tests/support/zip64-writer.ts`, checked with Python's reader when written), and clear errors.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { namedBlobsFromZip } from '../../../src/lib/engine/corpus/blobs';
import { zipEntries, zipPaths } from '../../../src/lib/engine/corpus/zip-entries';
import { zip64Stored } from '../../support/zip64-writer';

const text = (s: string) => new TextEncoder().encode(s);
const floats = (n: number) => new Uint8Array(Float32Array.from({ length: n }, (_, i) => Math.sin(i)).buffer);

async function contents(files: { path: string; blob: Blob }[]): Promise<Record<string, number[]>> {
	const out: Record<string, number[]> = {};
	for (const f of files) out[f.path] = [...new Uint8Array(await f.blob.arrayBuffer())];
	return out;
}

/** Python 3 `zipfile`, `force_zip64=True` on two entries (one deflated) plus a directory entry `folder/`. */
const PYTHON_ZIP =
	'UEsDBC0AAAAAAAAAIQBhVqdN//////////8UABQAZm9sZGVyL21hbmlmZXN0Lmpzb24BABAAIAAAAAAAAAAgAAAAAAAAAHsiZm9ybWF0IjoibGF0ZWxhYi1tdWx0aXZlY3RvciJ9UEsDBC0AAAAIAAAAIQBY3V6f//////////8UABQAZm9sZGVyL2RvY3VtZW50cy5iaW4BABAAAAgAAAAAAAAiAQAAAAAAAGNgZGJmYWVj5+Dk4ubh5eMXEBQSFhEVE5eQlJKWkZWTV1BUUlZRVVPX0NTS1tHV0zcwNDI2MTUzt7C0sraxtbN3cHRydnF1c/fw9PL28fXzDwgMCg4JDQuPiIyKjomNi09ITEpOSU1Lz8jMys7JzcsvKCwqLiktK6+orKquqa2rb2hsam5pbWvv6Ozq7unt658wcdLkKVOnTZ8xc9bsOXPnzV+wcNHiJUuXLV+xctXqNWvXrd+wcdPmLVu3bd+xc9fuPXv37T9w8NDhI0ePHT9x8tTpM2fPnb9w8dLlK1evXb9x89btO3fv3X/w8NHjJ0+fPX/x8tXrN2/fvf/w8dPnL1+/ff/x89fvP3///WcY9f+o/0f9P+r/Uf+P+n8E+h8AUEsDBBQAAAAAAJAUh10AAAAAAAAAAAAAAAAHAAAAZm9sZGVyL1BLAQItAy0AAAAAAAAAIQBhVqdNIAAAACAAAAAUAAAAAAAAAAAAAACAAQAAAABmb2xkZXIvbWFuaWZlc3QuanNvblBLAQItAy0AAAAIAAAAIQBY3V6fIgEAAAAIAAAUAAAAAAAAAAAAAACAAWYAAABmb2xkZXIvZG9jdW1lbnRzLmJpblBLAQIUAxQAAAAAAJAUh10AAAAAAAAAAAAAAAAHAAAAAAAAAAAAEAD9Qc4BAABmb2xkZXIvUEsFBgAAAAADAAMAuQAAAPMBAAAAAA==';

describe('zipEntries', () => {
	it('zipEntries(zip) gives the same files as unzipSync for stored, deflated and mixed zips, skipping __MACOSX/', async () => {
		const files = { 'v/manifest.json': text('{"format":"latelab-multivector"}'), 'v/documents.safetensors': floats(5000), 'v/documents.jsonl': text('{"_id":"d1","text":"a"}\n'), '__MACOSX/v/._x': text('junk') };
		for (const level of [0, 6] as const) {
			const zip = zipSync(files, { level });
			const expected = await contents(namedBlobsFromZip(zip));
			const actual = await contents(await zipEntries(new Blob([zip])));
			expect(Object.keys(actual).sort()).toEqual(['v/documents.jsonl', 'v/documents.safetensors', 'v/manifest.json']);
			expect(actual).toEqual(expected);
			expect((await zipPaths(new Blob([zip]))).sort()).toEqual(Object.keys(actual).sort());
		}
		const mixed = zipSync({ 'a.bin': [floats(300), { level: 0 }], 'b.txt': [text('hello '.repeat(50)), { level: 9 }] });
		expect(await contents(await zipEntries(new Blob([mixed])))).toEqual(await contents(namedBlobsFromZip(mixed)));
	});

	it('zipEntries(zip) returns stored entries as slices of the zip: it reads only the end records and headers', async () => {
		const payload = floats(300_000); // 1.2 MB
		const real = new Blob([zipSync({ 'documents.safetensors': payload, 'manifest.json': text('{}') }, { level: 0 })]);
		const sliced: number[] = [];
		// A Blob that records the ranges asked for (all reads go through slice()).
		const zip = { size: real.size, slice: (start?: number, end?: number) => { const s = real.slice(start, end); sliced.push(s.size); return s; } } as unknown as Blob;
		const files = await zipEntries(zip);
		const entry = files.find((f) => f.path === 'documents.safetensors')!;
		expect(entry.blob.size).toBe(payload.length);
		expect([...new Uint8Array(await entry.blob.arrayBuffer())]).toEqual([...payload]);
		// Besides the entries handed back, the reads stay within the tail (<= 64 KiB + 22) and a few headers.
		const reads = sliced.filter((n) => n !== payload.length && n !== 2);
		expect(reads.reduce((a, n) => a + n, 0)).toBeLessThan(70_000);
		expect(real.size).toBeGreaterThan(1_000_000);
	});

	it("zipEntries reads Python zipfile's ZIP64 local headers and skips its directory entries", async () => {
		const zip = new Blob([Uint8Array.from(atob(PYTHON_ZIP), (c) => c.charCodeAt(0))]);
		const files = await contents(await zipEntries(zip));
		expect(Object.keys(files)).toEqual(['folder/manifest.json', 'folder/documents.bin']);
		expect(String.fromCharCode(...files['folder/manifest.json'])).toBe('{"format":"latelab-multivector"}');
		expect(files['folder/documents.bin']).toEqual(Array.from({ length: 2048 }, (_, i) => i % 256));
	});

	it('zipEntries reads a ZIP64 archive: end record locator, 64-bit sizes and offsets in the extra fields', async () => {
		const files = { 'a/manifest.json': text('{"x":1}'), 'a/b.bin': Uint8Array.from({ length: 1000 }, (_, i) => i & 255) };
		const actual = await contents(await zipEntries(new Blob([zip64Stored(files)])));
		expect(actual).toEqual({ 'a/manifest.json': [...files['a/manifest.json']], 'a/b.bin': [...files['a/b.bin']] });
	});

	it('zipEntries names what is wrong: not a zip, a cut zip, an unsupported compression method', async () => {
		await expect(zipEntries(new Blob([text('just text, not a zip')]), 'notes.zip')).rejects.toMatchObject({ code: 'UNKNOWN_FORMAT', message: expect.stringMatching(/notes\.zip.*not a readable zip \(no end of central directory record\)/) });
		const zip = zipSync({ 'big.bin': floats(4000), 'small.txt': text('x') }, { level: 0 });
		await expect(zipEntries(new Blob([zip.subarray(0, zip.length >> 1)]), 'cut.zip')).rejects.toMatchObject({ code: 'UNKNOWN_FORMAT' });
		// Method 12 (bzip2) in the central directory entry of the only file.
		const odd = zipSync({ 'x.txt': text('hello') }, { level: 0 });
		const central = odd.findIndex((_, i) => odd[i] === 0x50 && odd[i + 1] === 0x4b && odd[i + 2] === 1 && odd[i + 3] === 2);
		odd[central + 10] = 12;
		await expect(zipEntries(new Blob([odd]), 'odd.zip')).rejects.toMatchObject({ message: expect.stringContaining('x.txt uses compression method 12') });
	});
});
