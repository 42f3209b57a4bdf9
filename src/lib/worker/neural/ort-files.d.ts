/** The URLs of ONNX Runtime's files in the build (one copy for the page and the worker; vite.config.ts `sharedOrtFiles`). */
declare module 'virtual:ort-files' {
	/** `ort-wasm-simd-threaded.asyncify.wasm` */
	export const wasm: string;
	/** `ort-wasm-simd-threaded.asyncify.mjs` */
	export const mjs: string;
}
