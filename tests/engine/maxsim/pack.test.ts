/** The kernel layouts, checked by hand on tiny matrices (see kernels/wasm/maxsim-template.ts). */
import { expect, it } from 'vitest';
import { docShape, packDocF32, packDocI16, packQueryF32, packQueryI16, paddedDim, quantScale } from '../../../src/lib/engine/maxsim/pack';

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
