/// <reference types="@webgpu/types" />
/**
 * The resident document store of the WebGPU MaxSim backend: documents are packed once into a
 * token-interleaved vec4 layout and kept in a storage buffer that grows by doubling.
 *
 * Layout (see kernels/wgsl/maxsim.wgsl): document d with nd tokens starts at vec4 index base(d);
 * vec4 block k of token t sits at base + k * nd + t. `doc_meta[d] = (base, nd)`.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';

/** Floats packed and uploaded per `writeBuffer` call: bounds the temporary copy to 64 MB. */
const UPLOAD_BATCH_FLOATS = 16 * 1024 * 1024;

/** Vec4 blocks per token for width `dim`: `ceil(dim / 4)`. */
export function vec4Blocks(dim: number): number {
	return Math.ceil(dim / 4);
}

/**
 * Writes `doc` (nd x dim, row-major) into `out` from float `offset` in the token-interleaved layout,
 * zero-padding each token to `4 * vec4Blocks(dim)` floats. Returns the floats written.
 * @example
 * // two tokens of dim 2: [1, 2], [3, 4] -> block 0 of token 0, then block 0 of token 1
 * const out = new Float32Array(8);
 * packInterleaved({ data: Float32Array.of(1, 2, 3, 4), rows: 2, dim: 2 }, out, 0); // 8
 * // out = [1, 2, 0, 0, 3, 4, 0, 0]
 */
export function packInterleaved(doc: TokenMatrix, out: Float32Array, offset: number): number {
	const { data, rows: nd, dim } = doc;
	const dim4 = vec4Blocks(dim);
	for (let k = 0; k < dim4; k++) {
		for (let t = 0; t < nd; t++) {
			const at = offset + (k * nd + t) * 4;
			const src = t * dim + k * 4;
			for (let c = 0; c < 4; c++) out[at + c] = k * 4 + c < dim ? data[src + c] : 0;
		}
	}
	return nd * dim4 * 4;
}

/**
 * Documents resident in GPU memory. `add` appends; buffers are reallocated (and copied on the GPU)
 * only when capacity runs out, so adding in batches costs amortised O(new data).
 */
export class GpuDocStore {
	readonly dim4: number;
	/** Documents stored. */
	count = 0;
	/** Tokens stored, over all documents. */
	tokens = 0;
	/** Vec4 blocks used in `docs`. */
	usedVec4 = 0;
	docs: GPUBuffer;
	meta: GPUBuffer;

	constructor(
		private readonly device: GPUDevice,
		readonly dim: number
	) {
		this.dim4 = vec4Blocks(dim);
		this.docs = this.createStorage(64 * 1024);
		this.meta = this.createStorage(4 * 1024);
	}

	/** Packs and uploads `docs` (already validated: each nd x dim, finite). */
	async add(docs: TokenMatrix[]): Promise<void> {
		const newVec4 = docs.reduce((n, d) => n + d.rows * this.dim4, 0);
		const limit = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
		const neededBytes = (this.usedVec4 + newVec4) * 16;
		if (neededBytes > limit) {
			throw createError('BACKEND_UNAVAILABLE', {
				backend: 'webgpu',
				detail: `documents need ${neededBytes} bytes of GPU storage, this device allows ${limit} per buffer`
			});
		}
		this.device.pushErrorScope('out-of-memory');
		this.docs = this.ensureCapacity(this.docs, neededBytes, limit);
		this.meta = this.ensureCapacity(this.meta, (this.count + docs.length) * 8, limit);
		const oom = await this.device.popErrorScope();
		if (oom) {
			throw createError('BACKEND_UNAVAILABLE', { backend: 'webgpu', detail: `out of GPU memory: ${oom.message}` });
		}
		const meta = new Uint32Array(docs.length * 2);
		let batch = new Float32Array(Math.min(UPLOAD_BATCH_FLOATS, Math.max(4, newVec4 * 4)));
		let batchStartVec4 = this.usedVec4;
		let filled = 0;
		let base = this.usedVec4;
		for (let i = 0; i < docs.length; i++) {
			const floats = docs[i].rows * this.dim4 * 4;
			if (filled + floats > batch.length) {
				this.device.queue.writeBuffer(this.docs, batchStartVec4 * 16, batch, 0, filled);
				batchStartVec4 += filled / 4;
				filled = 0;
				if (floats > batch.length) batch = new Float32Array(floats);
			}
			filled += packInterleaved(docs[i], batch, filled);
			meta[i * 2] = base;
			meta[i * 2 + 1] = docs[i].rows;
			base += floats / 4;
		}
		if (filled > 0) this.device.queue.writeBuffer(this.docs, batchStartVec4 * 16, batch, 0, filled);
		if (docs.length > 0) this.device.queue.writeBuffer(this.meta, this.count * 8, meta);
		this.usedVec4 = base;
		this.count += docs.length;
		this.tokens += docs.reduce((n, d) => n + d.rows, 0);
	}

	destroy(): void {
		this.docs.destroy();
		this.meta.destroy();
	}

	private createStorage(bytes: number): GPUBuffer {
		return this.device.createBuffer({
			size: bytes,
			usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC
		});
	}

	/** Returns `buffer` if it holds `bytes`, else a larger copy (doubling, capped at `limit`). */
	private ensureCapacity(buffer: GPUBuffer, bytes: number, limit: number): GPUBuffer {
		if (bytes <= buffer.size) return buffer;
		const size = Math.min(limit, Math.max(bytes, buffer.size * 2));
		const grown = this.createStorage(Math.ceil(size / 16) * 16);
		const encoder = this.device.createCommandEncoder();
		encoder.copyBufferToBuffer(buffer, 0, grown, 0, buffer.size);
		this.device.queue.submit([encoder.finish()]);
		buffer.destroy();
		return grown;
	}
}
