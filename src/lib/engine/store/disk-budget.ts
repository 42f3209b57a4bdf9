/**
 * Node: the on-disk cache of encoded corpora and indexes (one folder per entry, `node-disk-store.ts`)
 * seen as whole entries with a size, what they hold and when they were last used, and kept within a
 * byte budget by least-recently-used eviction of whole entries. An entry with a live lease
 * (`lease.ts`: another process, or this one, is reading or writing it) is never removed.
 *
 * Entry folders hold batches only; what latelab knows about them lives in a side folder beside the
 * root (`<root>.meta/`, e.g. `~/.cache/latelab/encoded.meta/`): `<entry>.json` (what the key was:
 * kind, model, corpus, format) written with the first batch, `<entry>.used`, whose modification time
 * is the entry's last use (touched when a run lists or writes it), and the leases. Entries without
 * `<entry>.json` (written by older versions) are described from their folder name. Removal renames
 * the folder into the side folder first (atomic), so a reader never sees half an entry.
 *
 * @example
 * const entries = await listDiskEntries('/home/me/.cache/latelab/encoded');
 * // [{ name: 'colbert__...', model: 'answerdotai/...', corpus: 'ab12...', format: 'fp32', bytes: 512_000_000, lastUsed: 1764..., inUse: false }]
 * await pruneDiskCache(root, 2_000_000_000); // removes the least recently used entries above 2 GB
 */
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { leasesOf } from './lease';

/** What `entry.json` records. */
export interface EntryMeta {
	kind: string;
	modelId: string;
	revision: string;
	dtype: string;
	corpus: string;
	batchSize: number;
	variant?: string;
	/** Storage format of the vectors (`fp32`, `fp16`, `int8`, ...), or `bm25` for an index. */
	format: string;
}

/** One cache entry as `latelab cache list` shows it. */
export interface DiskEntry {
	/** The folder name (the store key string). */
	name: string;
	folder: string;
	kind: string;
	model: string;
	corpus: string;
	format: string;
	bytes: number;
	/** Milliseconds since the epoch. */
	lastUsed: number;
	/** pids holding a live lease. */
	usedBy: number[];
}

/** The side folder of a cache root: `/c/encoded` -> `/c/encoded.meta`. */
export function metaFolder(root: string): string {
	return `${root.replace(/[\\/]+$/, '')}.meta`;
}

/** Records entry `name`'s key (first write only; an existing record is kept). */
export async function writeEntryMeta(root: string, name: string, meta: EntryMeta): Promise<void> {
	await mkdir(metaFolder(root), { recursive: true });
	await writeFile(join(metaFolder(root), `${name}.json`), JSON.stringify(meta), { flag: 'wx' }).catch((error: { code?: string }) => {
		if (error.code !== 'EEXIST') throw error;
	});
}

/** Marks entry `name` used now (the LRU clock). */
export async function markUsed(root: string, name: string): Promise<void> {
	const file = join(metaFolder(root), `${name}.used`);
	const now = new Date();
	await utimes(file, now, now).catch(async (error: { code?: string }) => {
		if (error.code !== 'ENOENT') throw error;
		await mkdir(metaFolder(root), { recursive: true });
		await writeFile(file, '');
	});
}

/** Describes an entry without `entry.json` from its folder name (`kind__model__rev__dtype__bN__[variant__]corpus__crc`). */
function metaFromName(name: string): Pick<DiskEntry, 'kind' | 'model' | 'corpus' | 'format'> {
	const parts = name.split('__');
	const kind = parts[0] ?? '?';
	return { kind, model: (parts[1] ?? '?').replace(/--/g, '/'), corpus: parts[parts.length - 2] ?? '?', format: kind === 'bm25' ? 'bm25' : 'fp32' };
}

