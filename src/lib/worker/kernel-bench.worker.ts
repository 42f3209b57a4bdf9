/**
 * Worker for the Kernels page: benchmarks MaxSim backends off the main thread (the WASM backend
 * starts its own kernel workers from here; WebGPU works in dedicated workers too).
 */
import { expose } from 'comlink';
import { autoChoice, benchKernel, type KernelBackend, type KernelBenchProgress, type KernelBenchRow, type KernelWorkload } from './kernel-bench';

let cancelled = false;

/** The API the page calls through comlink. */
export interface KernelBenchApi {
	auto(dim: number): Promise<{ backend: string; reason: string; warnings: string[] }>;
	run(backends: KernelBackend[], workload: KernelWorkload, budgetMs: number, onRow: (row: KernelBenchRow) => void, onProgress: (p: KernelBenchProgress) => void): Promise<'done' | 'cancelled'>;
	cancel(): void;
}

const api: KernelBenchApi = {
	auto: (dim) => autoChoice(dim),
	async run(backends, workload, budgetMs, onRow, onProgress) {
		cancelled = false;
		for (const backend of backends) {
			if (cancelled) return 'cancelled';
			try {
				onRow(await benchKernel(backend, workload, { budgetMs, onProgress, isCancelled: () => cancelled }));
			} catch (error) {
				if (cancelled) return 'cancelled';
				onRow({ backend, available: false, reason: `${backend} failed: ${error instanceof Error ? error.message : String(error)}`, warnings: [] });
			}
		}
		return 'done';
	},
	cancel() {
		cancelled = true;
	}
};

expose(api);
