/**
 * Where fp32 document vectors live in a dedicated worker that has the Origin Private File System
 * (OPFS): one file per store, written at offsets through a synchronous access handle, read back by
 * positioned reads. Same role and interface as `IndexedDbVectorsStore` (multivector-idb.ts), kept on
 * disk as a real system keeps its originals, but a rescoring query costs one read per run of adjacent
 * documents instead of one IndexedDB request per document (issue 12: 100 requests of 96 KiB took most
 * of binary + rescore's 241 ms).
 *
 * Layout: the documents' rows back to back (`rows x dim` float32, little-endian as in memory), in
 * row order; the byte offset of every document is kept in memory (the folder's offsets tensor, built
 * as batches arrive). A sync access handle holds the file's lock while the store lives, so a page
 * session that ends without disposing leaves an unlocked file behind; `deleteStaleVectorFiles`
 * removes those (a file another tab still has open is locked and stays).
 */
import { createError } from '../errors';
import { isQuotaError, quotaError } from '../store/browser-storage';
import type { ReadAllocator, TokenMatrix } from '../types';
import type { VectorsStore } from './multivector-folder';
import { readRowsInto } from '../store/read-rows-into';

/** Name prefix of a vectors folder's file. */
export const VECTORS_FILE_PREFIX = 'latelab-vectors-';
/** Name prefix of a rescoring panel's file (its own fp32 copy of an encoded text corpus). */
export const FP32_FILE_PREFIX = 'latelab-fp32-';

/** What the store uses of a synchronous access handle (`FileSystemSyncAccessHandle`). */
export interface OpfsAccessHandle {
	read(buffer: Uint8Array, options: { at: number }): number;
	write(buffer: Uint8Array, options: { at: number }): number;
	close(): void;
}

/** What the store uses of an OPFS directory (`FileSystemDirectoryHandle`; Node tests pass a fake). */
export interface OpfsDirectory {
	getFileHandle(name: string, options?: { create?: boolean }): Promise<{ createSyncAccessHandle(): Promise<OpfsAccessHandle> }>;
	removeEntry(name: string): Promise<void>;
	keys(): AsyncIterable<string>;
}

/** Names of the files open in this realm: never stale, whatever the locks say. */
const openHere = new Set<string>();

/**
 * The OPFS root when this realm can open sync access handles on it (a dedicated worker in Chromium,
 * Firefox, Safari), else undefined (the page's main thread, Node).
 * @example const dir = await opfsDirectory(); const store = dir ? await OpfsVectorsStore.open(dir) : undefined
 */
export async function opfsDirectory(): Promise<OpfsDirectory | undefined> {
	const g = globalThis as {
		navigator?: { storage?: { getDirectory?: () => Promise<unknown> } };
		FileSystemFileHandle?: { prototype?: { createSyncAccessHandle?: unknown } };
	};
	const storage = g.navigator?.storage;
	if (typeof storage?.getDirectory !== 'function' || typeof g.FileSystemFileHandle?.prototype?.createSyncAccessHandle !== 'function') return undefined;
	try {
		return (await storage.getDirectory()) as OpfsDirectory;
	} catch {
		// Storage blocked for the site (e.g. cookies disabled): the caller falls back to IndexedDB.
		return undefined;
	}
}

/**
 * fp32 multi-vectors in one OPFS file, written once in row order, read by row.
 * @example const s = await OpfsVectorsStore.open(dir); await s.putBatch(0, docs); (await s.get([7, 3]))[0].rows
 */
export class OpfsVectorsStore implements VectorsStore {
	readonly label: string;
	bytes = 0;
	/** Documents read so far, for the worker's report and tests. */
	reads = 0;
	/** Positioned reads so far (one per run of adjacent documents). */
	readCalls = 0;
	private dim = 0;
	/** Byte offset of document i in the file; `starts[size]` is the file's length. */
	private readonly starts: number[] = [0];
	private access: OpfsAccessHandle | null;

	private constructor(
		readonly name: string,
		private readonly directory: OpfsDirectory,
		access: OpfsAccessHandle
	) {
		this.label = `OPFS ${name}`;
		this.access = access;
	}

	/**
	 * Creates the store's file in `directory` and opens its sync access handle (rejects where the
	 * realm cannot: the caller falls back to IndexedDB).
	 */
	static async open(directory: OpfsDirectory, prefix = VECTORS_FILE_PREFIX): Promise<OpfsVectorsStore> {
		const name = `${prefix}${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.f32`;
		openHere.add(name);
		try {
			const file = await directory.getFileHandle(name, { create: true });
			return new OpfsVectorsStore(name, directory, await file.createSyncAccessHandle());
		} catch (error) {
			openHere.delete(name);
			await directory.removeEntry(name).catch(() => undefined);
			throw error;
		}
	}

	private handle(): OpfsAccessHandle {
		if (!this.access) throw createError('BAD_ARGUMENT', { detail: `${this.label} was disposed (the corpus or panel it served was replaced)` });
		return this.access;
	}

