import { describe, expect, it } from 'vitest';
import { benchKernel } from '../../src/lib/worker/kernel-bench';

describe('kernel-bench', () => {
	it('benchKernel("js", w) measures docs/s and finds no drift against the reference', async () => {
		const progress: string[] = [];
		const row = await benchKernel('js', { nq: 4, nd: 8, dim: 16, nDocs: 30, seed: 3 }, { budgetMs: 20, onProgress: (p) => progress.push(p.stage) });
		expect(row.available).toBe(true);
		expect(row.docsPerSecond).toBeGreaterThan(0);
		expect(row.reps).toBeGreaterThanOrEqual(3);
		expect(row.maxAbsError).toBeLessThan(1e-5);
		expect(row.reason).toMatch(/^js/);
		expect(progress[0]).toBe('start');
		expect(progress.at(-1)).toBe('done');
	});

	it('benchKernel("webgpu", w) in Node reports the backend as unavailable with a reason instead of throwing', async () => {
		const row = await benchKernel('webgpu', { nq: 2, nd: 2, dim: 4, nDocs: 2, seed: 1 }, { budgetMs: 5 });
		expect(row.available).toBe(false);
		expect(row.reason).toMatch(/webgpu unavailable/);
		// Said once: the reason is not repeated among the row's warnings.
		expect(row.reason.match(/webgpu unavailable/g)).toHaveLength(1);
		expect(row.warnings.some((w) => /webgpu unavailable/.test(w))).toBe(false);
	});
});
