/**
 * The check every MaxSim conformance test runs on one case of a shared cases file (`kernels/cases/`):
 * the f32 backends (`tests/engine/maxsim/conformance.test.ts`) and the storage formats
 * (`storage-conformance.test.ts`) differ in their backends and references, not in what a backend must do.
 */
import { expect } from 'vitest';
import { withinTolerance, type MaxSimCase } from '../../kernels/cases/maxsim-cases';
import type { MaxSimScorer } from '../../src/lib/engine/maxsim/maxsim';

function expectClose(actual: Float32Array, c: MaxSimCase, indices: number[], relativeTolerance: number): void {
	expect(actual.length).toBe(indices.length);
	indices.forEach((doc, i) => {
		if (!withinTolerance(actual[i], c.expected![doc], c.magnitude![doc], relativeTolerance)) {
			expect.fail(`doc ${doc}: got ${actual[i]}, reference ${c.expected![doc]} (magnitude ${c.magnitude![doc]})`);
		}
	});
}

/**
 * Adds `c.docs` to `scorer` and checks the case: the error code it expects, or scores within
 * `relativeTolerance` of the reference (all docs and the subset), and topK best first, the expected
 * order where given, no left-out document better than the worst kept.
 */
export async function expectCaseHolds(scorer: MaxSimScorer, c: MaxSimCase, relativeTolerance: number): Promise<void> {
	if (c.expectError) {
		const run = async () => {
			await scorer.add(c.docs);
			await scorer.score(c.query);
		};
		await expect(run()).rejects.toMatchObject({ code: c.expectError });
		return;
	}
	await scorer.add(c.docs);
	expect(scorer.size).toBe(c.docs.length);
	const all = c.docs.map((_, i) => i);
	expectClose(await scorer.score(c.query), c, all, relativeTolerance);
	if (c.subset) expectClose(await scorer.score(c.query, c.subset), c, c.subset, relativeTolerance);
	if (c.topK) {
		const pool = c.subset ?? all;
		const top = await scorer.topK(c.query, c.topK.k, c.subset);
		expect(top.length).toBe(Math.min(c.topK.k, pool.length));
		if (c.topK.expected) expect(top.map((h) => h.index)).toEqual(c.topK.expected);
		// Best first, and each hit is at least as good as any document left out (within tolerance).
		for (let i = 1; i < top.length; i++) expect(top[i - 1].score).toBeGreaterThanOrEqual(top[i].score);
		const worstKept = top.length ? c.expected![top[top.length - 1].index] : Infinity;
		const left = pool.filter((d) => !top.some((h) => h.index === d));
		for (const d of left) expect(c.expected![d]).toBeLessThanOrEqual(worstKept + relativeTolerance * c.magnitude![d]);
	}
}
