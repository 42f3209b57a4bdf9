/// <reference types="@webgpu/types" />
/**
 * Dispatch of the fused MaxSim WGSL kernel (kernels/wgsl/maxsim.wgsl): builds the module from its
 * preludes, caches one pipeline per variant, runs one workgroup per scored document (2D grid past
 * `maxComputeWorkgroupsPerDimension`), reads the scores back and, with `timestamp-query`, the time
 * the compute pass took on the GPU.
 */
import { createError } from '../errors';
import { WGSL_SOURCES } from './generated/maxsim-wgsl';
import type { GpuDocStore } from './webgpu-store';

/** Floats the uniform query binding holds (`array<vec4<f32>, 4096>` in query-uniform.wgsl). */
export const UNIFORM_QUERY_FLOATS = 4096 * 4;

/** Which preludes the module is built from. */
export interface KernelVariant {
	subgroups: boolean;
	queryInStorage: boolean;
}

/**
 * The WGSL module text for a variant: reduction prelude (it may hold an `enable` directive, which
 * must come first), query prelude, then the kernel.
 * @example kernelSource({ subgroups: false, queryInStorage: false }).includes('fn maxsim(') // true
 */
export function kernelSource(variant: KernelVariant): string {
	return [
		WGSL_SOURCES[variant.subgroups ? 'reduce-subgroups.wgsl' : 'reduce-workgroup.wgsl'],
		WGSL_SOURCES[variant.queryInStorage ? 'query-storage.wgsl' : 'query-uniform.wgsl'],
		WGSL_SOURCES['maxsim.wgsl']
	].join('\n');
}

/** Document tokens each invocation handles per step of the kernel's token loop (maxsim.wgsl). */
export const TOKENS_PER_STEP = 4;

/**
 * Workgroup size for documents of about `meanTokens` tokens: enough invocations that one step of
 * TOKENS_PER_STEP tokens each covers the document (a fixed 64 would compute 256 tokens for a
 * 128-token document, half of them repeats), in multiples of 16, from 16 to `maxInvocations` (<= 256).
 * @example autoWorkgroupSize(180, 256) // 48: 48 x 4 = 192 token slots for 180 tokens
 */
export function autoWorkgroupSize(meanTokens: number, maxInvocations: number): number {
	const wanted = Math.ceil(Math.ceil(meanTokens / TOKENS_PER_STEP) / 16) * 16;
	return Math.max(16, Math.min(wanted, maxInvocations, 256));
}

/** One dispatch: `count` documents (store order, or `ids`), query padded to nq x 4 * dim4 floats. */
export interface KernelRun {
	store: GpuDocStore;
	/** Invocations per workgroup (the WGSL `WG` override). */
	workgroupSize: number;
	query: Float32Array;
	nq: number;
	ids: Uint32Array | null;
	count: number;
}

export interface KernelResult {
	scores: Float32Array;
	/** GPU time of the compute pass from timestamp queries; null without `timestamp-query`. */
	kernelMs: number | null;
}

/** Owns the pipelines and the per-query buffers (params, query, ids, scores, readback). */
export class MaxSimKernel {
	private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
	private readonly params: GPUBuffer;
	private readonly queryUniform: GPUBuffer;
	private queryStorage: GPUBuffer | null = null;
	private ids: GPUBuffer;
	private scores: GPUBuffer;
	private readback: GPUBuffer;
	private readonly timing: { set: GPUQuerySet; resolve: GPUBuffer; readback: GPUBuffer } | null;

	constructor(
		private readonly device: GPUDevice,
		private readonly options: { subgroups: boolean; timestamps: boolean }
	) {
		const usage = GPUBufferUsage;
		this.params = device.createBuffer({ size: 32, usage: usage.UNIFORM | usage.COPY_DST });
		this.queryUniform = device.createBuffer({ size: UNIFORM_QUERY_FLOATS * 4, usage: usage.UNIFORM | usage.COPY_DST });
		this.ids = device.createBuffer({ size: 16, usage: usage.STORAGE | usage.COPY_DST });
		this.scores = device.createBuffer({ size: 16, usage: usage.STORAGE | usage.COPY_SRC });
		this.readback = device.createBuffer({ size: 16, usage: usage.MAP_READ | usage.COPY_DST });
		this.timing = options.timestamps
			? {
					set: device.createQuerySet({ type: 'timestamp', count: 2 }),
					resolve: device.createBuffer({ size: 16, usage: usage.QUERY_RESOLVE | usage.COPY_SRC }),
					readback: device.createBuffer({ size: 16, usage: usage.MAP_READ | usage.COPY_DST })
				}
			: null;
	}

