/**
 * WebGPU checks beyond the case files, run in the page: the 2D dispatch past 65,535 workgroups,
 * input errors and disposal, and a device destroyed while a score is in flight.
 */
import { isLatelabError } from '../../../../src/lib/engine/errors';
import { maxSim } from '../../../../src/lib/engine/maxsim/maxsim';
import { createWebGpuScorer } from '../../../../src/lib/engine/maxsim/webgpu';
import type { TokenMatrix } from '../../../../src/lib/engine/types';
import { uniformRandom } from '../../../../src/lib/engine/random';

/** |got - want| / max(1, |want|): relative, absolute near 0. */
export function relError(got: number, want: number): number {
	return Math.abs(got - want) / Math.max(1, Math.abs(want));
}

/** A rows x dim matrix of seeded uniform values in [-1, 1). */
export function randomMatrix(rows: number, dim: number, seed: number): TokenMatrix {
	const next = uniformRandom(seed);
	return { data: Float32Array.from({ length: rows * dim }, () => next() * 2 - 1), rows, dim };
}

/** `code` of a rejected call, 'resolved' when it did not reject, 'untyped: ...' for non-engine errors. */
export async function codeOf(work: () => Promise<unknown>): Promise<string> {
	try {
		await work();
		return 'resolved';
	} catch (error) {
		return isLatelabError(error) ? error.code : `untyped: ${String(error)}`;
	}
}

/** Scores `nDocs` tiny documents, all and as a reversed subset: more workgroups than one grid dimension allows. */
export async function webgpuTwoD(nDocs: number): Promise<{ count: number; maxRelError: number; subsetError: number }> {
	const scorer = await createWebGpuScorer(4);
	try {
		const query = randomMatrix(3, 4, 7);
		const docs = Array.from({ length: nDocs }, (_, i) => randomMatrix(1 + (i % 3), 4, i + 1));
		await scorer.add(docs);
		const scores = await scorer.score(query);
		let maxRelError = 0;
		for (let i = 0; i < nDocs; i++) maxRelError = Math.max(maxRelError, relError(scores[i], maxSim(query, docs[i])));
		// A subset as long as the store, reversed: 2D grid and the ids indirection together.
		const subset = Array.from({ length: nDocs }, (_, i) => nDocs - 1 - i);
		const sub = await scorer.score(query, subset);
		let subsetError = 0;
		for (let i = 0; i < nDocs; i++) subsetError = Math.max(subsetError, relError(sub[i], maxSim(query, docs[subset[i]])));
		return { count: scores.length, maxRelError, subsetError };
	} finally {
		await scorer.dispose();
	}
}

/** Error codes for bad arguments, the store after a rejected `add`, and calls after `dispose`. */
export async function webgpuErrors(): Promise<Record<string, string | number>> {
	const scorer = await createWebGpuScorer(4);
	const good = randomMatrix(2, 4, 1);
	await scorer.add([good]);
	const nan = randomMatrix(2, 4, 2);
	nan.data[5] = NaN;
	const result: Record<string, string | number> = {
		badDim: await codeOf(() => createWebGpuScorer(0)),
		badWorkgroup: await codeOf(() => createWebGpuScorer(4, { workgroupSize: 300 })),
		addNaN: await codeOf(() => scorer.add([good, nan])),
		sizeAfterFailedAdd: scorer.size,
		subsetOutOfRange: await codeOf(() => scorer.score(good, [0, 1])),
		subsetNotInteger: await codeOf(() => scorer.score(good, [0.5])),
		negativeK: await codeOf(() => scorer.topK(good, -1))
	};
	await scorer.dispose();
	result.afterDispose = await codeOf(() => scorer.score(good));
	return result;
}

/** Destroys the device while a score is in flight: it must reject with DEVICE_LOST or be right; later calls reject. */
export async function webgpuDeviceLoss(): Promise<{ inFlight: string; inFlightError: number; after: string; addAfter: string }> {
	const scorer = await createWebGpuScorer(64);
	const query = randomMatrix(32, 64, 5);
	const docs = Array.from({ length: 400 }, (_, i) => randomMatrix(64, 64, 100 + i));
	await scorer.add(docs);
	const pending = scorer.score(query);
	await new Promise((resolve) => setTimeout(resolve, 1));
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
