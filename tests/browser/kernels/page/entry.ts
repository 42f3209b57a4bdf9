/**
 * Browser side of the kernel conformance tests: bundled by support/page-server.ts and driven by
 * webgpu.spec.ts through `window.kernelHarness`. Data is generated here from seeds, so only small
 * verdicts cross the DevTools protocol.
 */
import { isLatelabError } from '../../../../src/lib/engine/errors';
import { maxSim, type MaxSimScorer, type ScoredIndex } from '../../../../src/lib/engine/maxsim/maxsim';
import { topKOf } from '../../../../src/lib/engine/maxsim/top-k';
import { createWebGpuScorer, isWebGpuAvailable, type WebGpuScorerOptions } from '../../../../src/lib/engine/maxsim/webgpu';
import type { TokenMatrix } from '../../../../src/lib/engine/types';
import { CASES, caseData, type MaxSimCase } from './cases';

/** Relative error with a floor of 1 on the denominator, so scores near 0 are compared absolutely. */
export function relError(got: number, want: number): number {
	return Math.abs(got - want) / Math.max(1, Math.abs(want));
}

export interface CaseVerdict {
	name: string;
	docs: number;
	/** Worst relative error of score(q), score(q, subset) and the topK scores against the reference. */
	maxRelError: number;
	/** Problems other than tolerance (lengths, order, indices); empty when all is well. */
	problems: string[];
}

/** Compares a top-k list with the reference scores: k items, non-increasing, right scores, right rank scores. */
function checkTopK(got: ScoredIndex[], ref: Float32Array | number[], k: number, subset: number[] | undefined, problems: string[]): number {
	const want = topKOf(subset ? subset.map((i) => ref[i]) : ref, k, subset);
	if (got.length !== want.length) problems.push(`topK(${k}) returned ${got.length} items, expected ${want.length}`);
	let worst = 0;
	for (let r = 0; r < Math.min(got.length, want.length); r++) {
		// Rank r must hold the r-th best score (indices may differ only between near-equal scores).
		worst = Math.max(worst, relError(got[r].score, want[r].score), relError(got[r].score, ref[got[r].index]));
		if (r > 0 && got[r].score > got[r - 1].score) problems.push(`topK not sorted at rank ${r}`);
		if (r > 0 && got[r].score === got[r - 1].score && got[r].index < got[r - 1].index) problems.push(`tie at rank ${r} not broken by lower index`);
	}
	return worst;
}

/** Runs one case on `scorer` (adding documents in two batches, so the store grows) against `maxSim`. */
export async function checkCase(scorer: MaxSimScorer, c: MaxSimCase): Promise<CaseVerdict> {
	const { query, docs } = caseData(c);
	const half = Math.floor(docs.length / 2);
	await scorer.add(docs.slice(0, half));
	await scorer.add(docs.slice(half));
	const ref = docs.map((d) => maxSim(query, d));
	const problems: string[] = [];
	if (scorer.size !== docs.length) problems.push(`size ${scorer.size}, expected ${docs.length}`);
	let worst = 0;
	const scores = await scorer.score(query);
	if (scores.length !== ref.length) problems.push(`score() returned ${scores.length} scores, expected ${ref.length}`);
	for (let i = 0; i < Math.min(scores.length, ref.length); i++) worst = Math.max(worst, relError(scores[i], ref[i]));
	if (c.subset) {
		const sub = await scorer.score(query, c.subset);
		if (sub.length !== c.subset.length) problems.push(`subset scores: ${sub.length}, expected ${c.subset.length}`);
		c.subset.forEach((index, i) => (worst = Math.max(worst, relError(sub[i], ref[index]))));
	}
	if (c.k !== undefined) {
		worst = Math.max(worst, checkTopK(await scorer.topK(query, c.k), ref, c.k, undefined, problems));
		if (c.subset) worst = Math.max(worst, checkTopK(await scorer.topK(query, c.k, c.subset), ref, c.k, c.subset, problems));
	}
	if (c.duplicates) {
		// Identical documents must score identically, and topK must list them in index order.
		const top = await scorer.topK(query, docs.length);
		const copies = top.filter((h) => h.index === 0 || h.index >= docs.length - c.duplicates!).map((h) => h.index);
		if (copies.join() !== [0, ...Array.from({ length: c.duplicates }, (_, i) => docs.length - c.duplicates! + i)].join()) {
			problems.push(`duplicates ranked ${copies.join()} instead of ascending indices`);
		}
	}
	return { name: c.name, docs: docs.length, maxRelError: worst, problems };
}

/** `code` of a rejected promise, 'resolved' when it did not reject, 'untyped: ...' for non-engine errors. */
async function codeOf(work: () => Promise<unknown>): Promise<string> {
	try {
		await work();
		return 'resolved';
	} catch (error) {
		return isLatelabError(error) ? error.code : `untyped: ${String(error)}`;
	}
}

