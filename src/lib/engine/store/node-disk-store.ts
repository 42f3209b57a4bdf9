/**
 * Node: the encoded-corpus store on disk. One folder per key under `root`, one file per batch
 * (`batch-000012.bin`). A batch is written to a temporary file in the same folder and renamed into
 * place, so a crash or Ctrl-C never leaves a half-written file under the final name; whatever
 * still gets damaged is caught by the checksum when read.
 */
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

	constructor(root: string = defaultStoreRoot()) {
		this.root = root;
		this.label = `disk ${root}`;
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
		return names.flatMap((name) => (NAME.exec(name) ? [Number(NAME.exec(name)![1])] : [])).sort((a, b) => a - b);
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
		await mkdir(this.folder(key), { recursive: true });
		const final = this.file(key, n);
		const temp = `${final}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
		try {
			await writeFile(temp, new Uint8Array(bytes));
			await rename(temp, final);
		} catch (error) {
			await rm(temp, { force: true });
			throw error;
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
