/**
 * Browser side of the MaxSim benchmark (bench/browser/maxsim.ts bundles it into a cross-origin
 * isolated page): seeded workloads A and B of issue 4, generated in batches so only the scorer holds
 * the documents, timed per backend, with the WASM SIMD ceilings measured in the same page.
 */
import { randomUnitRows, uniformRandom } from '../../src/lib/engine/random';
import { JsMaxSimScorer } from '../../src/lib/engine/maxsim/js';
import { instantiateKernel, kernelModule } from '../../src/lib/engine/maxsim/kernel-module';
import { maxSim, type MaxSimScorer } from '../../src/lib/engine/maxsim/maxsim';
import { WasmStorageScorer } from '../../src/lib/engine/maxsim/storage-wasm';
import { WasmMaxSimScorer } from '../../src/lib/engine/maxsim/wasm';
import { encodeBinary, maxSimBinary } from '../../src/lib/engine/compress/codecs-binary';
import { encodeInt8, maxSimInt8 } from '../../src/lib/engine/compress/codecs-int8';
import { createWebGpuScorer, type WebGpuMaxSimScorer } from '../../src/lib/engine/maxsim/webgpu';
import type { TokenMatrix } from '../../src/lib/engine/types';

export type WorkloadName = 'A' | 'B' | 'E';
export type BackendName = 'naive-js' | 'js' | 'wasm' | 'wasm-relaxed' | 'wasm-i16' | 'wasm-binary' | 'wasm-int8' | 'webgpu';

interface Workload {
	nq: number;
	dim: number;
	nDocs: number;
	nd: number;
	seed: number;
}

/**
 * Issue 4: A = 32x128 query vs 1,000 docs x 180 tokens; B = 32x96 vs 10,000 docs x 128 tokens.
 * E = issue 12's explorer collection (32x96 vs 5,000 docs x 250 tokens), for comparing the kernel alone with the app's panels.
 */
export const WORKLOADS: Record<WorkloadName, Workload> = {
	A: { nq: 32, dim: 128, nDocs: 1000, nd: 180, seed: 1 },
	B: { nq: 32, dim: 96, nDocs: 10_000, nd: 128, seed: 2 },
	E: { nq: 32, dim: 96, nDocs: 5000, nd: 250, seed: 3 }
};

/** Documents kept for the error check (every nDocs / SAMPLE-th), and timed by the naive loop. */
const SAMPLE = 100;

export interface BenchRow {
	workload: WorkloadName;
	backend: BackendName;
	threads: number;
	docsPerSecond: number;
	gflops: number;
	/** Largest |score - maxSim| over the sampled documents. */
	maxAbsError: number;
	/** Median milliseconds per query, end to end (query in, scores out). */
	endToEndMs: number;
	/** WebGPU only: median compute-pass time from timestamp queries. */
	kernelMs?: number | null;
	/** WebGPU only: invocations per workgroup chosen for the workload. */
	workgroupSize?: number;
	reps: number;
	/** Documents loaded into the scorer per second (packing + upload). */
	addDocsPerSecond?: number;
}


/** The query, then the documents in batches; the same seed gives the same data in every page. */
function* generate(w: Workload, batch = 250): Generator<TokenMatrix[], void, void> {
	const next = uniformRandom(w.seed);
	for (let start = 0; start < w.nDocs; start += batch) {
		yield Array.from({ length: Math.min(batch, w.nDocs - start) }, () => randomUnitRows(w.nd, w.dim, next));
	}
}

