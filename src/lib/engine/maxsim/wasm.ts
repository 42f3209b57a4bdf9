/**
 * The WASM `MaxSimScorer`: documents packed once into WebAssembly memory (k-major 4-token panels,
 * see `pack.ts`), scored by the SIMD128 or relaxed-SIMD kernel, on the calling thread alone or with
 * worker threads on one shared memory (docs split in ranges of equal work). With `quantized`, docs are
 * also kept as int8-range i16 and `topK` screens with `i32x4.dot_i16x8_s`, then rescores exactly.
 * With `storage: 'fp16'` the docs are kept as IEEE halves only (2 bytes per value) and `score_f16`
 * widens each one to f32 as it scores it: the scores are MaxSim of the fp16-decoded vectors.
 */
import { encodeFp16 } from '../compress/codecs-fp16';
import { createError } from '../errors';
import type { ReadAllocator, TokenMatrix } from '../types';
import { align16 } from './kernel-memory';
import { instantiateKernel, kernelModule, type KernelExports, type KernelFlavour, type KernelFunction } from './kernel-module';
import type { MaxSimScorer, ScoredIndex } from './maxsim';
import { BLOCK_PANELS, docShape, packDocF32, packDocI16, packQueryF32, packQueryI16, paddedDim, queryPairs, quantScale } from './pack';
import { KernelScorerBase, runRanges, splitByWork, stageCall, startKernel, type StartedKernel } from './scorer-plumbing';
import { topKOf } from './top-k';
import { checkDim, checkK, checkMatrix, checkShape } from './validate';
import { prepareWarmUp, WARM_UP_BYTES, warmUpArgs } from './warm-up';

/** Documents that the caller reads into memory the scorer gives it; the returned matrices view it (`Fp32VectorStore.readInto`). */
export type DocumentRead = (allocate: ReadAllocator) => readonly TokenMatrix[];

export interface WasmScorerOptions {
	dim: number;
	/** Threads including the calling one (default 1, at most 32); > 1 needs shared WebAssembly memory. */
	threads?: number;
	/** Kernel arithmetic (default `simd`); `relaxed` needs relaxed SIMD in the runtime. */
	flavour?: KernelFlavour;
	/** Also keep int16 copies and screen with them in `topK` (default false). */
	quantized?: boolean;
	/** Candidates the i16 screen passes to exact rescoring (default 100, at least k). */
	rescoreDepth?: number;
	/** Calls below this many multiply-adds stay on the calling thread (default 4M; tests set 0). */
	minParallelMacs?: number;
	/** How docs are kept: float32 (default) or IEEE half (`fp16`, no `quantized`). */
	storage?: 'fp32' | 'fp16';
}

/** Below this many multiply-adds a call runs on the calling thread: messaging costs more. */
const MIN_PARALLEL_MACS = 4_000_000;

/**
 * Table entry per doc: i32 f32Offset, i32 i16Offset, i32 nBlocks << 3 | tail, f32 1/scale.
 * @example
 * const scorer = await WasmMaxSimScorer.create({ dim: 2 });
 * await scorer.add([{ data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }]);
 * await scorer.score({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }) // Float32Array [1.8]
 */
export class WasmMaxSimScorer extends KernelScorerBase<KernelExports> implements MaxSimScorer {
	readonly flavour: KernelFlavour;
	readonly quantized: boolean;
	readonly rescoreDepth: number;
	readonly storage: 'fp32' | 'fp16';
	private readonly minParallelMacs: number;
	/** Most panels of any stored doc (fp16: each thread's widening buffer holds one doc). */
	private maxPanels = 0;

	private constructor(options: WasmScorerOptions, started: StartedKernel<KernelExports>) {
		super(options.dim, 'WASM MaxSim scorer', started);
		this.flavour = options.flavour ?? 'simd';
		this.quantized = options.quantized ?? false;
		this.rescoreDepth = options.rescoreDepth ?? 100;
		this.minParallelMacs = options.minParallelMacs ?? MIN_PARALLEL_MACS;
		this.storage = options.storage ?? 'fp32';
	}

	/** Bytes the stored documents take in kernel memory (packed values, layout padding). */
	get residentBytes(): number {
		return this.arenaEnd - WARM_UP_BYTES;
	}

