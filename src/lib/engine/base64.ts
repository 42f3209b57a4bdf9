/**
 * Base64 text to bytes, for the WASM kernels shipped as generated base64 modules (MaxSim, storage
 * formats, MUVERA's FDE scan): no fetch, fs or import.meta, so Node, browser workers and tslab load
 * them alike.
 */

/**
 * The bytes `text` encodes (`atob`, which Node, browsers and workers all have).
 * @example decodeBase64('AGFzbQ==') // Uint8Array [0, 97, 115, 109] ("\0asm")
 */
// No annotated return type: TS >= 5.7 then infers a Uint8Array over a plain ArrayBuffer, which
// WebAssembly.compile requires, while the notebooks' TS 5.0 still accepts the file.
export function decodeBase64(text: string) {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
