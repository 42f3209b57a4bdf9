/**
 * What the MaxSim scorers share besides their arithmetic: the f32 (`js.ts`, `wasm.ts`) and the
 * compressed-storage (`storage-js.ts`, `storage-wasm.ts`) scorers differ in how they store and score a
 * document, not in the state the WASM ones keep (`KernelScorerBase`), how they start kernel threads,
 * queue calls, copy a subset's table entries next to the query, split the documents into ranges of
 * equal work, score a subset or take the top k.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import { align16, KernelMemory } from './kernel-memory';
import type { KernelFunction } from './kernel-module';
import type { MaxSimScorer, ScoredIndex } from './maxsim';
import { startKernelThreads, type KernelThread } from './thread-pool';
import { topKOf } from './top-k';
import { checkK, checkMatrix, checkSubset } from './validate';
import { MAX_THREADS, WARM_UP_BYTES, type WarmUp } from './warm-up';

/** Bytes of one document's entry in a kernel table (four 32-bit fields). */
export const ENTRY_BYTES = 16;

/** Scratch `reserve` adds for a call's packed query and per-thread maxima (a 64-token query at dim 128 needs 32 KiB). */
const RESERVED_CALL_BYTES = 256 * 1024;

/** A started kernel: its instance on `memory`, and `threads - 1` workers on the same (shared) memory. */
export interface StartedKernel<K> {
	memory: KernelMemory;
	kernel: K;
	workers: KernelThread[];
}

/**
 * Clamps `threads` to 1..32, compiles the module (`shared` when threads > 1), instantiates it, warms
 * it on the calling thread and starts the workers (each warmed with `workerWarmUp`).
 * Rejects with BACKEND_UNAVAILABLE as `moduleOf` and `startKernelThreads` do.
 * @example const { kernel, workers } = await startKernel(2, (s) => kernelModule('simd', s), instantiate, warm, warmUpArgs) // workers.length 1
 */
export async function startKernel<K>(
	threads: number | undefined,
	moduleOf: (shared: boolean) => Promise<WebAssembly.Module>,
	instantiate: (module: WebAssembly.Module, memory: WebAssembly.Memory) => Promise<K>,
	warmUp: (kernel: K, memory: WebAssembly.Memory) => void,
	workerWarmUp: (thread: number) => WarmUp
): Promise<StartedKernel<K>> {
	const count = Math.min(MAX_THREADS, Math.max(1, Math.floor(threads ?? 1)));
	const shared = count > 1;
	const module = await moduleOf(shared);
	const memory = new KernelMemory(shared);
	const kernel = await instantiate(module, memory.memory);
	warmUp(kernel, memory.memory);
	const workers = shared ? await startKernelThreads(count - 1, module, memory.memory, workerWarmUp) : [];
	return { memory, kernel, workers };
}

/**
 * Runs calls one at a time (`add` and scoring share the scratch area after the documents) and refuses
 * them after `close()`, naming the scorer (`WASM MaxSim scorer used after dispose()`).
 * @example const q = new CallQueue('WASM MaxSim scorer'); await q.run(async () => 1) // 1
 */
export class CallQueue {
	private queue: Promise<unknown> = Promise.resolve();
	private closed = false;

	constructor(private readonly what: string) {}

	/** Throws BAD_ARGUMENT once closed. */
	assertLive(): void {
		if (this.closed) throw createError('BAD_ARGUMENT', { detail: `${this.what} used after dispose()` });
	}

	run<T>(task: () => Promise<T>): Promise<T> {
		const result = this.queue.then(() => {
			this.assertLive();
			return task();
		});
		this.queue = result.catch(() => undefined);
		return result;
	}

	/** Queues `task` as the last call; every later call is refused. */
	close(task: () => void): Promise<void> {
		return this.run(async () => {
			this.closed = true;
			task();
		});
	}
}

/**
 * Per-document kernel entries (`ENTRY_BYTES` each) in a growing buffer; `stage` copies those of a call
 * (all, or a subset's in its order) into kernel memory.
 * @example const t = new EntryTable(); t.grow(1); t.entry(0).set([16, 2, 0, 0]);
 */
export class EntryTable {
	private buffer = new ArrayBuffer(64 * ENTRY_BYTES);

	/** Room for `docs` entries (doubling). */
	grow(docs: number): void {
		if (docs * ENTRY_BYTES <= this.buffer.byteLength) return;
		const grown = new ArrayBuffer(Math.max(docs * ENTRY_BYTES, this.buffer.byteLength * 2));
		new Uint8Array(grown).set(new Uint8Array(this.buffer));
		this.buffer = grown;
	}

