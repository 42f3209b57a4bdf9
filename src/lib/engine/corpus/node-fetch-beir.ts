/**
 * Downloads a public BEIR dataset zip and unpacks it (Node): `<baseUrl>/<name>.zip` is streamed to a
 * temporary file in `toDir`, unzipped with fflate's streaming `Unzip` into a temporary folder,
 * checked by loading it, and only then renamed to `<toDir>/<name>`. On any failure both temporaries
 * are removed, so no half-written dataset is left behind.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import { createError, isLatelabError } from '../errors';
import { loadCorpusFromPath } from './node-load';
import { connectionFailure } from './node-network';

/** Where the BEIR authors publish their zips. */
export const BEIR_BASE_URL = 'https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets';

/** Progress of a download: `totalBytes` is 0 when the server sends no length. */
export interface FetchProgress {
	phase: 'download' | 'unzip' | 'validate';
	bytes: number;
	totalBytes: number;
}

export interface FetchBeirOptions {
	baseUrl?: string;
	/** Injected fetch (tests, proxies); default `globalThis.fetch`. */
	fetch?: typeof fetch;
	onProgress?: (progress: FetchProgress) => void;
	/** Longest wait for the response headers and between two body chunks; default 15,000 ms. */
	timeoutMs?: number;
	/** Replace an existing `<toDir>/<name>`; default false (then an existing folder is an error). */
	overwrite?: boolean;
}

/** What was installed: the folder and the sizes found when validating it. */
export interface FetchBeirResult {
	dir: string;
	bytes: number;
	/** One entry per collection folder (BEIR zips hold one; cqadupstack holds one per forum). */
	collections: Array<{ dir: string; docs: number; queries: number; judgedQueries: number; warnings: string[] }>;
}

/**
 * Downloads and installs a BEIR dataset. Throws `BAD_ARGUMENT` (bad name, target exists), `OFFLINE`
 * (no connection, DNS failure, timeout), `NETWORK` (HTTP error status, broken transfer, bad zip) or a
 * loader error when the unpacked data does not load.
 * @example
 * const r = await fetchBeirDataset('scifact', 'data', { onProgress: (p) => console.error(p.phase, p.bytes) });
 * // r.dir === '<abs>/data/scifact', r.collections[0].docs === 5183
 */
export async function fetchBeirDataset(name: string, toDir: string, options: FetchBeirOptions = {}): Promise<FetchBeirResult> {
	if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) {
		throw createError('BAD_ARGUMENT', { detail: `dataset name "${name}" must be letters, digits, ".", "_" or "-" (e.g. scifact)` });
	}
	const target = resolve(toDir, name);
	if (existsSync(target) && !options.overwrite) {
		throw createError('BAD_ARGUMENT', { detail: `${target} already exists; remove it or ask to overwrite` });
	}
	const url = `${(options.baseUrl ?? BEIR_BASE_URL).replace(/\/+$/, '')}/${name}.zip`;
	/** The outermost folder this call creates (undefined if `toDir` existed): removed again on failure. */
	const created = await mkdir(resolve(toDir), { recursive: true });
	let installed = false;
	const tag = `${name}.${randomBytes(4).toString('hex')}`;
	const zipPath = resolve(toDir, `.${tag}.zip.part`);
	const unpackDir = resolve(toDir, `.${tag}.partial`);
	const progress = options.onProgress ?? (() => {});
	try {
		const bytes = await download(url, zipPath, options, progress);
		await unzipFile(zipPath, unpackDir, bytes, progress);
		const root = await collectionRoot(unpackDir);
		progress({ phase: 'validate', bytes: 0, totalBytes: 0 });
		const collections = await validate(root);
		if (existsSync(target)) await rm(target, { recursive: true, force: true });
		await rename(root, target);
		installed = true;
		return { dir: target, bytes, collections: collections.map((c) => ({ ...c, dir: c.dir.replace(root, target) })) };
	} finally {
		await rm(zipPath, { force: true });
		await rm(unpackDir, { recursive: true, force: true });
		if (!installed && created) await rm(created, { recursive: true, force: true });
	}
}

