/**
 * `createMaxSimScorer` (select.ts) in the page: what `auto` picks next to a WebGPU adapter, the WASM
 * backend's threads under cross-origin isolation (checked on a batch large enough to be split across
 * workers), and the switch to WASM when the WebGPU device is lost.
 */
import { maxSim } from '../../../../src/lib/engine/maxsim/maxsim';
import { createMaxSimScorer, type MaxSimScorerOptions } from '../../../../src/lib/engine/maxsim/select';
import type { WebGpuMaxSimScorer } from '../../../../src/lib/engine/maxsim/webgpu';
import { randomMatrix, relError } from './webgpu-probes';

export interface SelectReport {
	backend: string;
	reason: string;
	threads: number;
	warnings: string[];
	/** Worst relative error against maxSim on a 32 x 128 query vs 60 docs x 180 tokens (44M multiply-adds). */
	maxRelError: number;
}

/** Creates a scorer with `options`, scores a workload-A-shaped batch and reports the choice. */
export async function selectAndScore(options: Omit<MaxSimScorerOptions, 'dim'>): Promise<SelectReport> {
	const { scorer, choice, warnings } = await createMaxSimScorer({ ...options, dim: 128 });
	try {
		const query = randomMatrix(32, 128, 3);
		const docs = Array.from({ length: 60 }, (_, i) => randomMatrix(180, 128, 1000 + i));
		await scorer.add(docs);
		const scores = await scorer.score(query);
		const maxRelError = Math.max(...docs.map((d, i) => relError(scores[i], maxSim(query, d))));
		return { backend: scorer.backend, reason: choice.reason, threads: scorer.threads, warnings, maxRelError };
	} finally {
		await scorer.dispose();
	}
}

/** `backend: 'webgpu'`, then its device destroyed: the next calls must run on the fallback, correctly. */
export async function fallbackAfterDeviceLoss(): Promise<{ before: string; after: string; maxRelError: number; warnings: string[] }> {
	const { scorer, warnings } = await createMaxSimScorer({ backend: 'webgpu', dim: 64 });
	try {
		const query = randomMatrix(16, 64, 9);
		const docs = Array.from({ length: 30 }, (_, i) => randomMatrix(40, 64, 2000 + i));
		await scorer.add(docs);
		await scorer.score(query);
		const before = scorer.backend;
		const active = (scorer as unknown as { active: WebGpuMaxSimScorer }).active;
		active.device.destroy();
		const scores = await scorer.score(query);
		const maxRelError = Math.max(...docs.map((d, i) => relError(scores[i], maxSim(query, d))));
		return { before, after: scorer.backend, maxRelError, warnings };
	} finally {
		await scorer.dispose();
	}
}
