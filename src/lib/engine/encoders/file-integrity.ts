/**
 * What a download must look like to be kept, read from the Hub's response headers, and a streaming
 * check of the body against it. The Hub (as `huggingface_hub.file_download` reads it) sends:
 * - LFS files (weights): `X-Linked-Size` and `X-Linked-ETag` = the file's sha256 (on the 302 that
 *   points at the CDN; the CDN's own `ETag` is not the sha256 and is ignored here);
 * - small non-LFS files (JSON): `ETag` = the git blob sha1, `sha1("blob " + size + "\0" + content)`;
 * - both: `Content-Length` when the body is not chunked.
 * A header that is absent or not a recognisable hash is simply not checked ("use what is there").
 *
 * @example
 * // the Hub's answer for a 6-byte non-LFS file holding "hello\n"
 * const want = expectedIntegrity(new Headers({ 'content-length': '6', etag: '"ce013625030ba8dba906f756967f9e9ca394464a"' }), false);
 * // { sizes: [{ bytes: 6, header: 'Content-Length' }], gitSha1: { hex: 'ce0136...464a', header: 'ETag (git blob sha1)' } }
 */
import { concatBytes } from '../concat-bytes';
import { createError } from '../errors';

/** Expected size and digests of a body; every field optional. */
export interface Integrity {
	/** Bytes the body must have (Content-Length and/or X-Linked-Size, which must agree with the body). */
	sizes: { bytes: number; header: string }[];
	/** Lower-case hex sha256 of the body (X-Linked-ETag, or an ETag of 64 hex digits). */
	sha256?: { hex: string; header: string };
	/** Lower-case hex git blob sha1 (an ETag of 40 hex digits: the Hub's ETag of non-LFS files). */
	gitSha1?: { hex: string; header: string };
}

