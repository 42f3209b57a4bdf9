/**
 * The WASM scorer of the compressed storage formats (issue 10): documents are encoded on `add`
 * (`int8` or `binary`, `compress/codecs.ts`) and only their codes are kept, in WebAssembly memory, in
 * the layouts of `kernels/wasm/storage-template.ts`; `score_int8` / `score_binary` run on the calling
 * thread alone or with worker threads on one shared memory (docs split in ranges of equal work), as
 * the f32 scorer (`wasm.ts`) does.
 */
import { encodeBinary } from '../compress/codecs-binary';
import { encodeInt8 } from '../compress/codecs-int8';
import { decodeBase64 } from '../base64';
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import { STORAGE_KERNEL_BASE64 } from './generated/storage-kernels';
import { align16 } from './kernel-memory';
import { instantiateKernel } from './kernel-module';
import type { MaxSimScorer, ScoredIndex } from './maxsim';
import { docShape, paddedDim } from './pack';
import { KernelScorerBase, runRanges, splitByWork, stageCall, startKernel, topKByScore, type StartedKernel } from './scorer-plumbing';
import { binaryBytes, INT8_BLOCK_PANELS, INT8_ROWS, int8DocBytes, int8QueryScale, packDocBinary, packDocInt8, packQueryBinary, packQueryInt8Rows } from './storage-pack';
import { checkDim, checkMatrix } from './validate';
import { prepareStorageWarmUp, storageWarmUpArgs, WARM_UP_BYTES } from './warm-up';

/** The compressed formats with a kernel. */
export type KernelStorageFormat = 'int8' | 'binary';

/** A MaxSim scorer over compressed documents: `add` takes float docs and keeps only their codes. */
export interface StorageScorer extends MaxSimScorer {
	readonly format: KernelStorageFormat;
	/** Bytes the stored documents take in the scorer's memory (codes, scales, layout padding). */
	readonly residentBytes: number;
}

export interface WasmStorageScorerOptions {
	format: KernelStorageFormat;
	dim: number;
	/** Threads including the calling one (default 1, at most 32); > 1 needs shared WebAssembly memory. */
	threads?: number;
	/** Calls below this many token-pair steps stay on the calling thread (default 4M; tests set 0). */
	minParallelWork?: number;
}

interface StorageKernel {
	score_binary(q: number, qRows: number, nBytes: number, dim: number, table: number, first: number, end: number, out: number): void;
	score_int8(q: number, nGroups: number, dimP: number, table: number, first: number, end: number, out: number, scratch: number, qInv: number, wide: number): void;
}

/** Binary distances are u16 lanes in the kernel. */
export const MAX_BINARY_KERNEL_DIM = 65535;
const MIN_PARALLEL_WORK = 4_000_000;
const compiled = new Map<boolean, Promise<WebAssembly.Module>>();

/** The compiled storage kernel module (cached); rejects with BACKEND_UNAVAILABLE if it does not compile. */
export function storageKernelModule(shared: boolean): Promise<WebAssembly.Module> {
	let module = compiled.get(shared);
	if (!module) {
		const name = shared ? 'storage-shared' : 'storage';
		module = WebAssembly.compile(decodeBase64(STORAGE_KERNEL_BASE64[name])).catch((error: unknown) => {
			compiled.delete(shared);
			throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `kernel ${name} did not compile: ${String(error)}` }, {}, error);
		});
		compiled.set(shared, module);
	}
	return module;
}

/**
 * Table entry per doc: binary i32 offset, i32 rows; int8 i32 codes offset, i32 scales offset, i32 shape.
 * @example
 * const scorer = await WasmStorageScorer.create({ format: 'binary', dim: 2 });
 * await scorer.add([{ data: Float32Array.of(0.6, 0.8, 1, -1), rows: 2, dim: 2 }]); // bits 11, 01
 * await scorer.score({ data: Float32Array.of(1, -1, 1, 1), rows: 2, dim: 2 }) // Float32Array [2] (distances 0 and 0)
 */
export class WasmStorageScorer extends KernelScorerBase<StorageKernel> implements StorageScorer {
	readonly format: KernelStorageFormat;
	private readonly minParallelWork: number;

	private constructor(options: WasmStorageScorerOptions, started: StartedKernel<StorageKernel>) {
		super(options.dim, 'WASM storage scorer', started);
		this.format = options.format;
		this.minParallelWork = options.minParallelWork ?? MIN_PARALLEL_WORK;
	}

