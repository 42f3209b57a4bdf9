/**
 * Kernel warm-up. V8 first runs WebAssembly in its baseline compiler (Liftoff, ~3x slower here) and
 * recompiles hot functions with TurboFan in the background; a long kernel call cannot switch tiers
 * midway. So every thread runs the kernels a few times on a tiny zero doc before its first real query.
 *
 * The first `WARM_UP_BYTES` of kernel memory are reserved for it: a zero query pair (dimP 4) at 256,
 * one table entry at 512 (a doc of one block plus one tail panel at 1024, all zeros), then per thread
 * a 16-byte output slot at 1536 and a 64-byte scratch at 2048.
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
}

/** Arguments of `score_f32` and `score_i16` on the warm-up doc, for thread `thread` (0 = the caller). */
export function warmUpArgs(thread: number): { f32: number[]; i16: number[]; calls: number } {
	const common = [256, 1, 4, 512, 0, 1, 1536 + thread * 16, 2048 + thread * 64];
	return { f32: common, i16: [...common, 1], calls: CALLS };
}
