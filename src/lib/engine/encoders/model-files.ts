/**
 * Reads the files of a model that transformers.js does not load itself (`modules.json`,
 * `1_Pooling/config.json`, `config_sentence_transformers.json`, `1_Dense/model.safetensors`, ...),
 * and pre-fetches the small ones it does (`config.json`, `tokenizer*.json`) so that every failure
 * gets a latelab error code. Downloads land in the *same* cache transformers.js reads, under the same
 * keys (Node: `<cacheDir>/<id>/<file>`, or `<id>/<revision>/<file>` off `main`, written to a temp
 * file then renamed; browser: Cache API `transformers-cache` keyed by URL), so a file fetched here is
 * a cache hit for transformers.js and vice versa.
 *
 * Node's fs is reached through `process.getBuiltinModule` so that browser bundles import nothing
 * Node-only.
 *
 * @example
 * const files = hubFiles({ id: 'org/m', revision: 'main' }, settings);
 * const pooling = await readJson(files, '1_Pooling/config.json', { optional: true }); // object or null
 */
import { createError, isLatelabError } from '../errors';
import { offlineError } from './offline-error';
import { readSafetensors } from './safetensors';
import { fetchTensorByRange, readTensorByRanges } from './safetensors-remote';

/** Where files come from and where downloads are cached (filled by the runtime from its settings). */
export interface FileSettings {
	remoteHost: string;
	remotePathTemplate: string;
	allowRemoteModels: boolean;
	/** Node cache folder (transformers.js `env.cacheDir`). */
	cacheDir: string | null;
	/** Browser Cache API name, or null for no browser cache. */
	browserCacheName: string | null;
}

export type FileProgress = (file: string, status: 'initiate' | 'progress' | 'done', loaded?: number, total?: number) => void;

/** A model's files: a local folder or a Hub repo. */
export interface ModelFiles {
	/** Human-readable origin for messages: the folder, or `org/name@rev at <host>`. */
	label: string;
	local: boolean;
	/**
	 * Bytes of `file`, or null when it does not exist. Network failures throw. With
	 * `rememberMissing`, a Hub 404 is remembered in the cache (for optional files, so a warmed cache
	 * works offline); required files are asked for again next time.
	 */
	read(file: string, onProgress?: FileProgress, rememberMissing?: boolean): Promise<Uint8Array | null>;
	/** Local folders only: whether `file` exists, without reading it. */
	exists?(file: string): Promise<boolean>;
	/**
	 * One tensor of a safetensors file, or null when the file or the tensor is absent. From the Hub
	 * only that tensor's bytes are fetched (Range requests) and cached.
	 */
	readTensor(file: string, key: string): Promise<{ shape: number[]; data: Float32Array } | null>;
}

/** `key` of safetensors `bytes`, or null when absent. */
function tensorOf(files: ModelFiles, file: string, bytes: Uint8Array | null, key: string): { shape: number[]; data: Float32Array } | null {
	if (!bytes) return null;
	const st = readSafetensors(bytes, describeFile(files, file));
	return st.entries.has(key) ? st.tensor(key) : null;
}

/** Suffix of the empty marker that remembers a 404 in the Node cache. */
const MISSING = '.latelab-404';

/** The part of the browser Cache API used here (declared locally: notebooks compile without the DOM lib). */
interface CacheLike {
	match(key: string): Promise<Response | undefined>;
	put(key: string, response: Response): Promise<void>;
}

/** The browser's `caches`, or null (Node, or a context without the Cache API). */
function browserCache(name: string | null): Promise<CacheLike> | null {
	const storage = (globalThis as { caches?: { open(name: string): Promise<CacheLike> } }).caches;
	return name && storage ? storage.open(name) : null;
}

type NodeFs = typeof import('node:fs/promises');
type NodePath = typeof import('node:path');

/** Node's fs/promises and path modules, or null outside Node. */
export function nodeModules(): { fs: NodeFs; path: NodePath } | null {
	const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
	if (typeof proc?.getBuiltinModule !== 'function') return null;
	return { fs: proc.getBuiltinModule('node:fs/promises') as NodeFs, path: proc.getBuiltinModule('node:path') as NodePath };
}

/** The URL transformers.js would request for `file` of `id` at `revision`. */
export function hubUrl(settings: FileSettings, id: string, revision: string, file: string): string {
	const path = settings.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', encodeURIComponent(revision));
	return [settings.remoteHost.replace(/\/$/, ''), path.replace(/^\/|\/$/g, ''), file].join('/');
}

