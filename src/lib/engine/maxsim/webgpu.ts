/// <reference types="@webgpu/types" />
/**
 * The WebGPU MaxSim backend: documents resident in a GPU storage buffer, one fused kernel per
 * query (kernels/wgsl/maxsim.wgsl) that never writes the similarity matrix, scores read back and
 * top-k taken on the CPU. A lost device rejects every pending and later call with `DEVICE_LOST`
 * (so `select.ts` can fall back to WASM); it never returns scores computed on a lost device.
 */
import { createError, type LatelabError } from '../errors';
import type { TokenMatrix } from '../types';
import type { MaxSimScorer, ScoredIndex } from './maxsim';
import { acquireDevice, isWebGpuAvailable, type WebGpuAdapterSummary, type WebGpuDeviceOptions } from './webgpu-device';
import { autoWorkgroupSize, MaxSimKernel } from './webgpu-kernel';
import { GpuDocStore, vec4Blocks } from './webgpu-store';
import { topKOf } from './top-k';
import { checkDim, checkK, checkMatrix, checkSubset } from './validate';

export { isWebGpuAvailable };
export type { WebGpuAdapterSummary };

export interface WebGpuScorerOptions extends WebGpuDeviceOptions {
	/**
	 * Invocations per workgroup, 1..256; default: chosen per query from the mean document length
	 * (`autoWorkgroupSize`: 48 for 180-token documents, 32 for 128).
	 */
	workgroupSize?: number;
}

/** Where the time of the last `score`/`topK` went, in milliseconds. */
export interface WebGpuTimings {
	/** From the call to the scores in JS: validation, upload, kernel, readback. */
	totalMs: number;
	/** The compute pass alone, from `timestamp-query` (quantised by some browsers); null without it. */
	kernelMs: number | null;
	/** Documents scored. */
	docs: number;
	/** Invocations per workgroup in that dispatch. */
	workgroupSize: number;
}

/** A `MaxSimScorer` on WebGPU, plus what ran and how long it took. */
export interface WebGpuMaxSimScorer extends MaxSimScorer {
	readonly backend: 'webgpu';
	readonly adapter: WebGpuAdapterSummary;
	/** The reduction uses `subgroupMax`. */
	readonly subgroups: boolean;
	/** `lastTimings.kernelMs` comes from GPU timestamps. */
	readonly timestamps: boolean;
	readonly lastTimings: WebGpuTimings | null;
	/** The device in use (to share it, or for tests to `destroy()` it and observe `DEVICE_LOST`). */
	readonly device: GPUDevice;
}

/**
 * Creates a WebGPU MaxSim scorer for `dim`-wide vectors. Throws `BACKEND_UNAVAILABLE` when there is
 * no WebGPU adapter (e.g. plain Node), `BAD_ARGUMENT` for a bad `dim` or workgroup size.
 * @example
 * const scorer = await createWebGpuScorer(2);
 * await scorer.add([{ data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }]);
 * await scorer.score({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }); // Float32Array [1.8]
 */
export async function createWebGpuScorer(dim: number, options: WebGpuScorerOptions = {}): Promise<WebGpuMaxSimScorer> {
	checkDim(dim);
	const workgroupSize = options.workgroupSize;
	if (workgroupSize !== undefined && (!Number.isInteger(workgroupSize) || workgroupSize < 1 || workgroupSize > 256)) {
		throw createError('BAD_ARGUMENT', { detail: `workgroupSize must be an integer in 1..256, got ${workgroupSize}` });
	}
	const acquired = await acquireDevice(options);
	return new WebGpuScorer(dim, acquired.device, acquired.adapter, acquired.subgroups, acquired.timestamps, workgroupSize);
}

class WebGpuScorer implements WebGpuMaxSimScorer {
	readonly backend = 'webgpu' as const;
	readonly threads = 1;
	lastTimings: WebGpuTimings | null = null;
	private readonly store: GpuDocStore;
	private readonly kernel: MaxSimKernel;
	/** Set once the device is lost: every call rejects with it. */
	private lostError: LatelabError | null = null;
	private disposed = false;
	/** Rejects when the device is lost; raced against every GPU wait. */
	private readonly lost: Promise<never>;
	/** Calls run one after another: they share the query, score and readback buffers. */
	private tail: Promise<unknown> = Promise.resolve();