/** One entry's description, size and last use; null when the folder vanished meanwhile. */
async function describe(root: string, name: string): Promise<DiskEntry | null> {
	const folder = join(root, name);
	let files: string[];
	try {
		files = await readdir(folder);
	} catch {
		return null;
	}
	let bytes = 0;
	let newest = 0;
	for (const file of files) {
		const info = await stat(join(folder, file)).catch(() => null);
		if (!info?.isFile()) continue;
		bytes += info.size;
		newest = Math.max(newest, info.mtimeMs);
	}
	const side = metaFolder(root);
	const used = (await stat(join(side, `${name}.used`)).catch(() => null))?.mtimeMs ?? 0;
	const meta = await readFile(join(side, `${name}.json`), 'utf8').then((t) => JSON.parse(t) as EntryMeta, () => null);
	const described = meta ? { kind: meta.kind, model: meta.modelId, corpus: meta.corpus, format: meta.format } : metaFromName(name);
	const usedBy = (await leasesOf(side, name)).filter((l) => l.live).map((l) => l.pid);
	return { name, folder, ...described, bytes, lastUsed: used || newest, usedBy };
}

/** Every entry under `root`, most recently used first; an absent root has none. */
export async function listDiskEntries(root: string): Promise<DiskEntry[]> {
	let names: string[];
	try {
		names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
	} catch (error) {
		if ((error as { code?: string }).code === 'ENOENT') return [];
		throw error;
	}
	const entries = (await Promise.all(names.map((n) => describe(root, n)))).filter((e): e is DiskEntry => e !== null);
	return entries.sort((a, b) => b.lastUsed - a.lastUsed);
}

/** Removes one entry: its folder is renamed into the side folder first, so no reader sees half of it. */
export async function removeEntry(entry: Pick<DiskEntry, 'folder' | 'name'>): Promise<void> {
	const side = metaFolder(join(entry.folder, '..'));
	await mkdir(side, { recursive: true });
	const trash = join(side, `trash-${Math.random().toString(36).slice(2, 10)}`);
	try {
		await rename(entry.folder, trash);
	} catch (error) {
		if ((error as { code?: string }).code !== 'ENOENT') throw error;
	}
	await Promise.all([
		rm(trash, { recursive: true, force: true }),
		rm(join(side, `${entry.name}.json`), { force: true }),
		rm(join(side, `${entry.name}.used`), { force: true })
	]);
}

/** What a prune did. */
export interface PruneResult {
	removed: DiskEntry[];
	/** Bytes of the entries left. */
	total: number;
	/** Whether `total + need <= maxBytes` now. */
	fits: boolean;
	/** Entries that would have been removed but are in use by a live process. */
	inUse: DiskEntry[];
}

/**
 * Removes least-recently-used entries until the cache holds at most `maxBytes - need` bytes. Entries
 * named in `keep` and entries with a live lease are never removed.
 * @example await pruneDiskCache(root, 500_000_000, { need: 120_000_000, keep: ['colbert__...'] })
 */
export async function pruneDiskCache(root: string, maxBytes: number, options: { need?: number; keep?: readonly string[] } = {}): Promise<PruneResult> {
	const need = options.need ?? 0;
	const keep = new Set(options.keep ?? []);
	const entries = await listDiskEntries(root);
	let total = entries.reduce((s, e) => s + e.bytes, 0);
	const removed: DiskEntry[] = [];
	const inUse: DiskEntry[] = [];
	for (const entry of [...entries].reverse()) {
		if (total + need <= maxBytes) break;
		if (keep.has(entry.name)) continue;
		if (entry.usedBy.length > 0) {
			inUse.push(entry);
			continue;
		}
		await removeEntry(entry);
		total -= entry.bytes;
		removed.push(entry);
	}
	return { removed, total, fits: total + need <= maxBytes, inUse };
}

/** Removes every entry not in use; returns what was removed and what was skipped. */
export async function clearDiskCache(root: string): Promise<{ removed: DiskEntry[]; inUse: DiskEntry[] }> {
	const removed: DiskEntry[] = [];
	const inUse: DiskEntry[] = [];
	for (const entry of await listDiskEntries(root)) {
		if (entry.usedBy.length > 0) inUse.push(entry);
		else {
			await removeEntry(entry);
			removed.push(entry);
		}
	}
	return { removed, inUse };
}