async function download(url: string, file: string, onProgress?: FileProgress): Promise<Uint8Array | null> {
	let response: Response;
	try {
		response = await fetch(url);
	} catch (error) {
		throw offlineError(url, error);
	}
	if (response.status === 404 || response.status === 401 || response.status === 403) return null;
	if (!response.ok) throw createError('NETWORK', { url, detail: `HTTP ${response.status} ${response.statusText}` });
	const total = Number(response.headers.get('content-length') ?? 0);
	const chunks: Uint8Array[] = [];
	let loaded = 0;
	try {
		const reader = response.body!.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			loaded += value.length;
			onProgress?.(file, 'progress', loaded, total || loaded);
		}
	} catch (error) {
		throw createError('NETWORK', { url, detail: `connection lost after ${loaded} of ${total || '?'} bytes (${(error as Error).message}); nothing was cached, retry` }, {}, error);
	}
	if (total && loaded !== total) {
		throw createError('NETWORK', { url, detail: `received ${loaded} of ${total} bytes; nothing was cached, retry` });
	}
	const bytes = new Uint8Array(loaded);
	let at = 0;
	for (const c of chunks) {
		bytes.set(c, at);
		at += c.length;
	}
	return bytes;
}

/** Files of a local folder (Node: the file system; browser: fetched relative to the page). */
export function folderFiles(dir: string): ModelFiles {
	const node = nodeModules();
	const root = node ? node.path.resolve(dir) : dir.replace(/\/$/, '');
	const files: ModelFiles = {
		label: root,
		local: true,
		async exists(file) {
			if (!node) return (await fetch(`${root}/${file}`, { method: 'HEAD' }).catch(() => null))?.ok ?? false;
			return node.fs.stat(node.path.join(root, file)).then((s) => s.isFile(), () => false);
		},
		async read(file, onProgress) {
			onProgress?.(file, 'initiate');
			let bytes: Uint8Array | null;
			if (node) {
				try {
					bytes = new Uint8Array(await node.fs.readFile(node.path.join(root, file)));
				} catch (error) {
					if ((error as { code?: string }).code !== 'ENOENT') throw error;
					bytes = null;
				}
			} else {
				bytes = await download(`${root}/${file}`, file, onProgress);
			}
			if (bytes) onProgress?.(file, 'progress', bytes.length, bytes.length);
			onProgress?.(file, 'done');
			return bytes;
		},
		async readTensor(file, key) {
			if (!node) return tensorOf(files, file, await files.read(file), key);
			// Read only the header and the one tensor: a Stanford checkpoint is ~440 MB of BERT weights.
			const handle = await node.fs.open(node.path.join(root, file), 'r').catch((error: { code?: string }) => {
				if (error.code === 'ENOENT') return null;
				throw error;
			});
			if (!handle) return null;
			try {
				const size = (await handle.stat()).size;
				const part = await readTensorByRanges(
					async (start, end) => {
						if (end >= size) throw createError('MALFORMED_JSON', { detail: `safetensors ${describeFile(files, file)}: needs bytes up to ${end}, file has ${size} (truncated?)` });
						const buffer = new Uint8Array(end - start + 1);
						await handle.read(buffer, 0, buffer.length, start);
						return buffer;
					},
					key,
					describeFile(files, file)
				);
				return part.kind === 'tensor' ? tensorOf(files, file, part.file, key) : null;
			} finally {
				await handle.close();
			}
		}
	};
	return files;
}

