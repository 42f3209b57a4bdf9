import { describe, expect, it } from 'vitest';
import { unsharedBytes } from '../../src/lib/engine/unshared-bytes';

describe('unsharedBytes', () => {
	it('unsharedBytes(view over ArrayBuffer) returns a view of the same memory, no copy', () => {
		const whole = new Uint8Array([1, 2, 3, 4]);
		const out = unsharedBytes(whole.subarray(1, 3));
		expect([...out]).toEqual([2, 3]);
		expect(out.buffer).toBe(whole.buffer);
		expect(out.byteOffset).toBe(1);
	});

	it('unsharedBytes(view over SharedArrayBuffer) copies into a plain ArrayBuffer that Blob accepts', async () => {
		const shared = new Uint8Array(new SharedArrayBuffer(4));
		shared.set([5, 6, 7, 8]);
		const out = unsharedBytes(shared.subarray(2));
		expect(out.buffer).toBeInstanceOf(ArrayBuffer);
		expect([...out]).toEqual([7, 8]);
		expect([...new Uint8Array(await new Blob([out]).arrayBuffer())]).toEqual([7, 8]);
	});
});
