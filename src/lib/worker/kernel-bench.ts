/**
 * The in-browser MaxSim benchmark behind the Kernels page: seeded random unit vectors, each backend
 * created through `createMaxSimScorer` (so the page shows what `auto` would pick and why), timed on
 * whole-corpus `score()` calls, and checked against the reference `maxSim` on sampled documents (a
 * drift check: a fast kernel that is wrong shows its error). No DOM: runs in a worker or in Node.
 */
import type { MaxSimBackendName } from '../engine/maxsim/backends';
import { maxSim } from '../engine/maxsim/maxsim';
import { createMaxSimScorer } from '../engine/maxsim/select';
import { randomUnitRows, uniformRandom } from '../engine/random';
import type { TokenMatrix } from '../engine/types';

/** A backend the Kernels page benchmarks: each one by name (`auto` is reported beside them). */
export type KernelBackend = MaxSimBackendName;

export interface KernelWorkload {
	/** Query tokens (ColBERT pads queries to 32). */
	nq: number;
	/** Tokens per document. */
	nd: number;
	dim: number;
	nDocs: number;
	seed: number;
}

/** Issue 4's workload A: 32 x 128 query against 1,000 documents of 180 tokens. */
export const WORKLOAD_A: KernelWorkload = { nq: 32, nd: 180, dim: 128, nDocs: 1000, seed: 1 };

export interface KernelBenchRow {
	backend: KernelBackend;
	/** False when the backend could not start here (then `reason` says why and no numbers are given). */
	available: boolean;
	reason: string;
	threads?: number;
	docsPerSecond?: number;
	/** Median milliseconds of one query against all documents. */
	medianMs?: number;
	reps?: number;
	/** Largest |score - reference maxSim| over sampled documents. */
	maxAbsError?: number;
	warnings: string[];
}

export interface KernelBenchProgress {
	backend: KernelBackend;
	stage: 'start' | 'load' | 'time' | 'done';
	done: number;
	total: number;
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export interface KernelBenchOptions {
	/** Time spent scoring per backend, after one warm-up call. Default 1500 ms. */
	budgetMs?: number;
	onProgress?: (p: KernelBenchProgress) => void;
	isCancelled?: () => boolean;
}

/**
 * Benchmarks one backend. Never throws for an unavailable backend: the row says why.
 * @example (await benchKernel('js', { ...WORKLOAD_A, nDocs: 50 })).docsPerSecond // > 0
 */
export async function benchKernel(backend: KernelBackend, w: KernelWorkload, options: KernelBenchOptions = {}): Promise<KernelBenchRow> {
	const budget = options.budgetMs ?? 1500;
	const report = (stage: KernelBenchProgress['stage'], done: number, total: number) => options.onProgress?.({ backend, stage, done, total });
	report('start', 0, w.nDocs);
	const { scorer, choice, warnings } = await createMaxSimScorer({ backend, dim: w.dim });
	try {
		if (choice.backend !== backend) {
			// The warnings already say "<backend> unavailable (why); falling back": the reason, said once.
			const why = warnings.filter((w) => w.startsWith(`${backend} unavailable`));
			return { backend, available: false, reason: why.length ? why.join('; ') : `${backend} unavailable: ${choice.reason}`, warnings: warnings.filter((w) => !why.includes(w)) };
		}
		const next = uniformRandom(w.seed);
		const query = randomUnitRows(w.nq, w.dim, uniformRandom(w.seed + 1000));
		const step = Math.max(1, Math.floor(w.nDocs / 20));
		const sample: { index: number; doc: TokenMatrix }[] = [];
		for (let start = 0; start < w.nDocs; start += 100) {
			if (options.isCancelled?.()) throw new Error('cancelled');
			const docs = Array.from({ length: Math.min(100, w.nDocs - start) }, () => randomUnitRows(w.nd, w.dim, next));
			docs.forEach((doc, i) => (start + i) % step === 0 && sample.push({ index: start + i, doc }));
			await scorer.add(docs);
			report('load', Math.min(w.nDocs, start + docs.length), w.nDocs);
		}
		let last = await scorer.score(query);
		const times: number[] = [];
		const began = performance.now();
		while (times.length < 3 || (performance.now() - began < budget && times.length < 50)) {
			if (options.isCancelled?.()) throw new Error('cancelled');
			const t0 = performance.now();
			last = await scorer.score(query);
			times.push(performance.now() - t0);
			report('time', Math.min(budget, performance.now() - began), budget);
		}
		const maxAbsError = Math.max(0, ...sample.map((s) => Math.abs(last[s.index] - maxSim(query, s.doc))));
		const medianMs = median(times);
		report('done', w.nDocs, w.nDocs);
		return {
			backend,
			available: true,
			reason: choice.reason,
			threads: scorer.threads,
			docsPerSecond: w.nDocs / (medianMs / 1000),
			medianMs,
			reps: times.length,
			maxAbsError,
			warnings
		};
	} finally {
		await scorer.dispose();
	}
}

/** What `auto` would pick here, and why (without benchmarking). */
export async function autoChoice(dim: number): Promise<{ backend: string; reason: string; warnings: string[] }> {
	const { scorer, choice, warnings } = await createMaxSimScorer({ backend: 'auto', dim });
	await scorer.dispose();
	return { ...choice, warnings };
}
