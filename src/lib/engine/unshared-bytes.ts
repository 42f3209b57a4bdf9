/**
 * Bytes as a view over a plain (non-shared) ArrayBuffer, which is what `Blob` and `Response` accept.
 * A `Uint8Array` may in general sit on a SharedArrayBuffer (typed `Uint8Array<ArrayBufferLike>` since
 * TypeScript 5.7), and those constructors reject shared memory. Views over a plain buffer are returned
 * as a new view of the same memory (no copy); only shared memory is copied.
 *
 * Shapes: `Uint8Array` of n bytes in, `Uint8Array` of the same n bytes out.
 *
 * @example
 * const bytes = new Uint8Array([1, 2, 3]).subarray(1);  // [2, 3]
 * new Blob([unsharedBytes(bytes)]).size;               // 2, and no copy was made
 */
export function unsharedBytes(bytes: Uint8Array) {
	const { buffer } = bytes;
	// The return type is inferred (a view over ArrayBuffer) so that notebooks' TypeScript 5.0, whose
	// Uint8Array is not generic, compiles this module too.
	return buffer instanceof ArrayBuffer ? new Uint8Array(buffer, bytes.byteOffset, bytes.byteLength) : bytes.slice();
}
