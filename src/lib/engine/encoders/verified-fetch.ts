/**
 * `fetch` for model files that never hands back a body it has not checked: transformers.js gets it as
 * `env.fetch` (its `FileCache.put` streams into a temporary file and renames only when the stream
 * ends without error; in browsers it reads the body before `Cache.put`), and latelab's own downloads
 * (`model-files.ts`) use it too. The body is streamed through a check (`file-integrity.ts`):
 * Content-Length, the Hub's `X-Linked-Size`, and the sha256 / git blob sha1 of `X-Linked-ETag` /
 * `ETag`. A body that ends short, too long, or with another hash errors the stream at its end, so
 * whatever was being written is thrown away. A server that sends nothing for `idleTimeoutMs` (a
 * stall) errors it too; 5xx answers are NETWORK errors.
 *
 * In Node the Hub's 302 to the CDN is followed by hand, so its `X-Linked-*` headers (which
 * `fetch` would drop with the redirect) are seen; browsers cannot read a redirect (opaque), so there
 * only the final answer's headers count.
 *
 * @example
 * const response = await verifiedFetch('https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx');
 * await response.arrayBuffer(); // rejects with NETWORK if the body is not what the Hub promised
 */
import { createError } from '../errors';
import { checkBody, expectedIntegrity } from './file-integrity';

let idleTimeoutMs = 60_000;

/** Longest wait for the answer or the next body chunk before a download counts as stalled (default 60 s). */
export function setDownloadIdleTimeout(ms: number): void {
	if (!(ms > 0)) throw createError('BAD_ARGUMENT', { detail: `download idle timeout must be positive, got ${ms}` });
	idleTimeoutMs = ms;
}

/** The current idle timeout in milliseconds. */
export function downloadIdleTimeout(): number {
	return idleTimeoutMs;
}

const isNode = () => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

const urlOf = (input: string | URL | Request) => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

/** A restartable timer that fires `onIdle` after `idleTimeoutMs` without `poke()`. */
function idleTimer(onIdle: () => void) {
	let handle: ReturnType<typeof setTimeout> | undefined;
	const poke = () => {
		if (handle !== undefined) clearTimeout(handle);
		handle = setTimeout(onIdle, idleTimeoutMs);
		(handle as { unref?: () => void }).unref?.();
	};
	return { poke, stop: () => handle !== undefined && clearTimeout(handle) };
}

/** `fetch` with the checks above; same signature. */
export async function verifiedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
	const url = urlOf(input);
	const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
	const abort = new AbortController();
	const outer = init.signal;
	if (outer) {
		if (outer.aborted) abort.abort(outer.reason);
		else outer.addEventListener('abort', () => abort.abort(outer.reason), { once: true });
	}
	const stalled = (what: string) => createError('NETWORK', { url, detail: `${what} for ${Math.round(idleTimeoutMs / 1000)} s (stalled); the download was not kept, retry` });
	let stallError: Error | null = null;
	let onStall: (() => void) | null = null;
	const timer = idleTimer(() => {
		stallError ??= stalled(onStall ? 'no data' : 'no answer');
		onStall?.();
		abort.abort(stallError);
	});
	timer.poke();

	let response: Response;
	let linked: Headers | undefined;
	try {
		const manual = isNode() && method === 'GET' && init.redirect === undefined;
		response = await fetch(input, { ...init, signal: abort.signal, ...(manual ? { redirect: 'manual' as const } : {}) });
		// Follow redirects by hand (a renamed repo's 307, then the 302 to the CDN): the Hub's redirect
		// carries the file's size and sha256, the CDN's answer does not.
		let at = url;
		for (let hop = 0; manual && hop < 10 && response.status >= 300 && response.status < 400 && response.headers.get('location'); hop++) {
			if (response.headers.get('x-linked-size') || response.headers.get('x-linked-etag')) linked = response.headers;
			at = new URL(response.headers.get('location')!, at).href;
			await response.body?.cancel().catch(() => undefined);
			response = await fetch(at, { ...init, signal: abort.signal, redirect: 'manual' });
		}
	} catch (error) {
		timer.stop();
		if (stallError) throw stallError;
		throw error;
	}
	if (response.status >= 500) {
		timer.stop();
		await response.body?.cancel().catch(() => undefined);
		throw createError('NETWORK', { url, detail: `HTTP ${response.status} ${response.statusText} from the server; nothing was cached, retry later` });
	}
	if (method === 'HEAD' || !response.body || (response.status !== 200 && response.status !== 206)) {
		timer.stop();
		return response;
	}

	const check = checkBody(url, expectedIntegrity(response.headers, response.status === 206, linked));
	const headers = new Headers(response.headers);
	for (const name of ['x-linked-size', 'x-linked-etag']) {
		const value = linked?.get(name);
		if (value) headers.set(name, value);
	}
	let streamController: TransformStreamDefaultController<Uint8Array> | null = null;
	onStall = () => streamController?.error(stallError);
	timer.poke();
	const body = response.body.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			start(controller) {
				streamController = controller;
			},
			transform(chunk, controller) {
				timer.poke();
				check.update(chunk);
				controller.enqueue(chunk);
			},
			async flush() {
				timer.stop();
				await check.finish();
			}
		}),
		{ signal: abort.signal }
	);
	return new Response(withStallReason(body, () => stallError, timer.stop), { status: response.status, statusText: response.statusText, headers });
}

/** Body read errors keep their own reason (a reset, a failed check), except that a stall says so. */
function withStallReason(body: ReadableStream<Uint8Array>, stall: () => Error | null, stop: () => void): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await reader.read();
				if (done) controller.close();
				else controller.enqueue(value);
			} catch (error) {
				stop();
				controller.error(stall() ?? error);
			}
		},
		cancel(reason) {
			stop();
			return reader.cancel(reason);
		}
	});
}