	/** Compiles and instantiates the kernel, starts `threads - 1` workers; rejects with BACKEND_UNAVAILABLE. */
	static async create(options: WasmScorerOptions): Promise<WasmMaxSimScorer> {
		checkDim(options.dim);
		if (options.storage === 'fp16' && options.quantized) throw createError('BAD_ARGUMENT', { detail: 'storage fp16 and quantized screening do not combine' });
		if (options.storage !== undefined && options.storage !== 'fp32' && options.storage !== 'fp16') {
			throw createError('UNKNOWN_OPTION', { what: 'WASM scorer storage', value: String(options.storage), expected: 'fp32, fp16' });
		}
		const warmUp = (kernel: KernelExports, memory: WebAssembly.Memory) => {
			prepareWarmUp(memory);
			const warm = warmUpArgs(0);
			for (let i = 0; i < warm.calls; i++) {
				kernel.score_f32(...(warm.f32 as Parameters<KernelExports['score_f32']>));
				kernel.score_i16(...(warm.i16 as Parameters<KernelExports['score_i16']>));
				kernel.score_f16(...(warm.f16 as Parameters<KernelExports['score_f16']>));
			}
		};
		return new WasmMaxSimScorer(options, await startKernel(options.threads, (shared) => kernelModule(options.flavour ?? 'simd', shared), instantiateKernel, warmUp, warmUpArgs));
	}

	async add(docs: TokenMatrix[]): Promise<void> {
		docs.forEach((doc, i) => checkMatrix(doc, this.dim, `document ${this.count + i}`));
		this.checkHalfRange(docs, this.count);
		return this.calls.run(async () => this.append(docs));
	}

	/**
	 * Scores `docs` without keeping them (scratch mode, for documents that live elsewhere: rescoring
	 * candidates read from a side store, PLAID's decoded candidates): they are packed after the resident
	 * documents for this call only, scored like a subset, then dropped. The memory grown for them stays
	 * (reused by the next call); no module is instantiated per call. `docs` may be a `DocumentRead`: the
	 * documents are then read straight into kernel memory and packed from there (no copy).
	 * @example await scorer.scoreDocs(query, [doc]) // Float32Array [maxSim(query, doc)]
	 */
	async scoreDocs(query: TokenMatrix, docs: readonly TokenMatrix[] | DocumentRead, options: { finite?: boolean } = {}): Promise<Float32Array> {
		this.checkQuery(query);
		// `finite`: values already checked where they came from (a validated side store, a codec); shapes still are.
		const check = options.finite ? checkShape : checkMatrix;
		const checked = (list: readonly TokenMatrix[]) => {
			list.forEach((doc, i) => check(doc, this.dim, `document ${i}`));
			this.checkHalfRange(list, 0);
			return list;
		};
		if (typeof docs !== 'function') checked(docs);
		return this.calls.run(async () => {
			const resident = { count: this.count, arenaEnd: this.arenaEnd, work: this.work.length };
			try {
				// Read inside the queued call: the staging bytes are this call's alone.
				const list = typeof docs === 'function' ? checked(docs((bytes, count) => this.staging(bytes, count))) : docs;
				this.append(list, true);
				const subset = new Int32Array(list.length);
				for (let i = 0; i < list.length; i++) subset[i] = resident.count + i;
				return await this.run(this.storage === 'fp16' ? 'score_f16' : 'score_f32', query, subset);
			} finally {
				this.count = resident.count;
				this.arenaEnd = resident.arenaEnd;
				this.work.length = resident.work;
			}
		});
	}

	/**
	 * `bytes` of kernel memory for `count` row-major documents to be read into, above where this call's
	 * packed copies can reach (so packing them cannot overwrite one still unread), grown now so that
	 * nothing grows (and detaches the views) before they are packed.
	 */
	private staging(bytes: number, count: number): Uint8Array {
		const rows = Math.ceil(bytes / 4 / this.dim);
		// Per doc: up to 3 padding tokens and 2 x 16 alignment bytes; 6 bytes per value covers f32 + i16 and fp16.
		const reach = (rows + 3 * count) * paddedDim(this.dim) * 6 + 32 * count + 16;
		const at = align16(this.arenaEnd + reach);
		this.memory.ensure(at + bytes);
		return new Uint8Array(this.memory.memory.buffer, at, bytes);
	}

