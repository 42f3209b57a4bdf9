/**
 * The bytes of `parts` one after another, in a new array (never one of the parts, so its `buffer`
 * holds exactly these bytes); `length` is their total when the caller already counted it.
 * @example concatBytes([Uint8Array.of(1, 2), Uint8Array.of(3)]) // Uint8Array [1, 2, 3]
 */
// No annotated return type: TS >= 5.7 then infers a Uint8Array over a plain ArrayBuffer, while the
// notebooks' TS 5.0 (no generic Uint8Array) still accepts the file.
export function concatBytes(parts: readonly Uint8Array[], length = parts.reduce((sum, p) => sum + p.length, 0)) {
	const out = new Uint8Array(length);
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}
