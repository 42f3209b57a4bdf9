/**
 * Kernel warm-up. V8 first runs WebAssembly in its baseline compiler (Liftoff, ~3x slower here) and
 * recompiles hot functions with TurboFan in the background; a long kernel call cannot switch tiers
 * midway. So every thread runs the kernels a few times on a tiny zero doc before its first real query.
 *
 * The first `WARM_UP_BYTES` of kernel memory are reserved for it: a zero query pair (dimP 4) at 256,
 * one table entry at 512 (a doc of one block plus one tail panel at 1024, all zeros), then per thread
 * a 16-byte output slot at 1536 and a 64-byte scratch at 2048. `score_f16` reads the entry at 528 (one
 * tail panel of zero halves at 1024) and widens it into 64 bytes at 1408, shared by the threads: they
 * all write the same zeros there, so the overlap is harmless.
 */

/** Bytes reserved at the start of kernel memory; documents start after them. */
export const WARM_UP_BYTES = 4096;
/** Threads the reserved area has slots for. */
export const MAX_THREADS = 32;
const CALLS = 2000;

/** Writes the warm-up table entry; the rest of the area stays zero. */
export function prepareWarmUp(memory: WebAssembly.Memory): void {
	const entry = new Int32Array(memory.buffer, 512, 4);
	entry[0] = 1024;
	entry[1] = 1024;
	entry[2] = (1 << 3) | 1;
	new Int32Array(memory.buffer, 528, 4).set([0, 1024, 1, 0]);
}

/** What a kernel worker runs before its first request: each `[function, args]` of `runs`, `calls` times. */
export interface WarmUp {
	calls: number;
	runs: [string, number[]][];
}

/** Arguments of `score_f32`, `score_i16` and `score_f16` on the warm-up docs, for thread `thread` (0 = the caller). */
export function warmUpArgs(thread: number): WarmUp & { f32: number[]; i16: number[]; f16: number[] } {
	const common = [256, 1, 4, 512, 0, 1, 1536 + thread * 16, 2048 + thread * 64];
	const i16 = [...common, 1];
	const f16 = [256, 1, 4, 528, 0, 1, 1536 + thread * 16, 2048 + thread * 64, 1408];
	return { f32: common, i16, f16, calls: CALLS, runs: [['score_f32', common], ['score_i16', i16], ['score_f16', f16]] };
}

/**
 * The storage kernels' warm-up (`storage-template.ts`): their own table entries in the same reserved
 * area, at 768 (binary: a 1-token doc of 4 zero bytes at 1024) and 784 (int8: one block plus one tail
 * panel of zero codes at 1024, zero scales at 1104); a zero query at 256; the int8 maxima (64 bytes per
 * thread) in the f32 kernels' scratch slots at 2048, and its widened block (64 bytes) at 1408, shared
 * like `score_f16`'s: every thread writes the same zeros there.
 */
export function prepareStorageWarmUp(memory: WebAssembly.Memory): void {
	const entries = new Int32Array(memory.buffer, 768, 8);
	entries.set([1024, 1, 0, 0, 1024, 1104, (1 << 3) | 1, 0]);
}

/** Arguments of `score_binary` (1 query row, dim 32) and `score_int8` (1 row group, dimP 4) on the warm-up docs. */
export function storageWarmUpArgs(thread: number): WarmUp {
	const out = 1536 + thread * 16;
	return {
		calls: CALLS,
		runs: [
			['score_binary', [256, 1, 4, 32, 768, 0, 1, out]],
			['score_int8', [256, 1, 4, 784, 0, 1, out, 2048 + thread * 64, 1, 1408]]
		]
	};
}