function randomMatrix(rows: number, dim: number, seed: number): TokenMatrix {
	let s = seed;
	const data = new Float32Array(rows * dim);
	for (let i = 0; i < data.length; i++) data[i] = ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
	return { data, rows, dim };
}

const harness = {
	cases: CASES,
	async webgpuStatus(): Promise<{ available: boolean; crossOriginIsolated: boolean; adapter?: unknown; subgroups?: boolean; timestamps?: boolean }> {
		const available = await isWebGpuAvailable();
		if (!available) return { available, crossOriginIsolated };
		const scorer = await createWebGpuScorer(4);
		const status = { available, crossOriginIsolated, adapter: scorer.adapter, subgroups: scorer.subgroups, timestamps: scorer.timestamps };
		await scorer.dispose();
		return status;
	},
	async webgpuCase(index: number, options: WebGpuScorerOptions = {}): Promise<CaseVerdict & { kernelMs: number | null }> {
		const c = CASES[index];
		const scorer = await createWebGpuScorer(c.dim, options);
		try {
			const verdict = await checkCase(scorer, c);
			return { ...verdict, kernelMs: scorer.lastTimings?.kernelMs ?? null };
		} finally {
			await scorer.dispose();
		}
	},
	/** More documents than one grid dimension holds (65,535 workgroups), so the dispatch is 2D. */
	async webgpuTwoD(nDocs: number): Promise<{ maxRelError: number; count: number; subsetError: number }> {
		const scorer = await createWebGpuScorer(4);
		try {
			const query = randomMatrix(3, 4, 7);
			const docs = Array.from({ length: nDocs }, (_, i) => randomMatrix(1 + (i % 3), 4, i + 1));
			await scorer.add(docs);
			const scores = await scorer.score(query);
			let maxRelError = 0;
			for (let i = 0; i < nDocs; i++) maxRelError = Math.max(maxRelError, relError(scores[i], maxSim(query, docs[i])));
			const subset = [nDocs - 1, 65535, 65534, 0];
			const sub = await scorer.score(query, subset);
			const subsetError = Math.max(...subset.map((d, i) => relError(sub[i], maxSim(query, docs[d]))));
			return { maxRelError, count: scores.length, subsetError };
		} finally {
			await scorer.dispose();
		}
	},
	async webgpuErrors(): Promise<Record<string, string | number>> {
		const scorer = await createWebGpuScorer(4);
		const good = randomMatrix(2, 4, 1);
		await scorer.add([good]);
		const nan = randomMatrix(2, 4, 2);
		nan.data[5] = NaN;
		const inf = randomMatrix(2, 4, 3);
		inf.data[0] = Infinity;
		const result: Record<string, string | number> = {
			badDim: await codeOf(() => createWebGpuScorer(0)),
			addWrongDim: await codeOf(() => scorer.add([randomMatrix(2, 5, 1)])),
			addNaN: await codeOf(() => scorer.add([good, nan])),
			sizeAfterFailedAdds: scorer.size,
			scoreWrongDim: await codeOf(() => scorer.score(randomMatrix(2, 8, 1))),
			scoreInfinity: await codeOf(() => scorer.score(inf)),
			subsetOutOfRange: await codeOf(() => scorer.score(good, [0, 1])),
			subsetNotInteger: await codeOf(() => scorer.score(good, [0.5])),
			negativeK: await codeOf(() => scorer.topK(good, -1)),
			emptyQueryScores: Array.from(await scorer.score({ data: new Float32Array(0), rows: 0, dim: 4 })).join()
		};
		await scorer.dispose();
		result.afterDispose = await codeOf(() => scorer.score(good));
		return result;
	},
	/** Destroys the device while a score is in flight: it must reject with DEVICE_LOST or be right; later calls reject. */
	async webgpuDeviceLoss(): Promise<{ inFlight: string; inFlightError: number; after: string; addAfter: string }> {
		const scorer = await createWebGpuScorer(64);
		const query = randomMatrix(32, 64, 5);
		const docs = Array.from({ length: 400 }, (_, i) => randomMatrix(64, 64, 100 + i));
		await scorer.add(docs);
		const pending = scorer.score(query);
		await new Promise((r) => setTimeout(r, 1));
		scorer.device.destroy();
		let inFlight = 'resolved';
		let inFlightError = 0;
		try {
			const scores = await pending;
			inFlightError = Math.max(...docs.map((d, i) => relError(scores[i], maxSim(query, d))));
		} catch (error) {
			inFlight = isLatelabError(error) ? error.code : `untyped: ${String(error)}`;
		}
		const after = await codeOf(() => scorer.score(query));
		const addAfter = await codeOf(() => scorer.add([randomMatrix(1, 64, 1)]));
		await scorer.dispose();
		return { inFlight, inFlightError, after, addAfter };
	}
};

export type KernelHarness = typeof harness;
(globalThis as unknown as { kernelHarness: KernelHarness }).kernelHarness = harness;
