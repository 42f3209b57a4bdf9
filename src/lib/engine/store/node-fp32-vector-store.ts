/**
 * Node: the fp32 side store of rescoring in one temporary file (documents appended in row order; an
 * in-memory table of row offsets), read back with positioned synchronous reads (into the caller's
 * bytes with `readInto`). Deleted on `dispose`.
 */
import { readSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createError } from '../errors';
import type { ReadAllocator, TokenMatrix } from '../types';
import type { Fp32VectorStore } from './fp32-vector-store';
import { readRowsInto } from './read-rows-into';

/**
 * @example
 * const store = new NodeFileFp32Store(); // a file in os.tmpdir()
 * await store.putBatch(0, docs); const [d3] = await store.get([3]);
 */
export class NodeFileFp32Store implements Fp32VectorStore {
	readonly label: string;
	readonly path: string;
	bytes = 0;
	private handle: Promise<FileHandle> | null = null;
	/** The open file's descriptor, for the synchronous reads (set once the file is open: documents were put). */
	private fd: number | undefined;
	private readonly starts: number[] = [];
	private readonly rowsOf: number[] = [];
	private dim = 0;

	/** `dir`: folder of the temporary file (default `os.tmpdir()`). */
	constructor(dir: string = tmpdir()) {
		this.path = join(dir, `latelab-fp32-${process.pid}-${Math.random().toString(36).slice(2)}.f32`);
		this.label = `temporary file ${this.path}`;
	}

	private file(): Promise<FileHandle> {
		if (!this.handle) {
			this.handle = open(this.path, 'w+').then((fh) => {
				this.fd = fh.fd;
				return fh;
			}, (cause) => {
				throw createError('BAD_ARGUMENT', { detail: `cannot create the fp32 rescoring file ${this.path}: ${(cause as { code?: string }).code ?? cause}` }, {}, cause);
			});
		}
		return this.handle;
	}

	async putBatch(first: number, docs: readonly TokenMatrix[]): Promise<void> {
		if (first !== this.starts.length) throw createError('BAD_ARGUMENT', { detail: `${this.label}: batch starts at document ${first}, expected ${this.starts.length}` });
		const fh = await this.file();
		const total = docs.reduce((s, d) => s + d.rows * d.dim, 0);
		const buffer = new Float32Array(total);
		let at = 0;
		for (const d of docs) {
			buffer.set(d.data.subarray(0, d.rows * d.dim), at);
			this.starts.push(this.bytes + 4 * at);
			this.rowsOf.push(d.rows);
			this.dim = d.dim;
			at += d.rows * d.dim;
		}
		await fh.write(new Uint8Array(buffer.buffer), 0, buffer.byteLength, this.bytes);
		this.bytes += buffer.byteLength;
	}

	/** The documents at `rows`, in that order (one buffer they share). */
	async get(rows: readonly number[]): Promise<TokenMatrix[]> {
		await this.file();
		return this.readInto(rows, (bytes) => new Uint8Array(bytes));
	}

	/**
	 * `get` into `allocate(bytes, documents)`'s bytes (`readRowsInto`: one positioned read per run of
	 * adjacent rows; mostly from the page cache, where ~70 µs per 46 kB document went when each had its
	 * own allocation and read). Synchronous: a thread-pool round trip per read costs more than the copy,
	 * and the rescorer can have the vectors read straight into its kernel's memory.
	 */
	readInto(rows: readonly number[], allocate: ReadAllocator): TokenMatrix[] {
		const bytesOf = (r: number) => 4 * this.rowsOf[r] * this.dim;
		const { into, place } = readRowsInto(
			{ label: this.label, size: this.starts.length, start: (r) => this.starts[r], length: bytesOf, read: (bytes, from) => this.readFully(this.fd!, bytes, 0, bytes.byteLength, from) },
			rows,
			allocate
		);
		return rows.map((r) => ({ data: new Float32Array(into.buffer, into.byteOffset + place.get(r)!, bytesOf(r) / 4), rows: this.rowsOf[r], dim: this.dim }));
	}

	/** `readSync` until `length` bytes are in (it may return fewer, e.g. above 2 GB per call). */
	private readFully(fd: number, bytes: Uint8Array, at: number, length: number, position: number): void {
		for (let done = 0; done < length; ) {
			const got = readSync(fd, bytes, at + done, length - done, position + done);
			if (got === 0) throw createError('BAD_ARGUMENT', { detail: `${this.label}: file ends at byte ${position + done}, expected ${length - done} more bytes` });
			done += got;
		}
	}

	async dispose(): Promise<void> {
		if (this.handle) await (await this.handle).close().catch(() => undefined);
		this.handle = null;
		this.fd = undefined;
		await rm(this.path, { force: true });
	}
}
