/**
 * Loads the MaxSim WASM kernels from the generated base64 module (no fetch, fs or import.meta, so
 * Node, browser workers and tslab load them alike) and instantiates them on a given memory.
 */
import { decodeBase64 } from '../base64';
import { createError } from '../errors';
import { KERNEL_BASE64 } from './generated/kernels';

/** f32 arithmetic of a kernel build: SIMD128 mul + add, or relaxed-SIMD fused multiply-add. */
export type KernelFlavour = 'simd' | 'relaxed';

/** What a kernel instance exports; signatures are documented in `kernels/wasm/maxsim-template.ts`. */
export interface KernelExports {
	score_f32(q: number, nPairs: number, dimP: number, table: number, first: number, end: number, out: number, scratch: number): void;
	score_i16(q: number, nPairs: number, dimP: number, table: number, first: number, end: number, out: number, scratch: number, qInv: number): void;
	/** `score_f32` on half-precision docs (table field 1), widened one doc at a time into `decode`. */
	score_f16(q: number, nPairs: number, dimP: number, table: number, first: number, end: number, out: number, scratch: number, decode: number): void;
	/** Register-only copy of the f32 inner loop: 16 x BLOCK_PANELS[flavour] flop per iteration. */
	ceiling(iterations: number): number;
	/** Writes `rows x dim` row-major f32 values at `src` in the f32 doc layout at `dst` (`packDocF32`'s result). */
	pack_f32(src: number, rows: number, dim: number, dst: number): void;
}

/** Names of the kernel functions a worker may be asked to run (the last two: the storage kernels' module). */
export type KernelFunction = 'score_f32' | 'score_i16' | 'score_f16' | 'score_int8' | 'score_binary';

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * The compiled kernel module (cached per build). Rejects with `BACKEND_UNAVAILABLE` when the
 * runtime cannot compile it (no SIMD, or relaxed SIMD asked for where it is missing).
 * @example const module = await kernelModule('simd', false);
 */
export function kernelModule(flavour: KernelFlavour, shared: boolean): Promise<WebAssembly.Module> {
	const name = `${flavour}${shared ? '-shared' : ''}`;
	let module = compiled.get(name);
	if (!module) {
		module = WebAssembly.compile(decodeBase64(KERNEL_BASE64[name])).catch((error: unknown) => {
			compiled.delete(name);
			throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `kernel ${name} did not compile: ${String(error)}` }, {}, error);
		});
		compiled.set(name, module);
	}
	return module;
}

/** Instantiates a kernel module on `memory` (imported as `env.memory`). */
export async function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelExports> {
	const instance = await WebAssembly.instantiate(module, { env: { memory } });
	return instance.exports as unknown as KernelExports;
}