	async putBatch(first: number, docs: readonly TokenMatrix[]): Promise<void> {
		if (first !== this.size) throw createError('BAD_ARGUMENT', { detail: `${this.label}: batch starts at document ${first}, expected ${this.size} (write in order)` });
		const access = this.handle();
		for (const [i, d] of docs.entries()) {
			if (this.dim === 0) this.dim = d.dim;
			if (d.dim !== this.dim) throw createError('BAD_ARGUMENT', { detail: `${this.label}: document ${first + i} has dim ${d.dim}, the others ${this.dim}` });
			const data = d.data.subarray(0, d.rows * d.dim);
			const at = this.starts[this.starts.length - 1];
			const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
			let written: number;
			try {
				written = access.write(bytes, { at });
			} catch (error) {
				if (isQuotaError(error)) throw await quotaError(`document ${first + i} (${data.byteLength} bytes) in ${this.label}`, error, undefined, data.byteLength);
				throw error;
			}
			if (written !== bytes.byteLength) throw createError('BAD_ARGUMENT', { detail: `${this.label}: wrote ${written} of ${bytes.byteLength} bytes of document ${first + i}` });
			this.starts.push(at + bytes.byteLength);
			this.bytes += bytes.byteLength;
		}
	}

	/**
	 * The documents at `rows`, in that order: the distinct rows sorted, each run of adjacent rows read
	 * with one positioned read into one buffer the returned matrices share.
	 */
	async get(rows: readonly number[]): Promise<TokenMatrix[]> {
		return this.readInto(rows, (bytes) => new Uint8Array(bytes));
	}

	/** `get` into `allocate(bytes, documents)`'s bytes (the distinct rows in ascending order, back to back). */
	readInto(rows: readonly number[], allocate: ReadAllocator): TokenMatrix[] {
		const access = this.handle();
		const { into, place } = readRowsInto(
			{ label: this.label, size: this.size, start: (r) => this.starts[r], length: (r) => this.starts[r + 1] - this.starts[r], read: (bytes, from) => this.readAt(access, bytes, from) },
			rows,
			allocate
		);
		this.reads += rows.length;
		return rows.map((r) => this.matrix(into.buffer, into.byteOffset + place.get(r)!, r));
	}

	/** Documents `first .. first + count` (fewer at the end) in row order, with one read. */
	async range(first: number, count: number): Promise<TokenMatrix[]> {
		const access = this.handle();
		const last = Math.min(this.size, first + count);
		if (last <= first) return [];
		const buffer = new ArrayBuffer(this.starts[last] - this.starts[first]);
		this.readAt(access, new Uint8Array(buffer), this.starts[first]);
		this.reads += last - first;
		return Array.from({ length: last - first }, (_, i) => this.matrix(buffer, this.starts[first + i] - this.starts[first], first + i));
	}

	private readAt(access: OpfsAccessHandle, into: Uint8Array, at: number): void {
		const got = access.read(into, { at });
		this.readCalls++;
		if (got !== into.byteLength) throw createError('BAD_ARGUMENT', { detail: `${this.label}: read ${got} of ${into.byteLength} bytes at ${at} (the file was cut short)` });
	}

	private matrix(buffer: ArrayBufferLike, byteOffset: number, row: number): TokenMatrix {
		const length = (this.starts[row + 1] - this.starts[row]) / 4;
		return { data: new Float32Array(buffer, byteOffset, length), rows: this.dim === 0 ? 0 : length / this.dim, dim: this.dim };
	}

	/** Documents written. */
	get size(): number {
		return this.starts.length - 1;
	}

	/** Closes the handle and deletes the file. */
	async dispose(): Promise<void> {
		const access = this.access;
		this.access = null;
		if (!access) return;
		try {
			access.close();
		} catch {
			// Already closed (the worker is going away): removing the file below still applies.
		}
		await this.directory.removeEntry(this.name).catch(() => undefined);
		openHere.delete(this.name);
	}
}

/**
 * Deletes the vectors files (folder and panel files) of earlier page sessions except `keep` and the
 * files open in this realm; a file another tab has open is locked by its access handle, its removal
 * fails and it stays. Resolves to the names removed.
 * @example await deleteStaleVectorFiles(store.name, dir)
 */
export async function deleteStaleVectorFiles(keep: string, directory: OpfsDirectory): Promise<string[]> {
	const stale: string[] = [];
	for await (const name of directory.keys()) {
		if ((name.startsWith(VECTORS_FILE_PREFIX) || name.startsWith(FP32_FILE_PREFIX)) && name !== keep && !openHere.has(name)) stale.push(name);
	}
	const removed: string[] = [];
	for (const name of stale) {
		try {
			await directory.removeEntry(name);
			removed.push(name);
		} catch {
			// Open in another tab (NoModificationAllowedError): that tab disposes it, or a later session does.
		}
	}
	return removed;
}

/**
 * A new store in the OPFS root, or undefined where this realm cannot open one (the caller uses
 * IndexedDB). Files of earlier page sessions are removed in the background.
 * @example const store = (await openOpfsVectorsStore(FP32_FILE_PREFIX)) ?? new IndexedDbFp32Store()
 */
export async function openOpfsVectorsStore(prefix = VECTORS_FILE_PREFIX): Promise<OpfsVectorsStore | undefined> {
	const directory = await opfsDirectory();
	if (!directory) return undefined;
	try {
		const store = await OpfsVectorsStore.open(directory, prefix);
		void deleteStaleVectorFiles(store.name, directory).catch(() => undefined);
		return store;
	} catch {
		return undefined;
	}
}