/** `"abc"`, `W/"abc"` -> `abc` (lower case). */
export function normaliseEtag(value: string | null): string | null {
	if (!value) return null;
	return value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

/**
 * What `headers` promise about the body. `partial`: a 206 answer (only its own Content-Length
 * applies); `linked`: headers of the Hub's redirect (X-Linked-*) when the body came from elsewhere.
 */
export function expectedIntegrity(headers: Headers, partial: boolean, linked?: Headers): Integrity {
	const want: Integrity = { sizes: [] };
	const encoded = (headers.get('content-encoding') ?? 'identity') !== 'identity';
	const length = headers.get('content-length');
	// With a content coding, Content-Length counts compressed bytes; fetch hands us the decoded ones.
	if (length !== null && !encoded && /^\d+$/.test(length.trim())) want.sizes.push({ bytes: Number(length), header: 'Content-Length' });
	if (partial) return want;
	const linkedSize = linked?.get('x-linked-size') ?? headers.get('x-linked-size');
	if (linkedSize !== null && /^\d+$/.test(linkedSize.trim())) want.sizes.push({ bytes: Number(linkedSize), header: 'X-Linked-Size' });
	const linkedEtag = normaliseEtag(linked?.get('x-linked-etag') ?? headers.get('x-linked-etag'));
	// Only the Hub's own ETag means a hash; after a redirect the ETag is the CDN's (S3 md5 and the like).
	const etag = linked ? null : normaliseEtag(headers.get('etag'));
	for (const [value, header] of [[linkedEtag, 'X-Linked-ETag'], [etag, 'ETag']] as const) {
		if (!value) continue;
		if (/^[0-9a-f]{64}$/.test(value) && !want.sha256) want.sha256 = { hex: value, header: `${header} (sha256)` };
		else if (/^[0-9a-f]{40}$/.test(value) && !want.gitSha1 && header === 'ETag') want.gitSha1 = { hex: value, header: `${header} (git blob sha1)` };
	}
	return want;
}

/** True when `want` checks anything at all. */
export function checksSomething(want: Integrity): boolean {
	return want.sizes.length > 0 || Boolean(want.sha256) || Boolean(want.gitSha1);
}

interface Hasher {
	update(chunk: Uint8Array): void;
	hex(): Promise<string>;
}

type NodeCrypto = typeof import('node:crypto');

function nodeCrypto(): NodeCrypto | null {
	const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
	return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:crypto') as NodeCrypto) : null;
}

const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * A streaming sha256/sha1: Node's crypto (constant memory), else WebCrypto over the collected chunks
 * (browsers have no streaming digest; the body is held in memory by the reader anyway).
 */
function hasher(algorithm: 'sha256' | 'sha1', prefix?: Uint8Array): Hasher {
	const node = nodeCrypto();
	if (node) {
		const h = node.createHash(algorithm);
		if (prefix) h.update(prefix);
		return { update: (c) => void h.update(c), hex: async () => h.digest('hex') };
	}
	const chunks: Uint8Array[] = prefix ? [prefix] : [];
	return {
		update: (c) => void chunks.push(c.slice()),
		async hex() {
			return toHex(await globalThis.crypto.subtle.digest(algorithm === 'sha256' ? 'SHA-256' : 'SHA-1', concatBytes(chunks).buffer as ArrayBuffer));
		}
	};
}

/** Feeds body chunks in, then says whether the whole body is what `want` promised. */
export interface BodyCheck {
	update(chunk: Uint8Array): void;
	/** Throws NETWORK (naming `url`, the header and both values) when the body is not what was promised. */
	finish(): Promise<void>;
	readonly bytes: number;
}

/**
 * @example
 * const check = checkBody(url, { sizes: [{ bytes: 10, header: 'X-Linked-Size' }] });
 * check.update(new Uint8Array(4)); await check.finish(); // throws NETWORK: received 4 bytes, X-Linked-Size says 10
 */
export function checkBody(url: string, want: Integrity): BodyCheck {
	let bytes = 0;
	const sha256 = want.sha256 ? hasher('sha256') : null;
	// The git blob prefix needs the size first: take the promised one (a wrong size fails the size
	// check anyway); without one, keep the chunks (git ETags belong to small non-LFS files).
	const blobSize = want.sizes[0]?.bytes;
	const gitSha1 = want.gitSha1 && blobSize !== undefined ? hasher('sha1', new TextEncoder().encode(`blob ${blobSize}\0`)) : null;
	const kept: Uint8Array[] | null = want.gitSha1 && blobSize === undefined ? [] : null;
	const fail = (detail: string) => createError('NETWORK', { url, detail: `${detail}; the download was not kept, retry (a proxy or a cut connection can cause this)` });
	return {
		get bytes() {
			return bytes;
		},
		update(chunk) {
			bytes += chunk.length;
			sha256?.update(chunk);
			gitSha1?.update(chunk);
			kept?.push(chunk.slice());
		},
		async finish() {
			for (const size of want.sizes) {
				if (size.bytes !== bytes) throw fail(`received ${bytes} bytes, ${size.header} says ${size.bytes}`);
			}
			if (sha256 && want.sha256) {
				const got = await sha256.hex();
				if (got !== want.sha256.hex) throw fail(`sha256 of the ${bytes} bytes received is ${got}, ${want.sha256.header} says ${want.sha256.hex}`);
			}
			if (want.gitSha1 && (gitSha1 || kept)) {
				const got = gitSha1 ? await gitSha1.hex() : await gitBlobSha1(concatBytes(kept!));
				if (got !== want.gitSha1.hex) throw fail(`git blob sha1 of the ${bytes} bytes received is ${got}, ${want.gitSha1.header} says ${want.gitSha1.hex}`);
			}
		}
	};
}

/**
 * Git's blob id of `content`, as the Hub's ETag of a non-LFS file: `sha1("blob <size>\0" + content)`.
 * @example await gitBlobSha1(new TextEncoder().encode('hello\n')) // 'ce013625030ba8dba906f756967f9e9ca394464a'
 */
export async function gitBlobSha1(content: Uint8Array): Promise<string> {
	const h = hasher('sha1', new TextEncoder().encode(`blob ${content.length}\0`));
	h.update(content);
	return h.hex();
}

/** Lower-case hex sha256 of `content`. @example await sha256Hex(new Uint8Array(0)) // 'e3b0c442...b855' */
export async function sha256Hex(content: Uint8Array): Promise<string> {
	const h = hasher('sha256');
	h.update(content);
	return h.hex();
}