	/** Entry `i` as four i32 fields. */
	entry(i: number): Int32Array {
		return new Int32Array(this.buffer, i * ENTRY_BYTES, 4);
	}

	/** Entry `i`'s fourth field as f32. */
	floatField(i: number): Float32Array {
		return new Float32Array(this.buffer, i * ENTRY_BYTES + 12, 1);
	}

	/** Copies the first `n` entries, or `subset`'s, to `bytes` at `at`. */
	copyTo(bytes: Uint8Array, at: number, n: number, subset?: ArrayLike<number>): void {
		const table = new Uint8Array(this.buffer);
		if (!subset) bytes.set(table.subarray(0, n * ENTRY_BYTES), at);
		else for (let i = 0; i < n; i++) bytes.set(table.subarray(subset[i] * ENTRY_BYTES, (subset[i] + 1) * ENTRY_BYTES), at + i * ENTRY_BYTES);
	}
}

/**
 * The state both WASM scorers keep: the kernel on its memory and threads, the documents' table
 * entries and work (for splitting), the end of the documents' arena (after the warm-up area), and
 * the call queue; `threads`, `size`, `dispose` and the query check are the same for both.
 * `dispose` lets go of all of it (memory, instance, threads, table): a disposed scorer that something
 * still references pins no kernel memory, and `residentBytes` / `size` read 0.
 */
export abstract class KernelScorerBase<K> {
	readonly backend = 'wasm' as const;
	protected table = new EntryTable();
	/** Per document, the work `split` weighs it by (panels or tokens). */
	protected readonly work: number[] = [];
	protected arenaEnd = WARM_UP_BYTES;
	protected count = 0;
	protected readonly calls: CallQueue;
	/** The kernel until `dispose()`; the getters below refuse a disposed scorer (`calls` refuses it first). */
	private started: StartedKernel<K> | undefined;

	protected constructor(
		readonly dim: number,
		what: string,
		started: StartedKernel<K>
	) {
		this.calls = new CallQueue(what);
		this.started = started;
	}

	protected get memory(): KernelMemory {
		return this.live().memory;
	}

	protected get kernel(): K {
		return this.live().kernel;
	}

	protected get workers(): KernelThread[] {
		return this.started?.workers ?? [];
	}

	get threads(): number {
		return this.workers.length + 1;
	}

	get size(): number {
		return this.count;
	}

	/**
	 * Grows the memory once for documents of `rows` after the resident ones (`docBytes` each) and the
	 * scratch of a call over all of them (table entries, scores, `RESERVED_CALL_BYTES` for the query
	 * and per-thread maxima), queued like `add`.
	 */
	reserve(rows: readonly number[]): Promise<void> {
		return this.calls.run(async () => {
			let end = this.arenaEnd;
			for (const r of rows) end = this.docEnd(end, r);
			const n = this.count + rows.length;
			this.memory.reserve(align16(end) + n * (ENTRY_BYTES + 4) + RESERVED_CALL_BYTES);
		});
	}

	/** Where a document of `rows` rows placed at `at` ends, as `add` lays it out. */
	protected abstract docEnd(at: number, rows: number): number;

	/** Stops the workers and drops the memory, the instance and the table once queued calls are done. */
	dispose(): Promise<void> {
		return this.calls.close(() => {
			for (const worker of this.workers) worker.terminate();
			this.started = undefined;
			this.table = new EntryTable();
			this.work.length = 0;
			this.count = 0;
			this.arenaEnd = WARM_UP_BYTES;
		});
	}

	protected checkQuery(query: TokenMatrix, subset?: ArrayLike<number>): void {
		this.calls.assertLive();
		checkMatrix(query, this.dim, 'query');
		if (subset) checkSubset(subset, this.count);
	}

	private live(): StartedKernel<K> {
		this.calls.assertLive();
		// Closed only inside the last queued call, so a call already running still sees its kernel.
		if (!this.started) throw createError('BAD_ARGUMENT', { detail: 'kernel scorer used after dispose()' });
		return this.started;
	}
}

/** Where a call's inputs and outputs sit in kernel memory, after the documents. */
export interface CallLayout {
	tableAt: number;
	queryAt: number;
	outAt: number;
	/** Per-thread scratch (running maxima) starts here: thread t's at `scratchAt + t * scratchStride`. */
	scratchAt: number;
	/** `scratchPerThread` rounded up to `SCRATCH_ALIGN`. */
	scratchStride: number;
}

