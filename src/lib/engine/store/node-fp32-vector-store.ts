/**
 * Node: the fp32 side store of rescoring in one temporary file (documents appended in row order; an
 * in-memory table of row offsets), read back with positioned synchronous reads. Deleted on `dispose`.
 */
import { readSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import type { Fp32VectorStore } from './fp32-vector-store';

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
			this.handle = open(this.path, 'w+').catch((cause) => {
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

	async get(rows: readonly number[]): Promise<TokenMatrix[]> {
		const fh = await this.file();
		// One buffer for all n documents, filled in file order with one positioned read per run of
		// adjacent documents (a rescoring pass reads ~100 documents, mostly from the page cache: per-call
		// costs, not bytes, dominated when each document had its own allocation and read, ~70 µs per
		// 46 kB document here). Synchronous: a thread-pool round trip per read costs more than the copy.
		const values = new Array<number>(rows.length);
		let total = 0;
		rows.forEach((r, i) => {
			if (!Number.isInteger(r) || r < 0 || r >= this.starts.length) throw createError('BAD_ARGUMENT', { detail: `${this.label}: no document ${r}` });
			values[i] = total;
			total += this.rowsOf[r] * this.dim;
		});
		const data = new Float32Array(total);
		const bytes = new Uint8Array(data.buffer);
		const order = rows.map((_, i) => i).sort((a, b) => this.starts[rows[a]] - this.starts[rows[b]]);
		let i = 0;
		while (i < order.length) {
			// Documents adjacent in the file and in the buffer's order form one read.
			let j = i + 1;
			const end = (x: number) => this.starts[rows[order[x]]] + 4 * this.rowsOf[rows[order[x]]] * this.dim;
			while (j < order.length && this.starts[rows[order[j]]] === end(j - 1) && values[order[j]] === values[order[j - 1]] + this.rowsOf[rows[order[j - 1]]] * this.dim) j++;
			const at = 4 * values[order[i]];
			const length = end(j - 1) - this.starts[rows[order[i]]];
			this.readFully(fh.fd, bytes, at, length, this.starts[rows[order[i]]]);
			i = j;
		}
		return rows.map((r, i) => ({ data: data.subarray(values[i], values[i] + this.rowsOf[r] * this.dim), rows: this.rowsOf[r], dim: this.dim }));
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
		await rm(this.path, { force: true });
	}
}
