/**
 * State of the Kernels page: which backends to run on which workload, progress, and one result row
 * per backend as it finishes. The benchmark itself runs in `kernel-bench.worker.ts`.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { NAMED_BACKENDS } from '../engine/maxsim/backends';
import type { KernelBenchApi } from '../worker/kernel-bench.worker';
import type { KernelBackend, KernelBenchProgress, KernelBenchRow, KernelWorkload } from '../worker/kernel-bench';

/** The backends benchmarked, in the page's order: every MaxSim backend by name (`maxsim/backends.ts`). */
export const KERNEL_BACKENDS: readonly KernelBackend[] = NAMED_BACKENDS;

export class KernelBench {
	workload = $state<KernelWorkload>({ nq: 32, nd: 180, dim: 128, nDocs: 1000, seed: 1 });
	backends = $state<KernelBackend[]>([...KERNEL_BACKENDS]);
	budgetMs = $state(1500);
	running = $state(false);
	progress = $state.raw<KernelBenchProgress | undefined>(undefined);
	rows = $state.raw<KernelBenchRow[]>([]);
	auto = $state.raw<{ backend: string; reason: string; warnings: string[] } | undefined>(undefined);
	error = $state<string | undefined>(undefined);

	#worker: Worker;
	#api: Remote<KernelBenchApi>;

	constructor(createWorker: () => Worker = () => new Worker(new URL('../worker/kernel-bench.worker.ts', import.meta.url), { type: 'module' })) {
		this.#worker = createWorker();
		this.#api = wrap<KernelBenchApi>(this.#worker);
		this.#worker.addEventListener('error', (event) => {
			this.error = `the benchmark worker stopped: ${event.message || 'unknown error'}. Reload the page.`;
			this.running = false;
		});
	}

	/** Asks the worker what `auto` picks for the current dimension. */
	async detect(): Promise<void> {
		try {
			this.auto = await this.#api.auto(this.workload.dim);
		} catch (error) {
			this.error = `could not detect kernels: ${error instanceof Error ? error.message : String(error)}`;
		}
	}

	async run(): Promise<void> {
		if (this.running) return;
		this.running = true;
		this.error = undefined;
		this.rows = [];
		try {
			await this.#api.run(
				[...this.backends],
				{ ...this.workload },
				this.budgetMs,
				proxy((row: KernelBenchRow) => (this.rows = [...this.rows, row])),
				proxy((p: KernelBenchProgress) => (this.progress = p))
			);
		} catch (error) {
			this.error = error instanceof Error ? error.message : String(error);
		} finally {
			this.running = false;
			this.progress = undefined;
		}
	}

	cancel(): void {
		void this.#api.cancel();
	}

	dispose(): void {
		this.#api[releaseProxy]();
		this.#worker.terminate();
	}
}