	/** Scores `run.count` documents. Rejects on a GPU validation error instead of returning zeros. */
	async run(run: KernelRun): Promise<KernelResult> {
		const { device } = this;
		const { store, query, nq, ids, count } = run;
		const queryInStorage = query.length > UNIFORM_QUERY_FLOATS;
		const pipeline = await this.pipeline({ subgroups: this.options.subgroups, queryInStorage }, run.workgroupSize);
		const bytes = Math.max(16, count * 4);
		this.scores = this.grow(this.scores, bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
		this.readback = this.grow(this.readback, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
		if (ids) {
			this.ids = this.grow(this.ids, ids.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
			device.queue.writeBuffer(this.ids, 0, ids.buffer, ids.byteOffset, ids.byteLength);
		}
		let queryBuffer = this.queryUniform;
		if (queryInStorage) {
			this.queryStorage = this.grow(this.queryStorage, query.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
			queryBuffer = this.queryStorage;
		}
		device.queue.writeBuffer(queryBuffer, 0, query.buffer, query.byteOffset, query.byteLength);
		const maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
		const gridX = Math.min(count, maxPerDim);
		const gridY = Math.ceil(count / gridX);
		device.queue.writeBuffer(this.params, 0, Uint32Array.of(count, nq, store.dim4, ids ? 1 : 0, gridX, 0, 0, 0));

		device.pushErrorScope('validation');
		const bindGroup = device.createBindGroup({
			layout: pipeline.getBindGroupLayout(0),
			entries: [this.params, store.docs, store.meta, this.ids, this.scores, queryBuffer].map((buffer, binding) => ({
				binding,
				resource: { buffer }
			}))
		});
		const encoder = device.createCommandEncoder();
		const pass = encoder.beginComputePass(
			this.timing
				? { timestampWrites: { querySet: this.timing.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } }
				: undefined
		);
		pass.setPipeline(pipeline);
		pass.setBindGroup(0, bindGroup);
		pass.dispatchWorkgroups(gridX, gridY);
		pass.end();
		encoder.copyBufferToBuffer(this.scores, 0, this.readback, 0, count * 4);
		if (this.timing) {
			encoder.resolveQuerySet(this.timing.set, 0, 2, this.timing.resolve, 0);
			encoder.copyBufferToBuffer(this.timing.resolve, 0, this.timing.readback, 0, 16);
		}
		device.queue.submit([encoder.finish()]);
		const invalid = device.popErrorScope();

		const mapped = Promise.all([
			this.readback.mapAsync(GPUMapMode.READ, 0, count * 4),
			this.timing ? this.timing.readback.mapAsync(GPUMapMode.READ) : Promise.resolve()
		]);
		const error = await invalid;
		if (error) {
			mapped.then(() => this.unmapAll(), () => undefined);
			throw createError('BACKEND_UNAVAILABLE', { backend: 'webgpu', detail: `GPU validation error: ${error.message}` });
		}
		await mapped;
		const scores = new Float32Array(this.readback.getMappedRange(0, count * 4).slice(0));
		let kernelMs: number | null = null;
		if (this.timing) {
			const [begin, end] = new BigUint64Array(this.timing.readback.getMappedRange());
			// Both zero (or end < begin) means the implementation did not write the timestamps.
			kernelMs = end > begin ? Number(end - begin) / 1e6 : null;
		}
		this.unmapAll();
		return { scores, kernelMs };
	}

	destroy(): void {
		for (const b of [this.params, this.queryUniform, this.queryStorage, this.ids, this.scores, this.readback]) b?.destroy();
		this.timing?.set.destroy();
		this.timing?.resolve.destroy();
		this.timing?.readback.destroy();
	}

	private unmapAll(): void {
		if (this.readback.mapState === 'mapped') this.readback.unmap();
		if (this.timing && this.timing.readback.mapState === 'mapped') this.timing.readback.unmap();
	}

	private pipeline(variant: KernelVariant, workgroupSize: number): Promise<GPUComputePipeline> {
		const key = `subgroups ${variant.subgroups}, query in storage ${variant.queryInStorage}, WG ${workgroupSize}`;
		let pipeline = this.pipelines.get(key);
		if (!pipeline) {
			const module = this.device.createShaderModule({ code: kernelSource(variant), label: `maxsim ${key}` });
			pipeline = this.device
				.createComputePipelineAsync({
					layout: 'auto',
					compute: { module, entryPoint: 'maxsim', constants: { WG: workgroupSize } }
				})
				.catch(async (cause: unknown) => {
					const info = await module.getCompilationInfo();
					const messages = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
					throw createError('BACKEND_UNAVAILABLE', {
						backend: 'webgpu',
						detail: `MaxSim shader failed to compile (${key}): ${messages || String(cause)}`
					}, {}, cause);
				});
			this.pipelines.set(key, pipeline);
		}
		return pipeline;
	}

	/** `buffer` if it holds `bytes`, else a new buffer of the next power of two (contents not kept). */
	private grow(buffer: GPUBuffer | null, bytes: number, usage: number): GPUBuffer {
		if (buffer && buffer.size >= bytes) return buffer;
		buffer?.destroy();
		let size = 16;
		while (size < bytes) size *= 2;
		return this.device.createBuffer({ size, usage });
	}
}