/** Files of a Hub repo, through the shared download cache. */
export function hubFiles(ref: { id: string; revision?: string }, settings: FileSettings): ModelFiles {
	const revision = ref.revision ?? 'main';
	const node = nodeModules();
	const cacheKey = (file: string) => (revision === 'main' ? `${ref.id}/${file}` : `${ref.id}/${revision}/${file}`);

	/**
	 * Cached bytes, `'missing'` for a remembered 404 (so optional files that do not exist cost no
	 * request and do not need the network on later loads), or null when not cached.
	 */
	async function fromCache(file: string, url: string): Promise<Uint8Array | 'missing' | null> {
		if (node && settings.cacheDir) {
			const target = node.path.join(settings.cacheDir, cacheKey(file));
			const hit = await node.fs.readFile(target).then((b) => new Uint8Array(b), () => null);
			if (hit) return hit;
			return (await node.fs.stat(`${target}${MISSING}`).then(() => true, () => false)) ? 'missing' : null;
		}
		const browser = node ? null : browserCache(settings.browserCacheName);
		if (browser) {
			const cache = await browser;
			const hit = await cache.match(url);
			if (hit) return new Uint8Array(await hit.arrayBuffer());
			return (await cache.match(`${url}?${MISSING.slice(1)}`)) ? 'missing' : null;
		}
		return null;
	}

	async function toCache(file: string, url: string, bytes: Uint8Array | 'missing'): Promise<void> {
		if (node && settings.cacheDir) {
			const target = node.path.join(settings.cacheDir, cacheKey(file)) + (bytes === 'missing' ? MISSING : '');
			await node.fs.mkdir(node.path.dirname(target), { recursive: true });
			// Same discipline as transformers.js' FileCache: never leave a partial file under the final name.
			const tmp = `${target}.tmp.${Date.now()}.${Math.random().toString(36).slice(2)}`;
			await node.fs.writeFile(tmp, bytes === 'missing' ? new Uint8Array(0) : bytes);
			await node.fs.rename(tmp, target);
		} else if (!node && browserCache(settings.browserCacheName)) {
			const cache = await browserCache(settings.browserCacheName)!;
			const key = bytes === 'missing' ? `${url}?${MISSING.slice(1)}` : url;
			const body = bytes === 'missing' ? new Uint8Array(0) : bytes;
			await cache.put(key, new Response(body, { headers: { 'content-length': String(body.length) } })).catch(() => undefined);
		}
	}

	const files: ModelFiles = {
		label: `Hub repo ${ref.id}@${revision} (${settings.remoteHost})`,
		local: false,
		async read(file, onProgress, rememberMissing) {
			const url = hubUrl(settings, ref.id, revision, file);
			onProgress?.(file, 'initiate');
			const cached = await fromCache(file, url);
			let bytes: Uint8Array | null;
			if (cached === 'missing') {
				bytes = null;
			} else if (cached) {
				bytes = cached;
				onProgress?.(file, 'progress', bytes.length, bytes.length);
			} else {
				if (!settings.allowRemoteModels) {
					throw createError('OFFLINE', { url, detail: `remote models are disabled and ${file} is not in the cache; load the model from a local folder (see docs/MODELS-GUIDE.md)` });
				}
				bytes = await download(url, file, onProgress);
				if (bytes) await toCache(file, url, bytes);
				else if (rememberMissing) await toCache(file, url, 'missing');
			}
			onProgress?.(file, 'done');
			return bytes;
		},
		async readTensor(file, key) {
			const url = hubUrl(settings, ref.id, revision, file);
			const whole = await fromCache(file, url);
			if (whole !== null) return tensorOf(files, file, whole === 'missing' ? null : whole, key);
			// The one tensor, cached on its own as a small safetensors file beside where the whole would go.
			const part = `${file}.${key}.latelab`;
			const partUrl = `${url}.${key}.latelab`;
			const cached = await fromCache(part, partUrl);
			if (cached !== null) return tensorOf(files, file, cached === 'missing' ? null : cached, key);
			if (!settings.allowRemoteModels) {
				throw createError('OFFLINE', { url, detail: `remote models are disabled and ${key} of ${file} is not in the cache; load the model from a local folder (see docs/MODELS-GUIDE.md)` });
			}
			const remote = await fetchTensorByRange(url, key);
			if (remote.kind === 'unsupported') return tensorOf(files, file, await files.read(file), key);
			if (remote.kind === 'missing') await toCache(file, url, 'missing');
			else await toCache(part, partUrl, remote.kind === 'tensor' ? remote.file : 'missing');
			return remote.kind === 'tensor' ? tensorOf(files, file, remote.file, key) : null;
		}
	};
	return files;
}

/** A file's name for messages: a path for folders, `file of Hub repo ...` for the Hub. */
export function describeFile(files: ModelFiles, file: string): string {
	return files.local ? `${files.label}/${file}` : `${file} of ${files.label}`;
}

/** `file` of `files`; a missing required file is MODEL_FILE_MISSING naming the folder or repo. */
export async function readFile(files: ModelFiles, file: string, options: { optional?: boolean; onProgress?: FileProgress } = {}): Promise<Uint8Array | null> {
	const bytes = await files.read(file, options.onProgress, options.optional === true);
	if (bytes === null && !options.optional) {
		throw createError('MODEL_FILE_MISSING', { path: files.label, file, detail: files.local ? '' : ' (HTTP 404: wrong model id, revision or file name?)' });
	}
	return bytes;
}

/** Parsed JSON of `file`, or null when optional and absent. */
export async function readJson<T = Record<string, unknown>>(files: ModelFiles, file: string, options: { optional?: boolean; onProgress?: FileProgress } = {}): Promise<T | null> {
	const bytes = await readFile(files, file, options);
	if (bytes === null) return null;
	try {
		return JSON.parse(new TextDecoder().decode(bytes)) as T;
	} catch (error) {
		if (isLatelabError(error)) throw error;
		throw createError('MALFORMED_JSON', { detail: `${describeFile(files, file)}: ${(error as Error).message}` }, { file: describeFile(files, file) });
	}
}
