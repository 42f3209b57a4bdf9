/**
 * `ceiling_int8`, the register-only loop `npm run bench:maxsim` divides the int8 kernel's rate by:
 * it must do the work it is credited with (`INT8_CEILING_MACS` multiply-adds per iteration, on the
 * bytes at 0..95), or the kernel's share of the ceiling means nothing.
 */
import { expect, it } from 'vitest';
import { INT8_CEILING_MACS } from '../../kernels/wasm/storage-template';
import { storageKernelModule } from '../../src/lib/engine/maxsim/storage-wasm';

it('ceiling_int8 runs 8 dot products of 8 i16 pairs per iteration on the query and doc vectors in memory', async () => {
	const memory = new WebAssembly.Memory({ initial: 1 });
	const lanes = new Int16Array(memory.buffer, 0, 48);
	for (let r = 0; r < 4; r++) lanes.fill(r + 1, 8 * r, 8 * r + 8); // query rows: every i16 lane r + 1
	for (let p = 0; p < 2; p++) lanes.fill(p + 1, 32 + 8 * p, 40 + 8 * p); // doc vectors: p + 1
	const instance = await WebAssembly.instantiate(await storageKernelModule(false), { env: { memory } });
	const ceiling = instance.exports.ceiling_int8 as (iterations: number) => number;
	// lane 0 of each accumulator gains one pair per iteration, 2 (r + 1)(p + 1); summed over r and p: 2 x 10 x 3
	expect(ceiling(1000)).toBe(1000 * 60);
	expect(ceiling(1)).toBe(60);
	expect(INT8_CEILING_MACS).toBe(64);
});