async function download(url: string, zipPath: string, options: FetchBeirOptions, progress: (p: FetchProgress) => void): Promise<number> {
	const fetchImpl = options.fetch ?? globalThis.fetch;
	const timeoutMs = options.timeoutMs ?? 15_000;
	const controller = new AbortController();
	let timedOut = false;
	let timer = setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs);
	const rearm = () => {
		clearTimeout(timer);
		timer = setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs);
	};
	let file: Awaited<ReturnType<typeof open>> | undefined;
	let bytes = 0;
	let started = false;
	try {
		const response = await fetchImpl(url, { signal: controller.signal, redirect: 'follow' });
		started = true;
		if (!response.ok || !response.body) {
			const hint = response.status === 404 ? ' (is the dataset name right? see the BEIR list)' : '';
			throw createError('NETWORK', { url, detail: `HTTP ${response.status} ${response.statusText}${hint}` });
		}
		const totalBytes = Number(response.headers.get('content-length') ?? 0) || 0;
		file = await open(zipPath, 'w');
		const reader = response.body.getReader();
		for (;;) {
			rearm();
			const { done, value } = await reader.read();
			if (done) break;
			await file.write(value);
			bytes += value.length;
			progress({ phase: 'download', bytes, totalBytes });
		}
		if (totalBytes > 0 && bytes !== totalBytes) {
			throw createError('NETWORK', { url, detail: `transfer ended after ${bytes} of ${totalBytes} bytes` });
		}
		return bytes;
	} catch (error) {
		if (isLatelabError(error)) throw error;
		if (timedOut) {
			const code = started ? 'NETWORK' : 'OFFLINE';
			throw createError(code, { url, detail: `no data for ${timeoutMs / 1000} s (offline or the server is unreachable)` }, {}, error);
		}
		const reason = connectionFailure(error);
		if (!started && reason) throw createError('OFFLINE', { url, detail: reason }, {}, error);
		throw createError('NETWORK', { url, detail: reason ?? (error instanceof Error ? error.message : String(error)) }, {}, error);
	} finally {
		clearTimeout(timer);
		// Drops the connection when we stop early (error, bad status); a no-op after a complete body.
		controller.abort();
		await file?.close();
	}
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Streams the zip through fflate, writing each entry as it inflates; rejects unsafe paths (zip slip). */
async function unzipFile(zipPath: string, outDir: string, totalBytes: number, progress: (p: FetchProgress) => void): Promise<void> {
	await mkdir(outDir, { recursive: true });
	let failure: unknown;
	let entries = 0;
	const open: number[] = [];
	const unzip = new Unzip((entry) => {
		entries++;
		if (failure) return;
		const path = resolve(outDir, entry.name);
		if (!path.startsWith(outDir + sep)) {
			failure = createError('NETWORK', { url: zipPath, detail: `zip entry "${entry.name}" points outside the target folder` });
			return;
		}
		if (entry.name.endsWith('/')) {
			mkdirSync(path, { recursive: true });
			return;
		}
		mkdirSync(dirname(path), { recursive: true });
		const fd = openSync(path, 'w');
		open.push(fd);
		entry.ondata = (error, data, final) => {
			if (failure) return;
			if (error) {
				failure = error;
				return;
			}
			writeSync(fd, data);
			if (final) {
				closeSync(fd);
				open.splice(open.indexOf(fd), 1);
			}
		};
		entry.start();
	});
	unzip.register(UnzipInflate);
	let bytes = 0;
	try {
		for await (const chunk of createReadStream(zipPath, { highWaterMark: 1 << 20 })) {
			// fflate's streaming Unzip skips bytes it does not recognise, so check the local-header magic "PK\3\4".
			if (bytes === 0 && !(chunk as Buffer).subarray(0, 4).equals(ZIP_MAGIC)) {
				failure = `it starts with ${JSON.stringify((chunk as Buffer).subarray(0, 16).toString('latin1'))}`;
				break;
			}
			bytes += (chunk as Buffer).length;
			unzip.push(chunk as Buffer, bytes === totalBytes);
			if (failure) break;
			progress({ phase: 'unzip', bytes, totalBytes });
		}
		if (bytes === 0) unzip.push(new Uint8Array(0), true);
		if (!failure && open.length > 0) failure = `it ends inside ${open.length} file(s)`;
	} catch (error) {
		failure = failure ?? error;
	} finally {
		for (const fd of open) closeSync(fd);
	}
	if (!failure && entries === 0) failure = 'it holds no files';
	if (failure) {
		if (isLatelabError(failure)) throw failure;
		throw createError('NETWORK', { url: zipPath, detail: `the download is not a readable zip (${failure instanceof Error ? failure.message : String(failure)})` }, {}, failure);
	}
}

/** The folder holding the collection: the unpack folder itself, or its only subfolder (`scifact/`). */
async function collectionRoot(unpackDir: string): Promise<string> {
	if (existsSync(join(unpackDir, 'corpus.jsonl'))) return unpackDir;
	const entries = (await readdir(unpackDir, { withFileTypes: true })).filter((e) => e.name !== '__MACOSX');
	if (entries.length === 1 && entries[0].isDirectory()) return join(unpackDir, entries[0].name);
	return unpackDir;
}

/**
 * Loads the collection (or each sub-collection, as in cqadupstack); any loader error propagates.
 * Repeated ids only warn here: the data is the publisher's, and loaders can choose to accept it.
 */
async function validate(root: string): Promise<FetchBeirResult['collections']> {
	const dirs = existsSync(join(root, 'corpus.jsonl'))
		? [root]
		: (await readdir(root, { withFileTypes: true }))
				.filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'corpus.jsonl')))
				.map((e) => join(root, e.name));
	if (dirs.length === 0) throw createError('FILE_NOT_FOUND', { path: 'corpus.jsonl (in the downloaded zip)' });
	const out: FetchBeirResult['collections'] = [];
	for (const dir of dirs) {
		const corpus = await loadCorpusFromPath(dir, { duplicateIds: 'keep-first' });
		out.push({ dir, docs: corpus.docs.length, queries: corpus.queries.length, judgedQueries: corpus.qrels.size, warnings: corpus.warnings });
	}
	return out;
}