/**
 * Each thread's scratch starts on its own pair of 64-byte cache lines (Intel's spatial prefetcher
 * fetches lines in pairs), a pair away from the scores: a line one thread writes while another reads
 * or writes it moves between the cores on every write (false sharing).
 */
export const SCRATCH_ALIGN = 128;

function alignTo(bytes: number, alignment: number): number {
	return Math.ceil(bytes / alignment) * alignment;
}

/**
 * Lays out a call of `n` entries after `arenaEnd` (table, packed query, `n` f32 scores, then
 * `threads` scratch areas of `scratchPerThread` bytes, each on its own cache lines), grows the
 * memory and copies the entries and the query in.
 * @example stageCall(memory, table, 4096, 2, undefined, packed, 1, 64).tableAt // 4096
 */
export function stageCall(memory: KernelMemory, table: EntryTable, arenaEnd: number, n: number, subset: ArrayLike<number> | undefined, packed: ArrayBufferView, threads: number, scratchPerThread: number): CallLayout {
	const tableAt = align16(arenaEnd);
	const queryAt = align16(tableAt + n * ENTRY_BYTES);
	const outAt = align16(queryAt + packed.byteLength);
	const scratchAt = alignTo(outAt + n * 4, SCRATCH_ALIGN) + SCRATCH_ALIGN;
	const scratchStride = alignTo(scratchPerThread, SCRATCH_ALIGN);
	memory.ensure(scratchAt + threads * scratchStride);
	const bytes = memory.bytes();
	table.copyTo(bytes, tableAt, n, subset);
	bytes.set(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength), queryAt);
	return { tableAt, queryAt, outAt, scratchAt, scratchStride };
}

/**
 * Splits entries 0..n into `partsOf(total work)` contiguous ranges (at most n) of about equal
 * `workOf`, one per thread; the scorer decides from the total whether threads pay off.
 * @example splitByWork(4, () => 1, () => 2) // [[0, 2], [2, 4]]
 */
export function splitByWork(n: number, workOf: (i: number) => number, partsOf: (total: number) => number): [number, number][] {
	let total = 0;
	for (let i = 0; i < n; i++) total += workOf(i);
	const parts = partsOf(total);
	const ranges: [number, number][] = [];
	let start = 0;
	let acc = 0;
	for (let i = 0; i < n && ranges.length < parts - 1; i++) {
		acc += workOf(i);
		if (acc >= (total * (ranges.length + 1)) / parts) {
			ranges.push([start, i + 1]);
			start = i + 1;
		}
	}
	ranges.push([start, n]);
	return ranges;
}

/**
 * Runs `fn` on `ranges[0]` on the calling thread (`own`) and on range i + 1 in `workers[i]`; resolves
 * when all are done. `argsOf(first, end, thread)` gives the kernel arguments (thread 0 = caller).
 * @example await runRanges([[0, n]], [], 'score_f32', argsOf, (a) => kernel.score_f32(...a))
 */
export async function runRanges(ranges: [number, number][], workers: KernelThread[], fn: KernelFunction, argsOf: (first: number, end: number, thread: number) => number[], own: (args: number[]) => void): Promise<void> {
	const pending = ranges.slice(1).map(([first, end], i) => workers[i].run(fn, argsOf(first, end, i + 1)));
	own(argsOf(ranges[0][0], ranges[0][1], 0));
	await Promise.all(pending);
}

/**
 * Checks `query` and `subset`, then scores each document (all `size`, or `subset`'s in its order) with
 * `scoreOne(index)`: the loop of the plain-JS scorers.
 * @example scoreEach(query, 2, 3, [2, 0], (i) => i) // Float32Array [2, 0]
 */
export function scoreEach(query: TokenMatrix, dim: number, size: number, subset: ArrayLike<number> | undefined, scoreOne: (index: number) => number): Float32Array {
	checkMatrix(query, dim, 'query');
	if (subset) checkSubset(subset, size);
	const count = subset ? subset.length : size;
	const out = new Float32Array(count);
	for (let i = 0; i < count; i++) out[i] = scoreOne(subset ? subset[i] : i);
	return out;
}

/**
 * The best `k` by exact `scorer.score` (indices into the scorer, or `subset`'s values).
 * @example await topKByScore(scorer, query, 1) // [{ index: 0, score: 1.8 }]
 */
export async function topKByScore(scorer: Pick<MaxSimScorer, 'score'>, query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
	checkK(k);
	return topKOf(await scorer.score(query, subset), k, subset);
}
