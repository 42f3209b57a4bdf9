/**
 * Runs one expanded MaxSim case (kernels/cases/maxsim-cases.ts) on a scorer and lists what is wrong,
 * with the same rules as tests/engine/maxsim/conformance.test.ts: scores within the case file's
 * tolerance, subset scores, top-k length / order / expected ties / nothing better left out, and the
 * error code of bad input. Runs in the browser page; only the verdict crosses back to Node.
 */
import { withinTolerance, type MaxSimCase } from '../../../../kernels/cases/maxsim-cases';
import { isLatelabError } from '../../../../src/lib/engine/errors';
import type { MaxSimScorer } from '../../../../src/lib/engine/maxsim/maxsim';

export interface CaseVerdict {
	name: string;
	backend: string;
	threads: number;
	/** Empty when the case passed. */
	problems: string[];
}

/**
 * Checks `scorer` on case `c`. Documents go in two `add` calls (first half, then the rest), so
 * stores that grow on `add` are exercised too; error cases add them in one call like the Node tests.
 */
export async function checkCase(scorer: MaxSimScorer, c: MaxSimCase, tolerance: number): Promise<CaseVerdict> {
	const problems: string[] = [];
	const verdict = { name: c.name, backend: scorer.backend, threads: scorer.threads, problems };
	if (c.expectError) {
		try {
			await scorer.add(c.docs);
			await scorer.score(c.query);
			problems.push(`expected ${c.expectError}, nothing was thrown`);
		} catch (error) {
			const code = isLatelabError(error) ? error.code : `untyped ${String(error)}`;
			if (code !== c.expectError) problems.push(`expected ${c.expectError}, got ${code}`);
		}
		return verdict;
	}
	const half = Math.floor(c.docs.length / 2);
	await scorer.add(c.docs.slice(0, half));
	await scorer.add(c.docs.slice(half));
	if (scorer.size !== c.docs.length) problems.push(`size ${scorer.size}, expected ${c.docs.length}`);
	const all = c.docs.map((_, i) => i);
	const close = (scores: Float32Array, docs: number[], what: string) => {
		if (scores.length !== docs.length) problems.push(`${what}: ${scores.length} scores, expected ${docs.length}`);
		docs.forEach((doc, i) => {
			if (!withinTolerance(scores[i], c.expected![doc], c.magnitude![doc], tolerance)) {
				problems.push(`${what}: doc ${doc} scored ${scores[i]}, reference ${c.expected![doc]}`);
			}
		});
	};
	close(await scorer.score(c.query), all, 'score(q)');
	if (c.subset) close(await scorer.score(c.query, c.subset), c.subset, 'score(q, subset)');
	if (c.topK) {
		const pool = c.subset ?? all;
		const top = await scorer.topK(c.query, c.topK.k, c.subset);
		if (top.length !== Math.min(c.topK.k, pool.length)) problems.push(`topK: ${top.length} hits, expected ${Math.min(c.topK.k, pool.length)}`);
		if (c.topK.expected && top.map((h) => h.index).join() !== c.topK.expected.join()) {
			problems.push(`topK order ${top.map((h) => h.index).join()}, expected ${c.topK.expected.join()}`);
		}
		for (let i = 1; i < top.length; i++) if (top[i - 1].score < top[i].score) problems.push(`topK not best-first at ${i}`);
		const worstKept = top.length ? c.expected![top[top.length - 1].index] : Infinity;
		for (const d of pool.filter((d) => !top.some((h) => h.index === d))) {
			if (c.expected![d] > worstKept + tolerance * c.magnitude![d]) problems.push(`topK left out doc ${d}, better than a kept one`);
		}
	}
	return verdict;
}
