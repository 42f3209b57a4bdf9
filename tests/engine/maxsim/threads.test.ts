import { describe, expect, it } from 'vitest';
import { createMaxSimScorer } from '../../../src/lib/engine/maxsim/select';
import { MAX_THREADS, requestedThreads } from '../../../src/lib/engine/maxsim/threads';

describe('requestedThreads', () => {
	it('requestedThreads(undefined, cores) is the logical cores, at most 8; a given count is used as it is', () => {
		expect(requestedThreads(undefined, 2)).toBe(2);
		expect(requestedThreads(undefined, 32)).toBe(8);
		expect(requestedThreads(undefined, 0)).toBe(1);
		expect(requestedThreads(3, 2)).toBe(3);
	});

	it('requestedThreads rejects what --opt threads=abc / -1 / 1.5 / 1000 give with BAD_ARGUMENT instead of quietly using one thread', () => {
		for (const bad of ['abc', -1, 0, 1.5, MAX_THREADS + 1, Number.NaN]) {
			expect(() => requestedThreads(bad, 2)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/threads must be an integer in 1\.\.64/) }));
		}
	});

	it('createMaxSimScorer({ backend: wasm, threads: "abc" }) is BAD_ARGUMENT', async () => {
		await expect(createMaxSimScorer({ dim: 8, backend: 'wasm', threads: 'abc' as unknown as number })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});
});
