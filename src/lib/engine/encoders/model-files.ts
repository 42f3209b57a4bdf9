/**
 * Reads the files of a model that transformers.js does not load itself (`modules.json`,
 * `1_Pooling/config.json`, `config_sentence_transformers.json`, `1_Dense/model.safetensors`, ...),
 * and the small ones it does (`config.json`, `tokenizer*.json`) so that every failure gets a latelab
 * error code. `ModelFiles` has two sources: a local folder (here) and a Hub repo (`hub-files.ts`,
 * which shares transformers.js' download cache).
 *
 * Node's fs is reached through `process.getBuiltinModule` so that browser bundles import nothing
 * Node-only.
 *
 * @example
 * const files = folderFiles('models/all-MiniLM-L6-v2');
 * const pooling = await readJson(files, '1_Pooling/config.json', { optional: true }); // object or null
 */
import { concatBytes } from '../concat-bytes';
import { createError, isLatelabError } from '../errors';
import { offlineError } from './offline-error';
import { readSafetensors } from './safetensors';
import { readTensorByRanges } from './safetensors-remote';
import { verifiedFetch } from './verified-fetch';

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
	/**
	 * Hub repos only: deletes the cached copy of `file` (and a remembered 404), so the next read
	 * downloads it again. Used when a cached file does not load.
	 */
	evict?(file: string): Promise<void>;
	/** Hub repos only: how the user clears the cached copy of `file` by hand (a command and the path or URL). */
	clearHint?(file: string): string;
}

/** `key` of safetensors `bytes`, or null when absent. */
export function tensorOf(files: ModelFiles, file: string, bytes: Uint8Array | null, key: string): { shape: number[]; data: Float32Array } | null {
	if (!bytes) return null;
	const st = readSafetensors(bytes, describeFile(files, file));
	return st.entries.has(key) ? st.tensor(key) : null;
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

/**
 * The bytes at `url`, or null for 401/403/404. The body is checked (`verified-fetch.ts`: length,
 * the Hub's size and hash headers, stalls) before it is returned; failures are NETWORK / OFFLINE.
 */
export async function download(url: string, file: string, onProgress?: FileProgress): Promise<Uint8Array | null> {
	let response: Response;
	try {
		response = await verifiedFetch(url);
	} catch (error) {
		if (isLatelabError(error)) throw error;
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
		if (isLatelabError(error)) throw error;
		throw createError('NETWORK', { url, detail: `connection lost after ${loaded} of ${total || '?'} bytes (${(error as Error).message}); nothing was cached, retry` }, {}, error);
	}
	if (total && loaded !== total) {
		throw createError('NETWORK', { url, detail: `received ${loaded} of ${total} bytes; nothing was cached, retry` });
	}
	return concatBytes(chunks, loaded);
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

/** A file's name for messages: a path for folders, `file of Hub repo ...` for the Hub. */
export function describeFile(files: ModelFiles, file: string): string {
	return files.local ? `${files.label}/${file}` : `${file} of ${files.label}`;
}

/** What a missing-file message calls `files`: "model folder <path>" or "Hub repo <id>@<revision> (<host>)". */
export function filesName(files: Pick<ModelFiles, 'label' | 'local'>): string {
	return files.local ? `model folder ${files.label}` : files.label;
}

/** `file` of `files`; a missing required file is MODEL_FILE_MISSING naming the folder or repo. */
export async function readFile(files: ModelFiles, file: string, options: { optional?: boolean; onProgress?: FileProgress } = {}): Promise<Uint8Array | null> {
	const bytes = await files.read(file, options.onProgress, options.optional === true);
	if (bytes === null && !options.optional) {
		throw createError('MODEL_FILE_MISSING', { path: filesName(files), file, detail: files.local ? '' : ' (HTTP 404: wrong model id, revision or file name?)' });
	}
	return bytes;
}

/**
 * Parsed JSON of `file`, or null when optional and absent. A cached Hub file that does not parse is
 * deleted and downloaded once more; if that fails too it is deleted again and the error says how to
 * clear the cache.
 */
export async function readJson<T = Record<string, unknown>>(files: ModelFiles, file: string, options: { optional?: boolean; onProgress?: FileProgress } = {}): Promise<T | null> {
	const parse = (bytes: Uint8Array): { value: T } | { problem: string } => {
		try {
			return { value: JSON.parse(new TextDecoder().decode(bytes)) as T };
		} catch (error) {
			return { problem: (error as Error).message };
		}
	};
	const where = describeFile(files, file);
	const bytes = await readFile(files, file, options);
	if (bytes === null) return null;
	const first = parse(bytes);
	if ('value' in first) return first.value;
	if (!files.evict) throw createError('MALFORMED_JSON', { detail: `${where}: ${first.problem}` }, { file: where });
	await files.evict(file);
	const again = await readFile(files, file, options);
	if (again === null) return null;
	const second = parse(again);
	if ('value' in second) return second.value;
	await files.evict(file).catch(() => undefined);
	const hint = files.clearHint?.(file) ?? '';
	throw createError('MALFORMED_JSON', { detail: `${where}: ${second.problem}; deleted from the cache, downloaded again, still unreadable (not kept). ${hint}`.trim() }, { file: where });
}