function queryOf(w: Workload): TokenMatrix {
	return randomUnitRows(w.nq, w.dim, uniformRandom(w.seed + 1000));
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs `once` until `budgetMs` is spent (at least `minReps`, at most `maxReps`), after an optional warm-up call. */
async function timeIt<T>(once: () => Promise<T>, budgetMs: number, minReps = 3, maxReps = 15, warmUp = true): Promise<{ ms: number[]; last: T }> {
	let last = warmUp ? await once() : (undefined as T);
	const ms: number[] = [];
	const started = performance.now();
	while (ms.length < minReps || (ms.length < maxReps && performance.now() - started < budgetMs)) {
		const t = performance.now();
		last = await once();
		ms.push(performance.now() - t);
	}
	return { ms, last };
}

async function makeScorer(backend: BackendName, threads: number, dim: number): Promise<MaxSimScorer> {
	if (backend === 'js') return new JsMaxSimScorer(dim);
	if (backend === 'webgpu') return createWebGpuScorer(dim);
	if (backend === 'wasm-binary' || backend === 'wasm-int8') return WasmStorageScorer.create({ format: backend === 'wasm-binary' ? 'binary' : 'int8', dim, threads });
	const flavour = backend === 'wasm-relaxed' ? 'relaxed' : 'simd';
	return WasmMaxSimScorer.create({ dim, threads, flavour, quantized: backend === 'wasm-i16' });
}

/** Benchmarks one backend on one workload in this page. */
export async function benchBackend(name: WorkloadName, backend: BackendName, threads: number, budgetMs = 2000): Promise<BenchRow> {
	const w = WORKLOADS[name];
	const query = queryOf(w);
	const flopsPerDoc = 2 * w.nq * w.nd * w.dim;
	const step = Math.max(1, Math.floor(w.nDocs / SAMPLE));
	const sample: { index: number; doc: TokenMatrix }[] = [];
	if (backend === 'naive-js') {
		for (const docs of generate({ ...w, nDocs: SAMPLE })) docs.forEach((doc, i) => sample.push({ index: i, doc }));
		const { ms } = await timeIt(async () => sample.map((s) => maxSim(query, s.doc)), budgetMs);
		const docsPerSecond = SAMPLE / (median(ms) / 1000);
		return { workload: name, backend, threads: 1, docsPerSecond, gflops: (docsPerSecond * flopsPerDoc) / 1e9, maxAbsError: 0, endToEndMs: (median(ms) * w.nDocs) / SAMPLE, reps: ms.length };
	}
	const scorer = await makeScorer(backend, threads, w.dim);
	try {
		let added = 0;
		let addMs = 0;
		for (const docs of generate(w)) {
			docs.forEach((doc, i) => (added + i) % step === 0 && sample.push({ index: added + i, doc }));
			const t = performance.now();
			await scorer.add(docs);
			addMs += performance.now() - t;
			added += docs.length;
		}
		const gpu = backend === 'webgpu' ? (scorer as WebGpuMaxSimScorer) : null;
		const kernelMs: number[] = [];
		const score = async () => {
			const scores = backend === 'wasm-i16' ? await (scorer as WasmMaxSimScorer).screen(query) : await scorer.score(query);
			if (gpu?.lastTimings?.kernelMs != null) kernelMs.push(gpu.lastTimings.kernelMs);
			return scores;
		};
		// The JS scorer takes seconds per query on B and has no compilation to warm up.
		const slow = backend === 'js';
		const { ms, last } = await timeIt(score, slow ? budgetMs / 2 : budgetMs, slow ? 1 : 3, 15, !slow);
		// The storage formats against their own definitions (compress/codecs.ts), the rest against fp32 MaxSim.
		const reference =
			backend === 'wasm-binary'
				? (q: TokenMatrix, d: TokenMatrix) => maxSimBinary(encodeBinary(q), encodeBinary(d))
				: backend === 'wasm-int8'
					? (q: TokenMatrix, d: TokenMatrix) => maxSimInt8(q, encodeInt8(d))
					: maxSim;
		const maxAbsError = Math.max(...sample.map((s) => Math.abs(last[s.index] - reference(query, s.doc))));
		const docsPerSecond = w.nDocs / (median(ms) / 1000);
		const row: BenchRow = {
			workload: name,
			backend,
			threads: scorer.threads,
			docsPerSecond,
			gflops: (docsPerSecond * flopsPerDoc) / 1e9,
			maxAbsError,
			endToEndMs: median(ms),
			reps: ms.length,
			addDocsPerSecond: w.nDocs / (addMs / 1000)
		};
		// The first entry is the warm-up call's.
		if (gpu) row.kernelMs = kernelMs.length > 1 ? median(kernelMs.slice(1)) : null;
		if (gpu) row.workgroupSize = gpu.lastTimings?.workgroupSize;
		return row;
	} finally {
		await scorer.dispose();
	}
}

/** GFLOP/s of the kernels' register-only `ceiling` loop (64 flops per iteration), best of 5, one thread. */
export async function measureCeilings(): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const [key, flavour] of [['simd128', 'simd'], ['relaxedFma', 'relaxed']] as const) {
		const kernel = await instantiateKernel(await kernelModule(flavour, false), new WebAssembly.Memory({ initial: 1 }));
		let iterations = 1e6;
		let best = 0;
		for (let rep = 0; rep < 8; rep++) {
			const t = performance.now();
			kernel.ceiling(iterations);
			const s = (performance.now() - t) / 1000;
			if (s < 0.1) iterations *= 4;
			else best = Math.max(best, (iterations * 64) / s / 1e9);
		}
		out[key] = best;
	}
	return out;
}

/** What this page runs on. */
export async function machine(): Promise<Record<string, unknown>> {
	const info: Record<string, unknown> = {
		userAgent: navigator.userAgent,
		hardwareConcurrency: navigator.hardwareConcurrency,
		crossOriginIsolated
	};
	try {
		const gpu = await createWebGpuScorer(4);
		info.webgpuAdapter = gpu.adapter;
		info.webgpuSubgroups = gpu.subgroups;
		info.webgpuTimestamps = gpu.timestamps;
		await gpu.dispose();
	} catch (error) {
		info.webgpuAdapter = `unavailable: ${error instanceof Error ? error.message : String(error)}`;
	}
	return info;
}

const bench = { benchBackend, measureCeilings, machine };
export type BrowserBench = typeof bench;
(globalThis as unknown as { maxsimBench: BrowserBench }).maxsimBench = bench;
