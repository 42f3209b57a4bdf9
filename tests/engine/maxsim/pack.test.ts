/** The kernel layouts, checked by hand on tiny matrices (see kernels/wasm/maxsim-template.ts). */
import { describe, expect, it } from 'vitest';
import { detectMaxSimCapabilities } from '../../../src/lib/engine/capabilities';
import { align16 } from '../../../src/lib/engine/maxsim/kernel-memory';
import { instantiateKernel, kernelModule } from '../../../src/lib/engine/maxsim/kernel-module';
import { BLOCK_PANELS, docShape, packDocF32, packDocI16, packQueryF32, packQueryI16, paddedDim, quantScale } from '../../../src/lib/engine/maxsim/pack';

it('paddedDim(dim) rounds up to a multiple of 4', () => {
	expect([1, 4, 5, 48, 130].map(paddedDim)).toEqual([4, 4, 8, 48, 132]);
});

it('docShape(rows, blockPanels) splits padded tokens into blocks and 4-token tail panels', () => {
	expect(docShape(0, 4)).toEqual({ nBlocks: 0, tail: 0, panels: 0 });
	expect(docShape(1, 4)).toEqual({ nBlocks: 0, tail: 1, panels: 1 });
	expect(docShape(16, 4)).toEqual({ nBlocks: 1, tail: 0, panels: 4 });
	expect(docShape(180, 4)).toEqual({ nBlocks: 11, tail: 1, panels: 45 });
	expect(docShape(180, 5)).toEqual({ nBlocks: 9, tail: 0, panels: 45 });
});

it('packDocF32(doc) stores k-major panels and repeats the last token as padding', () => {
	// 2 tokens of dim 2: t0 = (1, 2), t1 = (3, 4); one tail panel of 4 tokens, dim padded to 4.
	const out = new Float32Array(16).fill(-9);
	packDocF32({ data: Float32Array.of(1, 2, 3, 4), rows: 2, dim: 2 }, 4, out, 0);
	expect(Array.from(out)).toEqual([1, 3, 3, 3, 2, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
});

it('packDocI16(doc, scale) stores component pairs per token, rounded', () => {
	const out = new Int16Array(16).fill(-9);
	packDocI16({ data: Float32Array.of(0.1, 0.2, 0.3, 0.4), rows: 2, dim: 2 }, 4, 10, out, 0);
	// kk = 0: (t0k0, t0k1, t1k0, t1k1, t1.., t1..) ; kk = 1: padded zeros
	expect(Array.from(out)).toEqual([1, 2, 3, 4, 3, 4, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
});

it('packQueryF32(q) interleaves row pairs per component; an odd row is paired with zeros', () => {
	const q = packQueryF32({ data: Float32Array.of(1, 2, 3, 4, 5, 6), rows: 3, dim: 2 });
	expect(Array.from(q)).toEqual([1, 3, 2, 4, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0]);
});

it('packQueryI16(q, scale) interleaves component pairs of the two rows', () => {
	const q = packQueryI16({ data: Float32Array.of(1, 2, 3, 4), rows: 2, dim: 2 }, 1);
	expect(Array.from(q)).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
});

it('quantScale(m) maps the largest |value| to 127', () => {
	expect(quantScale({ data: Float32Array.of(0.5, -0.25), rows: 1, dim: 2 })).toBeCloseTo(254, 6);
});

describe("the kernel's pack_f32 (row-major doc -> f32 layout, SIMD transposes)", () => {
	// Shapes around every boundary: dims with 0-3 single components, rows ending a panel, a block, mid-tail.
	const dims = [1, 2, 3, 4, 5, 7, 8, 13, 96, 130];
	const rowCounts = [1, 2, 3, 4, 5, 15, 16, 17, 33, 37, 64, 250];
	for (const flavour of ['simd', 'relaxed'] as const) {
		it(`${flavour}: writes what packDocF32 writes, bit for bit, and nothing past the doc`, async ({ skip }) => {
			if (flavour === 'relaxed' && !(await detectMaxSimCapabilities()).relaxedSimd) skip('no relaxed SIMD in this runtime');
			const memory = new WebAssembly.Memory({ initial: 64 });
			const kernel = await instantiateKernel(await kernelModule(flavour, false), memory);
			let seed = 7;
			const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 4 - 2;
			for (const dim of dims) {
				for (const rows of rowCounts) {
					const doc = { data: Float32Array.from({ length: rows * dim }, next), rows, dim };
					const size = docShape(rows, BLOCK_PANELS[flavour]).panels * 4 * paddedDim(dim);
					const expected = new Float32Array(size);
					packDocF32(doc, BLOCK_PANELS[flavour], expected, 0);
					const dst = 1024;
					const src = align16(dst + size * 4 + 64);
					const all = new Float32Array(memory.buffer);
					all.fill(-7);
					all.set(doc.data, src / 4);
					kernel.pack_f32(src, rows, dim, dst);
					const got = new Float32Array(memory.buffer, dst, size);
					expect(new Uint32Array(got.buffer, dst, size), `dim ${dim}, rows ${rows}`).toEqual(new Uint32Array(expected.buffer));
					// The guard floats after the doc (up to the source) are untouched.
					expect(Array.from(new Float32Array(memory.buffer, dst + size * 4, 16))).toEqual(new Array(16).fill(-7));
				}
			}
		});
	}
});
