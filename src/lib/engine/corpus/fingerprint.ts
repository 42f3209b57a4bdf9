/**
 * A stable content hash of a document list, used as a cache key (indexes, embeddings).
 *
 * Scheme (version 1), so other tools can reproduce it: each document contributes its id, title and
 * text, each as a 4-byte little-endian UTF-8 byte length followed by the bytes (so no separator can be
 * faked by the content). Documents are packed in order into segments; a segment is closed after the
 * first document that brings it to >= 1 MiB, and the last segment holds the rest. The fingerprint is
 * SHA-256 over the concatenated SHA-256 digests of the segments, in hex. Segmenting is needed because
 * WebCrypto has no incremental hash and a 100 MB corpus should not be copied into one buffer.
 * Order matters: the same documents in another order give another fingerprint.
 */
import { concatBytes } from '../concat-bytes';
import type { Doc } from '../types';

const SEGMENT_BYTES = 1 << 20;

/**
 * SHA-256 fingerprint (64 hex characters) of ids, titles and texts, via `globalThis.crypto.subtle`
 * (Node >= 20, browsers, workers).
 * @example await corpusFingerprint([{ id: 'a', title: '', text: 'x' }]) // 64 hex chars, the same on every run
 */
export async function corpusFingerprint(docs: readonly Doc[]): Promise<string> {
	const subtle = globalThis.crypto?.subtle;
	if (!subtle) throw new Error('corpusFingerprint needs WebCrypto (globalThis.crypto.subtle)');
	const encoder = new TextEncoder();
	const digests: ArrayBuffer[] = [];
	let parts: Uint8Array[] = [];
	let size = 0;
	const flush = async () => {
		digests.push(await subtle.digest('SHA-256', concatBytes(parts, size)));
		parts = [];
		size = 0;
	};
	for (const doc of docs) {
		for (const field of [doc.id, doc.title, doc.text]) {
			const bytes = encoder.encode(field);
			const length = new Uint8Array(4);
			new DataView(length.buffer).setUint32(0, bytes.length, true);
			parts.push(length, bytes);
			size += 4 + bytes.length;
		}
		if (size >= SEGMENT_BYTES) await flush();
	}
	if (size > 0 || digests.length === 0) await flush();
	const all = new Uint8Array(digests.length * 32);
	digests.forEach((d, i) => all.set(new Uint8Array(d), i * 32));
	return sha256Hex(all);
}

/**
 * SHA-256 of `bytes` as 64 lower-case hex characters (WebCrypto), for keys built from a fingerprint and more.
 * @example await sha256Hex(new TextEncoder().encode('abc')) // 'ba7816bf…'
 */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
	const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
	return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