	protected docEnd(at: number, rows: number): number {
		const dimP = paddedDim(this.dim);
		const { panels } = docShape(rows, BLOCK_PANELS[this.flavour]);
		if (this.storage === 'fp16') return align16(at + panels * 4 * dimP * 2);
		const i16At = align16(at + panels * 16 * dimP);
		return this.quantized ? align16(i16At + panels * 8 * dimP) : i16At;
	}

	/** fp16: a value that rounds past the half range (65504) would become Infinity, which no format accepts. */
	private checkHalfRange(docs: readonly TokenMatrix[], first: number): void {
		if (this.storage !== 'fp16') return;
		docs.forEach((doc, i) => {
			const n = doc.rows * doc.dim;
			for (let k = 0; k < n; k++) {
				// 65520 is halfway between 65504 and the next half step (2^16): it and beyond round to Infinity.
				if (Math.abs(doc.data[k]) >= 65520) throw createError('NOT_FINITE', { detail: `${doc.data[k]} in document ${first + i} is beyond the fp16 range (|x| <= 65504)` });
			}
		});
	}

	/**
	 * Writes `doc` in the f32 layout at `at`. The kernel's `pack_f32` does it from the rows where they are
	 * when they were read into kernel memory (`staging`), else from a row-major copy placed after the doc's
	 * own end (`free`): one memcpy and SIMD transposes instead of JS strided writes (3-4x less time).
	 * Resident docs take the copy only when it fits without growing the memory (a build that reserved its
	 * exact size keeps it); scratch docs may grow it, as they do anyway.
	 */
	private packF32(doc: TokenMatrix, at: number, free: number, mayGrow: boolean): void {
		const values = doc.rows * doc.dim;
		// Read straight into kernel memory (`staging`): packed from where it is.
		if (doc.data.buffer === this.memory.memory.buffer) {
			this.kernel.pack_f32(doc.data.byteOffset, doc.rows, doc.dim, at);
			return;
		}
		if (mayGrow) this.memory.ensure(free + values * 4);
		if (free + values * 4 > this.memory.byteLength) {
			packDocF32(doc, BLOCK_PANELS[this.flavour], this.memory.f32(at, docShape(doc.rows, BLOCK_PANELS[this.flavour]).panels * 4 * paddedDim(this.dim)), 0);
			return;
		}
		this.memory.f32(free, values).set(doc.data.subarray(0, values));
		this.kernel.pack_f32(free, doc.rows, doc.dim, at);
	}

	/** Packs `docs` after the resident ones, as indices `size`, `size + 1`, ... (inside a queued call). */
	private append(docs: readonly TokenMatrix[], scratch = false): void {
		const dimP = paddedDim(this.dim);
		this.table.grow(this.count + docs.length);
		for (const doc of docs) {
			const blockPanels = BLOCK_PANELS[this.flavour];
			const { nBlocks, tail, panels } = docShape(doc.rows, blockPanels);
			if (this.storage === 'fp16') {
				this.appendHalves(doc, panels, nBlocks, tail);
				continue;
			}
			const f32At = this.arenaEnd;
			const i16At = align16(f32At + panels * 16 * dimP);
			const end = this.quantized ? align16(i16At + panels * 8 * dimP) : i16At;
			this.memory.ensure(end);
			if (panels > 0) this.packF32(doc, f32At, end, scratch);
			const scale = this.quantized && panels > 0 ? quantScale(doc) : 1;
			if (this.quantized && panels > 0) packDocI16(doc, blockPanels, scale, this.memory.i16(i16At, panels * 4 * dimP), 0);
			const entry = this.table.entry(this.count);
			entry[0] = f32At;
			entry[1] = i16At;
			entry[2] = (nBlocks << 3) | tail;
			this.table.floatField(this.count)[0] = 1 / scale;
			this.work.push(panels);
			this.maxPanels = Math.max(this.maxPanels, panels);
			this.arenaEnd = end;
			this.count++;
		}
	}