	constructor(
		readonly dim: number,
		readonly device: GPUDevice,
		readonly adapter: WebGpuAdapterSummary,
		readonly subgroups: boolean,
		readonly timestamps: boolean,
		private readonly workgroupSize: number | undefined
	) {
		this.store = new GpuDocStore(device, dim);
		this.kernel = new MaxSimKernel(device, { subgroups, timestamps });
		this.lost = device.lost.then((info) => {
			this.lostError = createError('DEVICE_LOST', {
				detail: `${info.reason}${info.message ? `: ${info.message}` : ''}${this.disposed ? ' (scorer disposed)' : ''}`
			});
			throw this.lostError;
		});
		this.lost.catch(() => undefined);
	}

	get size(): number {
		return this.store.count;
	}

	add(docs: TokenMatrix[]): Promise<void> {
		return this.serial(async () => {
			docs.forEach((doc, i) => checkMatrix(doc, this.dim, `document ${this.size + i}`));
			await this.guard(this.store.add(docs));
		});
	}

	score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		return this.serial(() => this.scoreNow(query, subset));
	}

	async topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		checkK(k);
		const scores = await this.score(query, subset);
		return topKOf(scores, k, subset);
	}

	async dispose(): Promise<void> {
		if (this.disposed) return;
		this.disposed = true;
		await this.tail.catch(() => undefined);
		this.kernel.destroy();
		this.store.destroy();
		this.device.destroy();
	}

	private async scoreNow(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		const started = performance.now();
		checkMatrix(query, this.dim, 'query');
		if (subset !== undefined) checkSubset(subset, this.size);
		const ids = subset === undefined ? null : Uint32Array.from(subset);
		const count = ids ? ids.length : this.size;
		if (count === 0 || query.rows === 0) return new Float32Array(count);
		const padded = padQuery(query);
		const workgroupSize =
			this.workgroupSize ?? autoWorkgroupSize(this.store.tokens / this.store.count, this.device.limits.maxComputeInvocationsPerWorkgroup);
		const run = { store: this.store, workgroupSize, query: padded, nq: query.rows, ids, count };
		const result = await this.guard(this.kernel.run(run));
		// A device lost while the readback was in flight may have handed back garbage.
		if (this.lostError) throw this.lostError;
		this.lastTimings = { totalMs: performance.now() - started, kernelMs: result.kernelMs, docs: count, workgroupSize };
		return result.scores;
	}

	/** Runs `op` after every earlier call, rejecting at once when disposed or lost. */
	private serial<T>(op: () => Promise<T>): Promise<T> {
		const run = this.tail.then(
			() => this.checkUsable().then(op),
			() => this.checkUsable().then(op)
		);
		this.tail = run.catch(() => undefined);
		return run;
	}

	private async checkUsable(): Promise<void> {
		if (this.disposed) throw createError('BACKEND_UNAVAILABLE', { backend: 'webgpu', detail: 'the scorer was disposed' });
		if (this.lostError) throw this.lostError;
	}

	/** Waits for `work` or the device loss, whichever comes first; maps GPU failures after a loss to DEVICE_LOST. */
	private async guard<T>(work: Promise<T>): Promise<T> {
		try {
			return await Promise.race([work, this.lost]);
		} catch (error) {
			if (this.lostError) throw this.lostError;
			// mapAsync can reject a moment before `device.lost` settles: give the loss a chance to show.
			await Promise.race([this.lost, new Promise((resolve) => setTimeout(resolve, 50))]).catch(() => undefined);
			if (this.lostError) throw this.lostError;
			throw error;
		}
	}
}

/** The query as nq x (4 * ceil(dim / 4)) floats, zero-padded per row to whole vec4 blocks. */
function padQuery(query: TokenMatrix): Float32Array {
	const width = vec4Blocks(query.dim) * 4;
	if (width === query.dim) return query.data.subarray(0, query.rows * query.dim);
	const out = new Float32Array(query.rows * width);
	for (let i = 0; i < query.rows; i++) out.set(query.data.subarray(i * query.dim, (i + 1) * query.dim), i * width);
	return out;
}
