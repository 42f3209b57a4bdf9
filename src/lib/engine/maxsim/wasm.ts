/**
 * The WASM `MaxSimScorer`: documents packed once into WebAssembly memory (k-major 4-token panels,
 * see `pack.ts`), scored by the SIMD128 or relaxed-SIMD kernel, on the calling thread alone or with
 * worker threads on one shared memory (docs split in ranges of equal work). With `quantized`, docs are
 * also kept as int8-range i16 and `topK` screens with `i32x4.dot_i16x8_s`, then rescores exactly.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import { align16, type KernelMemory } from './kernel-memory';
import { instantiateKernel, kernelModule, type KernelExports, type KernelFlavour, type KernelFunction } from './kernel-module';
import type { MaxSimScorer, ScoredIndex } from './maxsim';
import { BLOCK_PANELS, docShape, packDocF32, packDocI16, packQueryF32, packQueryI16, paddedDim, queryPairs, quantScale } from './pack';
import { KernelScorerBase, runRanges, splitByWork, stageCall, startKernel } from './scorer-plumbing';
import type { KernelThread } from './thread-pool';
import { topKOf } from './top-k';
import { checkDim, checkK, checkMatrix } from './validate';
import { prepareWarmUp, warmUpArgs } from './warm-up';

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
	private readonly minParallelMacs: number;

	private constructor(options: WasmScorerOptions, memory: KernelMemory, kernel: KernelExports, workers: KernelThread[]) {
		super(options.dim, 'WASM MaxSim scorer', memory, kernel, workers);
		this.flavour = options.flavour ?? 'simd';
		this.quantized = options.quantized ?? false;
		this.rescoreDepth = options.rescoreDepth ?? 100;
		this.minParallelMacs = options.minParallelMacs ?? MIN_PARALLEL_MACS;
	}

	/** Compiles and instantiates the kernel, starts `threads - 1` workers; rejects with BACKEND_UNAVAILABLE. */
	static async create(options: WasmScorerOptions): Promise<WasmMaxSimScorer> {
		checkDim(options.dim);
		const warmUp = (kernel: KernelExports, memory: WebAssembly.Memory) => {
			prepareWarmUp(memory);
			const warm = warmUpArgs(0);
			for (let i = 0; i < warm.calls; i++) {
				kernel.score_f32(...(warm.f32 as Parameters<KernelExports['score_f32']>));
				kernel.score_i16(...(warm.i16 as Parameters<KernelExports['score_i16']>));
			}
		};
		const { memory, kernel, workers } = await startKernel(options.threads, (shared) => kernelModule(options.flavour ?? 'simd', shared), instantiateKernel, warmUp, warmUpArgs);
		return new WasmMaxSimScorer(options, memory, kernel, workers);
	}

	async add(docs: TokenMatrix[]): Promise<void> {
		docs.forEach((doc, i) => checkMatrix(doc, this.dim, `document ${this.count + i}`));
		return this.calls.run(async () => this.append(docs));
	}

	/**
	 * Scores `docs` without keeping them (scratch mode, for documents that live elsewhere: rescoring
	 * candidates read from a side store, PLAID's decoded candidates): they are packed after the resident
	 * documents for this call only, scored like a subset, then dropped. The memory grown for them stays
	 * (reused by the next call); no module is instantiated per call.
	 * @example await scorer.scoreDocs(query, [doc]) // Float32Array [maxSim(query, doc)]
	 */
	async scoreDocs(query: TokenMatrix, docs: readonly TokenMatrix[]): Promise<Float32Array> {
		this.checkQuery(query);
		docs.forEach((doc, i) => checkMatrix(doc, this.dim, `document ${i}`));
		return this.calls.run(async () => {
			const resident = { count: this.count, arenaEnd: this.arenaEnd, work: this.work.length };
			try {
				this.append(docs);
				const subset = new Int32Array(docs.length);
				for (let i = 0; i < docs.length; i++) subset[i] = resident.count + i;
				return await this.run('score_f32', query, subset);
			} finally {
				this.count = resident.count;
				this.arenaEnd = resident.arenaEnd;
				this.work.length = resident.work;
			}
		});
	}

	/** Packs `docs` after the resident ones, as indices `size`, `size + 1`, ... (inside a queued call). */
	private append(docs: readonly TokenMatrix[]): void {
		const dimP = paddedDim(this.dim);
		this.table.grow(this.count + docs.length);
		for (const doc of docs) {
			const blockPanels = BLOCK_PANELS[this.flavour];
			const { nBlocks, tail, panels } = docShape(doc.rows, blockPanels);
			const f32At = this.arenaEnd;
			const i16At = align16(f32At + panels * 16 * dimP);
			const end = this.quantized ? align16(i16At + panels * 8 * dimP) : i16At;
			this.memory.ensure(end);
			if (panels > 0) packDocF32(doc, blockPanels, this.memory.f32(f32At, panels * 4 * dimP), 0);
			const scale = this.quantized && panels > 0 ? quantScale(doc) : 1;
			if (this.quantized && panels > 0) packDocI16(doc, blockPanels, scale, this.memory.i16(i16At, panels * 4 * dimP), 0);
			const entry = this.table.entry(this.count);
			entry[0] = f32At;
			entry[1] = i16At;
			entry[2] = (nBlocks << 3) | tail;
			this.table.floatField(this.count)[0] = 1 / scale;
			this.work.push(panels);
			this.arenaEnd = end;
			this.count++;
		}
	}

	async score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		this.checkQuery(query, subset);
		return this.calls.run(() => this.run('score_f32', query, subset));
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
		const packed = fn === 'score_f32' ? packQueryF32(query) : packQueryI16(query, qScale);
		const nPairs = queryPairs(query.rows);
		// Scratch: running maxima, nPairs * 32 bytes per thread.
		const { tableAt, queryAt, outAt, scratchAt } = stageCall(this.memory, this.table, this.arenaEnd, n, subset, packed, this.threads, nPairs * 32);
		const dimP = paddedDim(this.dim);
		const argsOf = (first: number, end: number, thread: number): number[] => {
			const args = [queryAt, nPairs, dimP, tableAt, first, end, outAt, scratchAt + thread * nPairs * 32];
			return fn === 'score_i16' ? [...args, 1 / qScale] : args;
		};
		await runRanges(this.split(n, subset, query.rows), this.workers, fn, argsOf, (args) => {
			if (fn === 'score_f32') this.kernel.score_f32(...(args as Parameters<KernelExports['score_f32']>));
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
