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
		// Positioned synchronous reads: a rescoring pass reads ~100 small documents mostly from the page
		// cache, where one thread-pool round trip per document costs more than the copy itself.
		return rows.map((r) => {
			if (r < 0 || r >= this.starts.length) throw createError('BAD_ARGUMENT', { detail: `${this.label}: no document ${r}` });
			const data = new Float32Array(this.rowsOf[r] * this.dim);
			readSync(fh.fd, new Uint8Array(data.buffer), 0, data.byteLength, this.starts[r]);
			return { data, rows: this.rowsOf[r], dim: this.dim };
		});
	}

	async dispose(): Promise<void> {
		if (this.handle) await (await this.handle).close().catch(() => undefined);
		this.handle = null;
		await rm(this.path, { force: true });
	}
}