	/** fp16: the f32 panels rounded to halves (`encodeFp16`), 2 bytes per value, at table field 1. */
	private appendHalves(doc: TokenMatrix, panels: number, nBlocks: number, tail: number): void {
		const values = panels * 4 * paddedDim(this.dim);
		const at = this.arenaEnd;
		const end = align16(at + values * 2);
		this.memory.ensure(end);
		if (panels > 0) {
			const packed = new Float32Array(values);
			packDocF32(doc, BLOCK_PANELS[this.flavour], packed, 0);
			new Uint16Array(this.memory.memory.buffer, at, values).set(encodeFp16(packed));
		}
		this.table.entry(this.count).set([0, at, (nBlocks << 3) | tail, 0]);
		this.work.push(panels);
		this.maxPanels = Math.max(this.maxPanels, panels);
		this.arenaEnd = end;
		this.count++;
	}

	async score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		this.checkQuery(query, subset);
		return this.calls.run(() => this.run(this.storage === 'fp16' ? 'score_f16' : 'score_f32', query, subset));
	}

	/** Approximate scores from the int16 screen (needs `quantized`), one per doc or per `subset` index. */
	async screen(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		if (!this.quantized) throw createError('BAD_ARGUMENT', { detail: 'screen() needs a scorer created with quantized: true' });
		this.checkQuery(query, subset);
		return this.calls.run(() => this.run('score_i16', query, subset));
	}

	async topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		checkK(k);
		this.checkQuery(query, subset);
		const total = subset ? subset.length : this.count;
		const depth = Math.max(this.rescoreDepth, k);
		if (!this.quantized || depth >= total) return topKOf(await this.score(query, subset), k, subset);
		const screened = topKOf(await this.screen(query, subset), depth, subset);
		const candidates = Int32Array.from(screened, (hit) => hit.index);
		return topKOf(await this.score(query, candidates), k, candidates);
	}

	/** Copies table, query into scratch; runs the kernel over ranges of equal work; reads the scores. */
	private async run(fn: KernelFunction, query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		const n = subset ? subset.length : this.count;
		if (n === 0) return new Float32Array(0);
		if (query.rows === 0) return new Float32Array(n);
		const qScale = fn === 'score_i16' ? quantScale(query) : 1;
		const packed = fn === 'score_i16' ? packQueryI16(query, qScale) : packQueryF32(query);
		const nPairs = queryPairs(query.rows);
		const dimP = paddedDim(this.dim);
		// Scratch per thread: running maxima (nPairs * 32 bytes), then (fp16) one doc widened to f32.
		const decodeAt = align16(nPairs * 32);
		const perThread = fn === 'score_f16' ? decodeAt + this.maxPanels * 16 * dimP : nPairs * 32;
		const { tableAt, queryAt, outAt, scratchAt, scratchStride } = stageCall(this.memory, this.table, this.arenaEnd, n, subset, packed, this.threads, perThread);
		const argsOf = (first: number, end: number, thread: number): number[] => {
			const scratch = scratchAt + thread * scratchStride;
			const args = [queryAt, nPairs, dimP, tableAt, first, end, outAt, scratch];
			return fn === 'score_i16' ? [...args, 1 / qScale] : fn === 'score_f16' ? [...args, scratch + decodeAt] : args;
		};
		await runRanges(this.split(n, subset, query.rows), this.workers, fn, argsOf, (args) => {
			if (fn === 'score_f32') this.kernel.score_f32(...(args as Parameters<KernelExports['score_f32']>));
			else if (fn === 'score_f16') this.kernel.score_f16(...(args as Parameters<KernelExports['score_f16']>));
			else this.kernel.score_i16(...(args as Parameters<KernelExports['score_i16']>));
		});
		return this.memory.f32(outAt, n).slice();
	}

	/** Splits entries 0..n into contiguous ranges of about equal work, one per thread. */
	private split(n: number, subset: ArrayLike<number> | undefined, queryRows: number): [number, number][] {
		const workOf = (i: number) => this.work[subset ? subset[i] : i] + 1;
		return splitByWork(n, workOf, (total) => (total * 4 * queryRows * this.dim < this.minParallelMacs ? 1 : Math.min(this.threads, n)));
	}
}
