/**
 * Byte sources: every corpus parser reads an `AsyncIterable<Uint8Array>`, so the same code runs on a
 * Node file stream (`fileSource` in `node-files.ts`), a browser `File`/`Blob` (`blobSource`) and
 * pasted text (`stringSource`). Chunks are consumed once, in order, and never joined into one string.
 */

/** Bytes arriving in chunks, in file order. Any chunk boundary is allowed (even inside a UTF-8 character). */
export type ByteSource = AsyncIterable<Uint8Array>;

/** Loading progress: bytes read so far over all files, their total (0 when unknown), documents parsed so far. */
export interface LoadProgress {
	bytes: number;
	totalBytes: number;
	docs: number;
}

const DEFAULT_CHUNK = 64 * 1024;

/**
 * Serves an in-memory byte array as chunks of `chunkSize` bytes (tests use small sizes to split characters).
 * @example for await (const c of bytesSource(Uint8Array.of(1, 2, 3), 2)) console.log(c.length); // 2, then 1
 */
export async function* bytesSource(bytes: Uint8Array, chunkSize = DEFAULT_CHUNK): ByteSource {
	if (chunkSize < 1) throw new RangeError('chunkSize must be >= 1');
	for (let start = 0; start < bytes.length; start += chunkSize) {
		yield bytes.subarray(start, Math.min(bytes.length, start + chunkSize));
	}
}

/**
 * Serves a string (e.g. text pasted into the playground) as UTF-8 chunks.
 * @example await loadTextDocs(stringSource('first doc\nsecond doc'), { file: 'pasted' }) // 2 docs
 */
export function stringSource(text: string, chunkSize = DEFAULT_CHUNK): ByteSource {
	return bytesSource(new TextEncoder().encode(text), chunkSize);
}

/**
 * Reads a browser `File`/`Blob` (also Node's `Blob`) chunk by chunk through its stream reader, so a
 * dropped 100 MB file is never copied into one buffer. Uses `getReader()` rather than async iteration
 * of `ReadableStream`, which some browsers lack.
 * @example const docs = await loadUserDocs(blobSource(file), { file: file.name });
 */
export async function* blobSource(blob: Blob): ByteSource {
	const reader = blob.stream().getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			if (value && value.length > 0) yield value;
		}
	} finally {
		reader.releaseLock();
	}
}

/**
 * Passes chunks through unchanged and calls `onBytes(n)` with the size of each, for progress reports.
 * @example withByteCount(bytesSource(Uint8Array.of(1, 2, 3), 2), (n) => seen += n) // seen: 2, then 3
 */
export async function* withByteCount(source: ByteSource, onBytes: (n: number) => void): ByteSource {
	for await (const chunk of source) {
		onBytes(chunk.length);
		yield chunk;
	}
}