	/** Compiles and instantiates the kernel, starts `threads - 1` workers; rejects with BACKEND_UNAVAILABLE. */
	static async create(options: WasmStorageScorerOptions): Promise<WasmStorageScorer> {
		checkDim(options.dim);
		if (options.format !== 'int8' && options.format !== 'binary') {
			throw createError('UNKNOWN_OPTION', { what: 'kernel storage format', value: String(options.format), expected: 'int8, binary' });
		}
		if (options.format === 'binary' && options.dim > MAX_BINARY_KERNEL_DIM) {
			throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `binary kernel supports dims up to ${MAX_BINARY_KERNEL_DIM}, got ${options.dim}` });
		}
		const instantiate = async (module: WebAssembly.Module, memory: WebAssembly.Memory) => (await instantiateKernel(module, memory)) as unknown as StorageKernel;
		const warmUp = (kernel: StorageKernel, memory: WebAssembly.Memory) => {
			prepareStorageWarmUp(memory);
			const warm = storageWarmUpArgs(0);
			for (let i = 0; i < warm.calls; i++) {
				for (const [fn, args] of warm.runs) (kernel as unknown as Record<string, (...a: number[]) => void>)[fn](...args);
			}
		};
		return new WasmStorageScorer(options, await startKernel(options.threads, storageKernelModule, instantiate, warmUp, storageWarmUpArgs));
	}

	get residentBytes(): number {
		return this.arenaEnd - WARM_UP_BYTES;
	}

	protected docEnd(at: number, rows: number): number {
		if (this.format === 'binary') return at + rows * binaryBytes(this.dim);
		const sizes = int8DocBytes(rows, this.dim, INT8_BLOCK_PANELS);
		return align16(at) + sizes.codes + sizes.scales;
	}

	async add(docs: TokenMatrix[]): Promise<void> {
		docs.forEach((doc, i) => checkMatrix(doc, this.dim, `document ${this.count + i}`));
		return this.calls.run(async () => {
			this.table.grow(this.count + docs.length);
			for (const doc of docs) {
				const entry = this.table.entry(this.count);
				if (this.format === 'binary') {
					const at = this.arenaEnd;
					const end = at + doc.rows * binaryBytes(this.dim);
					this.memory.ensure(end);
					packDocBinary(encodeBinary(doc), this.memory.bytes(), at);
					entry.set([at, doc.rows, 0, 0]);
					this.work.push(doc.rows);
					this.arenaEnd = end;
				} else {
					const at = align16(this.arenaEnd);
					const sizes = int8DocBytes(doc.rows, this.dim, INT8_BLOCK_PANELS);
					const scalesAt = at + sizes.codes; // a multiple of 16: codes are 4 tokens x dimP bytes per panel
					const end = scalesAt + sizes.scales;
					this.memory.ensure(end);
					if (doc.rows > 0) {
						const codes = new Int8Array(this.memory.memory.buffer, at, sizes.codes);
						packDocInt8(encodeInt8(doc), INT8_BLOCK_PANELS, codes, 0, this.memory.f32(scalesAt, sizes.scales / 4), 0);
					}
					const { nBlocks, tail, panels } = docShape(doc.rows, INT8_BLOCK_PANELS);
					entry.set([at, scalesAt, (nBlocks << 3) | tail, 0]);
					this.work.push(panels * 4);
					this.arenaEnd = end;
				}
				this.count++;
			}
		});
	}

	async score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		this.checkQuery(query, subset);
		return this.calls.run(() => this.run(query, subset));
	}

	async topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		return topKByScore(this, query, k, subset);
	}

	/** Copies table and packed query into scratch; runs the kernel over ranges of equal work; reads the scores. */
	private async run(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		const n = subset ? subset.length : this.count;
		if (n === 0) return new Float32Array(0);
		if (query.rows === 0) return new Float32Array(n);
		const values = query.data.subarray(0, query.rows * query.dim);
		const qScale = this.format === 'int8' ? int8QueryScale(values, this.dim) : 1;
		const packed = this.format === 'binary' ? packQueryBinary(encodeBinary(query)) : packQueryInt8Rows(query, qScale);
		// Scratch (int8), per thread: the running maxima of every query row (16 bytes each), then one
		// block of codes widened to i16 (dimP x 8 bytes per panel).
		const groups = Math.ceil(query.rows / INT8_ROWS);
		const dimP = paddedDim(this.dim);
		const maximaBytes = groups * INT8_ROWS * 16;
		const perThread = this.format === 'binary' ? 0 : maximaBytes + dimP * 8 * INT8_BLOCK_PANELS;
		const { tableAt, queryAt, outAt, scratchAt, scratchStride } = stageCall(this.memory, this.table, this.arenaEnd, n, subset, packed, this.threads, perThread);
		const argsOf = (first: number, end: number, thread: number): number[] => {
			if (this.format === 'binary') return [queryAt, query.rows, binaryBytes(this.dim), this.dim, tableAt, first, end, outAt];
			const own = scratchAt + thread * scratchStride;
			return [queryAt, groups, dimP, tableAt, first, end, outAt, own, 1 / qScale, own + maximaBytes];
		};
		const fn = this.format === 'binary' ? 'score_binary' : 'score_int8';
		await runRanges(this.split(n, subset, query.rows), this.workers, fn, argsOf, (own) => {
			if (this.format === 'binary') this.kernel.score_binary(...(own as Parameters<StorageKernel['score_binary']>));
			else this.kernel.score_int8(...(own as Parameters<StorageKernel['score_int8']>));
		});
		return this.memory.f32(outAt, n).slice();
	}

	/** Splits entries 0..n into contiguous ranges of about equal work (tokens x query rows), one per thread. */
	private split(n: number, subset: ArrayLike<number> | undefined, queryRows: number): [number, number][] {
		const workOf = (i: number) => this.work[subset ? subset[i] : i] + 1;
		return splitByWork(n, workOf, (total) => (total * queryRows * this.dim < this.minParallelWork ? 1 : Math.min(this.threads, n)));
	}
}
