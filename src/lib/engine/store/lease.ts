/**
 * Node: "this process is using this cache entry" as a lease file in the cache's side folder
 * (`<root>.meta/<entry>.lease-<pid>-<random>.json` holding `{ pid, host, started }`, beside the
 * entry folders so that they hold batches only), kept fresh by a heartbeat that
 * touches it every `HEARTBEAT_MS`. Budget eviction (`disk-budget.ts`) never removes an entry with a
 * live lease. A lease counts as stale, and is ignored (and removed by the next pruner), when its
 * process is gone (same host: `kill(pid, 0)` fails with ESRCH), or, for a lease of another host on a
 * shared folder (where the pid cannot be checked), when its heartbeat is older than `STALE_MS`.
 *
 * @example
 * const lease = await acquireLease('/cache/encoded.meta', 'colbert__...');
 * try { ... } finally { await lease.release(); }
 */
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const HEARTBEAT_MS = 10_000;
export const STALE_MS = 60_000;
const LEASE = /\.lease-(\d+)-[a-z0-9]+\.json$/;

export interface Lease {
	file: string;
	release(): Promise<void>;
}

/** Whether process `pid` exists on this machine (EPERM: it exists but is another user's). */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as { code?: string }).code === 'EPERM';
	}
}

/** Takes a lease on entry `name`, recorded in the side folder `meta` (created if needed), until `release()`. */
export async function acquireLease(meta: string, name: string): Promise<Lease> {
	await mkdir(meta, { recursive: true });
	const file = join(meta, `${name}.lease-${process.pid}-${Math.random().toString(36).slice(2, 10)}.json`);
	await writeFile(file, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
	const beat = setInterval(() => {
		const now = new Date();
		utimes(file, now, now).catch(() => undefined);
	}, HEARTBEAT_MS);
	beat.unref();
	let released = false;
	return {
		file,
		async release() {
			if (released) return;
			released = true;
			clearInterval(beat);
			await rm(file, { force: true });
		}
	};
}

/** A lease found in a folder, with whether it still holds. */
export interface LeaseInfo {
	file: string;
	pid: number;
	host: string;
	heartbeat: number;
	live: boolean;
}

/** Leases of entry `name` in the side folder `meta`; `now` for tests. */
export async function leasesOf(meta: string, name: string, now: number = Date.now()): Promise<LeaseInfo[]> {
	let names: string[];
	try {
		names = await readdir(meta);
	} catch {
		return [];
	}
	const out: LeaseInfo[] = [];
	for (const leaseName of names) {
		const m = LEASE.exec(leaseName);
		if (!m || leaseName.slice(0, m.index) !== name) continue;
		const file = join(meta, leaseName);
		const info = await stat(file).catch(() => null);
		if (!info) continue;
		const body = await readFile(file, 'utf8').then((t) => JSON.parse(t) as { pid?: number; host?: string }, () => ({}) as { pid?: number; host?: string });
		const pid = body.pid ?? Number(m[1]);
		const host = body.host ?? '';
		const here = host === '' || host === hostname();
		const live = here ? processAlive(pid) : now - info.mtimeMs < STALE_MS;
		out.push({ file, pid, host, heartbeat: info.mtimeMs, live });
	}
	return out;
}
