import { describe, expect, it } from 'vitest';
import { halfToFloat, readSafetensors } from '../../../src/lib/engine/encoders/safetensors';
import { encodeSafetensors, f32 } from '../../fixtures/safetensors-writer';

/** float -> IEEE half bits for values exactly representable in half precision. */
function halfBits(x: number): number {
	if (x === 0) return 0;
	const sign = x < 0 ? 0x8000 : 0;
	const a = Math.abs(x);
	const exp = Math.floor(Math.log2(a));
	return sign | ((exp + 15) << 10) | Math.round((a / 2 ** exp - 1) * 1024);
}

describe('readSafetensors', () => {
	it('readSafetensors(bytes).tensor(name) reads F32 with shape, skipping other tensors', () => {
		const bytes = encodeSafetensors([f32('bert.x', [1, 2], Float32Array.of(9, 9)), f32('linear.weight', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6))]);
		const file = readSafetensors(bytes, 'm.safetensors');
		expect(file.metadata).toEqual({ format: 'pt' });
		expect([...file.entries.keys()]).toEqual(['bert.x', 'linear.weight']);
		const t = file.tensor('linear.weight');
		expect(t.shape).toEqual([2, 3]);
		expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('readSafetensors(bytes).tensor(name) widens F16 and BF16 to float32', () => {
		const values = [1, -2, 0.5, 0, 65504];
		const f16 = new Uint8Array(new Uint16Array(values.map(halfBits)).buffer);
		// bfloat16 = the top 16 bits of the float32 pattern (exact for these values).
		const bf16 = new Uint8Array(new Uint16Array(values.map((v) => new Uint32Array(Float32Array.of(v).buffer)[0] >>> 16)).buffer);
		const bytes = encodeSafetensors([
			{ name: 'h', dtype: 'F16', shape: [5], bytes: f16 },
			{ name: 'b', dtype: 'BF16', shape: [5], bytes: bf16 }
		]);
		const file = readSafetensors(bytes, 'm.safetensors');
		expect([...file.tensor('h').data]).toEqual(values);
		expect([...file.tensor('b').data].slice(0, 4)).toEqual(values.slice(0, 4));
		expect(file.tensor('b').data[4]).toBeCloseTo(65504, -3);
	});

	it('halfToFloat(bits) handles subnormals and infinity', () => {
		expect(halfToFloat(0x0001)).toBeCloseTo(5.960464477539063e-8, 15);
		expect(halfToFloat(0x7c00)).toBe(Infinity);
		expect(halfToFloat(0xfc00)).toBe(-Infinity);
	});

	it('readSafetensors(truncated) fails with MALFORMED_JSON naming the file and the byte counts', () => {
		const bytes = encodeSafetensors([f32('linear.weight', [4, 4], new Float32Array(16))]);
		const error = (() => {
			try {
				readSafetensors(bytes.subarray(0, bytes.length - 10), 'org/m/1_Dense/model.safetensors');
			} catch (e) {
				return e as { code: string; message: string };
			}
		})();
		expect(error?.code).toBe('MALFORMED_JSON');
		expect(error?.message).toContain('org/m/1_Dense/model.safetensors');
		expect(error?.message).toContain('truncated');
		expect(() => readSafetensors(new Uint8Array(4), 'x')).toThrow(/shorter than the 8-byte header length/);
	});

	it('readSafetensors(bytes).tensor(missing) fails with MISSING_FIELD listing the tensors present', () => {
		const file = readSafetensors(encodeSafetensors([f32('a', [1], Float32Array.of(1))]), 'x.safetensors');
		expect(() => file.tensor('linear.weight')).toThrow(expect.objectContaining({ code: 'MISSING_FIELD', message: expect.stringContaining('tensors: a') }));
	});

	it('readSafetensors(bytes).tensor(name) rejects unsupported dtypes with UNKNOWN_OPTION', () => {
		const file = readSafetensors(encodeSafetensors([{ name: 'i', dtype: 'I64', shape: [1], bytes: new Uint8Array(8) }]), 'x.safetensors');
		expect(() => file.tensor('i')).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
	});
});
