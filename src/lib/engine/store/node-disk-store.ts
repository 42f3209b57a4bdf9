/**
 * Node: the encoded-corpus store on disk. One folder per key under `root`, one file per batch
 * (`batch-000012.bin`). A batch is written to a temporary file in the same folder and renamed into
 * place, so a crash or Ctrl-C never leaves a half-written file under the final name; whatever
 * still gets damaged is caught by the checksum when read.
 *
 * The folder is kept within a byte budget (`LATELAB_CACHE_MAX`, default 2 GB, `size.ts`): `reserve`
 * removes least-recently-used whole entries to make room and refuses (`CACHE_BUDGET`) what cannot
 * fit; `lease` marks an entry in use so no other process evicts it (`lease.ts`, `disk-budget.ts`).
 * What is known about the entries (key, last use, leases) lives in the side folder `<root>.meta`.
 * A full disk (ENOSPC) on write is `STORAGE_FULL`.
 */
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createError } from '../errors';
import { listDiskEntries, markUsed, metaFolder, pruneDiskCache, writeEntryMeta } from './disk-budget';
import { acquireLease } from './lease';
import { cacheBudget, formatSize } from './size';
import type { EncodedCorpusStore, StoreKey } from './store';
import { storeKeyString } from './store';

/** Default root: `$LATELAB_CACHE/encoded`, else `$XDG_CACHE_HOME/latelab/encoded`, else `~/.cache/latelab/encoded`. */
export function defaultStoreRoot(env: Record<string, string | undefined> = process.env): string {
	if (env.LATELAB_CACHE) return join(env.LATELAB_CACHE, 'encoded');
	return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'latelab', 'encoded');
}

const NAME = /^batch-(\d{6,})\.bin$/;

/**
 * @example
 * const store = new NodeDiskStore('/tmp/latelab-cache');
 * await store.writeBatch(key, 0, bytes); // /tmp/latelab-cache/<key>/batch-000000.bin
 */
export class NodeDiskStore implements EncodedCorpusStore {
	readonly root: string;
	readonly label: string;
	/** The byte budget of the whole folder. */
	readonly maxBytes: number;
	private readonly described = new Set<string>();

	/** `maxBytes` defaults to `LATELAB_CACHE_MAX` (throws BAD_ARGUMENT when malformed), else 2 GB. */
	constructor(root: string = defaultStoreRoot(), options: { maxBytes?: number } = {}) {
		this.root = root;
		this.label = `disk ${root}`;
		this.maxBytes = options.maxBytes ?? cacheBudget(process.env);
	}

	/** The folder of one key. */
	folder(key: StoreKey): string {
		return join(this.root, storeKeyString(key));
	}

	private file(key: StoreKey, n: number): string {
		return join(this.folder(key), `batch-${String(n).padStart(6, '0')}.bin`);
	}

	async listBatches(key: StoreKey): Promise<number[]> {
		let names: string[];
		try {
			names = await readdir(this.folder(key));
		} catch (error) {
			if ((error as { code?: string }).code === 'ENOENT') return [];
			throw error;
		}
		const batches = names.flatMap((name) => (NAME.exec(name) ? [Number(NAME.exec(name)![1])] : [])).sort((a, b) => a - b);
		if (batches.length > 0) await markUsed(this.root, storeKeyString(key)).catch(() => undefined);
		return batches;
	}

	async readBatch(key: StoreKey, n: number): Promise<ArrayBuffer | null> {
		try {
			const bytes = await readFile(this.file(key, n));
			return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
		} catch (error) {
			if ((error as { code?: string }).code === 'ENOENT') return null;
			throw error;
		}
	}

	async writeBatch(key: StoreKey, n: number, bytes: ArrayBuffer): Promise<void> {
		const folder = this.folder(key);
		const final = this.file(key, n);
		const temp = `${final}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
		try {
			await mkdir(folder, { recursive: true });
			if (!this.described.has(folder)) {
				await writeEntryMeta(this.root, storeKeyString(key), { kind: key.kind, modelId: key.modelId, revision: key.revision, dtype: key.dtype, corpus: key.corpus, batchSize: key.batchSize, variant: key.variant, format: key.format ?? (key.kind === 'bm25' ? 'bm25' : 'fp32') });
				this.described.add(folder);
			}
			await writeFile(temp, new Uint8Array(bytes));
			await rename(temp, final);
			await markUsed(this.root, storeKeyString(key));
		} catch (error) {
			await rm(temp, { force: true });
			if ((error as { code?: string }).code === 'ENOSPC') {
				throw createError('STORAGE_FULL', { detail: `the disk holding ${this.root} is full (ENOSPC); free space there, or run latelab cache prune --max <size> / latelab cache clear` }, {}, error);
			}
			throw error;
		}
	}

	/** Marks `key` in use by this process (a lease file with pid and heartbeat) until `release()`. */
	lease(key: StoreKey): Promise<{ release(): Promise<void> }> {
		return acquireLease(metaFolder(this.root), storeKeyString(key));
	}

	/**
	 * Makes room for `bytes` of `key` within `maxBytes`, removing least-recently-used entries that no
	 * live process uses. Throws CACHE_BUDGET when `bytes` alone exceeds the budget or entries in use
	 * leave too little room.
	 */
	async reserve(key: StoreKey, bytes: number): Promise<void> {
		const name = storeKeyString(key);
		const budget = `LATELAB_CACHE_MAX = ${formatSize(this.maxBytes)} for ${this.root}`;
		const fixes = 'raise LATELAB_CACHE_MAX (e.g. LATELAB_CACHE_MAX=4G), run without the cache (--opt cache=false or LATELAB_NO_CACHE=1), or store a smaller format';
		if (bytes > this.maxBytes) {
			throw createError('CACHE_BUDGET', { detail: `this entry will take about ${formatSize(bytes)}, more than ${budget}; ${fixes}` });
		}
		const existing = (await listDiskEntries(this.root)).find((e) => e.name === name)?.bytes ?? 0;
		const result = await pruneDiskCache(this.root, this.maxBytes, { need: Math.max(0, bytes - existing), keep: [name] });
		if (!result.fits) {
			const busy = result.inUse.map((e) => `${e.name} (${formatSize(e.bytes)}, pid ${e.usedBy.join(', ')})`).join('; ');
			throw createError('CACHE_BUDGET', {
				detail: `this entry will take about ${formatSize(bytes)}; with the entries in use by other processes (${busy || 'none'}) the cache would exceed ${budget}; wait for them, or ${fixes}`
			});
		}
	}

	async deleteBatch(key: StoreKey, n: number): Promise<void> {
		await unlink(this.file(key, n)).catch((error: { code?: string }) => {
			if (error.code !== 'ENOENT') throw error;
		});
	}

	async clear(key: StoreKey): Promise<void> {
		await rm(this.folder(key), { recursive: true, force: true });
	}
}
