/**
 * Browser: the Cache API store transformers.js keeps model downloads in (`transformers-cache`, keyed
 * by URL), wrapped as its `env.customCache` so that an entry whose body is not the size its stored
 * headers say (`Content-Length`, `X-Linked-Size`; transformers.js writes the real length on `put`) is
 * deleted on `match` and reported as a miss: the file is downloaded again instead of being parsed.
 * Writes go through unchanged (transformers.js only `put`s bodies `verified-fetch.ts` has checked);
 * a full quota on `put` is transformers.js' to swallow (it warns and runs uncached).
 *
 * Node keeps transformers.js' own `FileCache` (its keys are paths, and `put` already writes a
 * temporary file then renames it).
 *
 * @example
 * env.useCustomCache = true;
 * env.customCache = verifiedBrowserCache('transformers-cache');
 * await env.customCache.match(url); // undefined when the stored body is 12 bytes and its header says 4096
 */

/** What transformers.js needs of a cache (`utils/cache.js` CacheInterface). */
export interface ModelCache {
	match(request: string): Promise<Response | undefined>;
	put(request: string, response: Response): Promise<void>;
	delete(request: string): Promise<boolean>;
}

/** The parts of the Cache API used (declared here: notebooks compile without the DOM lib). */
interface CacheLike {
	match(key: string): Promise<Response | undefined>;
	put(key: string, response: Response): Promise<void>;
	delete(key: string): Promise<boolean>;
}

type CacheStorageLike = { open(name: string): Promise<CacheLike> };

/** Sizes a stored response promises, from its headers. */
function promisedSizes(headers: Headers): number[] {
	const out: number[] = [];
	for (const name of ['content-length', 'x-linked-size']) {
		const value = headers.get(name);
		if (value !== null && /^\d+$/.test(value.trim())) out.push(Number(value));
	}
	return out;
}

/**
 * `caches.open(name)` with the size check on `match`. `storage` defaults to `globalThis.caches`.
 * @example const cache = verifiedBrowserCache('transformers-cache'); await cache.delete(url);
 */
export function verifiedBrowserCache(name: string, storage?: CacheStorageLike): ModelCache {
	const open = () => (storage ?? (globalThis as { caches?: CacheStorageLike }).caches)!.open(name);
	return {
		async match(request) {
			const cache = await open();
			const hit = await cache.match(request);
			if (!hit) return undefined;
			const sizes = promisedSizes(hit.headers);
			if (sizes.length === 0) return hit;
			// A Blob is disk-backed in browsers: checking its size does not pull the model into memory.
			const blob = await hit.blob();
			if (sizes.some((size) => size !== blob.size)) {
				await cache.delete(request).catch(() => false);
				return undefined;
			}
			return new Response(blob, { status: hit.status, statusText: hit.statusText, headers: hit.headers });
		},
		async put(request, response) {
			const cache = await open();
			await cache.put(request, response);
		},
		async delete(request) {
			const cache = await open();
			return cache.delete(request);
		}
	};
}
