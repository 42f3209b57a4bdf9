/**
 * A Hub repo's files through the download cache transformers.js also uses (Node: `<cacheDir>/<id>/<file>`,
 * or `<id>/<revision>/<file>` off `main`, written to a temp file then renamed; browser: Cache API keyed
 * by URL). Optional files the repo lacks are remembered as 404 markers, so a warmed cache needs no
 * network; a root `model.safetensors` is read with Range requests and only the wanted tensor cached.
 * Downloads are checked before they are cached (`verified-fetch.ts`); a cached copy that does not
 * load can be dropped with `evict(file)` (the next read downloads it again), and `clearHint(file)`
 * tells the user how to do that by hand.
 *
 * @example
 * const files = hubFiles({ id: 'answerdotai/answerai-colbert-small-v1' }, fileSettings());
 * await files.read('config.json'); // Uint8Array, cached for transformers.js too
 */
import { createError, isLatelabError } from '../errors';
import { unsharedBytes } from '../unshared-bytes';
import { download, hubUrl, nodeModules, tensorOf, type FileSettings, type ModelFiles } from './model-files';
import { fetchTensorByRange } from './safetensors-remote';

/** Suffix of the empty marker that remembers a 404 in the Node cache. */
const MISSING = '.latelab-404';

/** The part of the browser Cache API used here (declared locally: notebooks compile without the DOM lib). */
interface CacheLike {
	match(key: string): Promise<Response | undefined>;
	put(key: string, response: Response): Promise<void>;
	delete(key: string): Promise<boolean>;
}

/** The browser's `caches`, or null (Node, or a context without the Cache API). */
function browserCache(name: string | null): Promise<CacheLike> | null {
	const storage = (globalThis as { caches?: { open(name: string): Promise<CacheLike> } }).caches;
	return name && storage ? storage.open(name) : null;
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
			const body = bytes === 'missing' ? new Uint8Array(0) : unsharedBytes(bytes);
			await cache.put(key, new Response(body, { headers: { 'content-length': String(body.length) } })).catch(() => undefined);
		}
	}

	/** Deletes the cached copy of `file` (bytes and 404 marker); missing entries are fine. */
	async function evict(file: string): Promise<void> {
		const url = hubUrl(settings, ref.id, revision, file);
		if (node && settings.cacheDir) {
			const target = node.path.join(settings.cacheDir, cacheKey(file));
			await Promise.all([node.fs.rm(target, { force: true }), node.fs.rm(`${target}${MISSING}`, { force: true })]);
		} else if (!node && browserCache(settings.browserCacheName)) {
			const cache = await browserCache(settings.browserCacheName)!;
			await Promise.all([cache.delete(url), cache.delete(`${url}?${MISSING.slice(1)}`)]);
		}
	}

	const files: ModelFiles = {
		label: `Hub repo ${ref.id}@${revision} (${settings.remoteHost})`,
		local: false,
		evict,
		clearHint(file) {
			if (node && settings.cacheDir) {
				return `To clear it by hand: latelab cache clear --models, or delete ${node.path.join(settings.cacheDir, cacheKey(file))}`;
			}
			return `To clear it by hand: remove the model's downloads (cache list of the playground), or delete ${hubUrl(settings, ref.id, revision, file)} from the browser's Cache API (${settings.browserCacheName ?? 'no cache'})`;
		},
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
			try {
				return await readTensorOnce(file, key);
			} catch (error) {
				// A cached copy (whole file or extracted tensor) that does not parse: drop both, fetch once more.
				if (!isLatelabError(error) || error.code !== 'MALFORMED_JSON') throw error;
				await Promise.all([evict(file), evict(`${file}.${key}.latelab`)]);
				return readTensorOnce(file, key);
			}
		}
	};

	async function readTensorOnce(file: string, key: string): Promise<{ shape: number[]; data: Float32Array } | null> {
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
	return files;
}

