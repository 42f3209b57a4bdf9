/**
 * MUVERA as a candidate stage: documents' FDEs in one flat Float32Array, a query's FDE dotted with
 * every one of them (exact flat search, the single-vector first stage), then exact MaxSim on the
 * best `depth` only (the rescoring step of the MUVERA paper and of Qdrant's two-stage query).
 */
import { decodeBase64 } from '../base64';
import { createError } from '../errors';
import type { MaxSimScorer } from '../maxsim/maxsim';
import { topKOf } from '../maxsim/top-k';
import type { TokenMatrix } from '../types';
import { FDE_SCAN_BASE64 } from './fde-scan-wasm';
import type { Muvera } from './muvera';
import { topIndices, type CandidateSearch } from './top';

/** Where the FDE scan runs: the WASM SIMD128 kernel (`fde-scan.wat`) or plain JavaScript. */
export type FdeScanBackend = 'wasm' | 'js';

export interface FdeIndexOptions {
	/** `auto` (default): WASM when the runtime has SIMD128 and the block size is a multiple of 4, else JS. */
	backend?: FdeScanBackend | 'auto';
	/** Bytes of FDEs per WASM memory before another one is started (default 1 GiB; wasm32 caps one at 4 GiB). */
	shardBytes?: number;
}

/** The kernel's exports (`fde-scan.wat`). */
interface FdeScanKernel {
	memory: WebAssembly.Memory;
	scan(chunk: number, C: number, docs: number, bs: number, q: number, live: number, nLive: number, acc: number, out: number): void;
}

let scanModule: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when this runtime cannot run it (no WebAssembly or no SIMD128). */
function fdeScanModule(): WebAssembly.Module | null {
	if (scanModule !== undefined) return scanModule;
	try {
		const bytes = decodeBase64(FDE_SCAN_BASE64);
		scanModule = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
	} catch {
		scanModule = null;
	}
	return scanModule;
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;
const PAGE = 65536;

/**
 * One WASM memory holding whole chunks after a scratch area (query FDE, live block ids, per-document
 * f32x4 accumulators, scores). Several shards keep a large index under wasm32's 4 GiB per memory.
 */
class FdeShard {
	readonly kernel: FdeScanKernel;
	/** Byte offsets of the scratch parts and of each chunk. */
	readonly qAt = 0;
	readonly liveAt: number;
	readonly accAt: number;
	readonly outAt: number;
	readonly chunkAt: number[] = [];
	private end: number;

	constructor(module: WebAssembly.Module, length: number, blocks: number, chunk: number) {
		this.kernel = new WebAssembly.Instance(module, {}).exports as unknown as FdeScanKernel;
		this.liveAt = align16(length * 4);
		this.accAt = align16(this.liveAt + blocks * 4);
		this.outAt = align16(this.accAt + chunk * 16);
		this.end = align16(this.outAt + chunk * 4);
		this.ensure(this.end);
	}

	private ensure(bytes: number): void {
		const have = this.kernel.memory.buffer.byteLength;
		if (bytes <= have) return;
		try {
			this.kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
		} catch (error) {
			throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `cannot grow the FDE scan memory to ${bytes} bytes (${String(error)}); use fewer documents or a smaller FDE` });
		}
	}

	/** Reserves a chunk of `floats` and returns its byte offset. */
	addChunk(floats: number): number {
		const at = this.end;
		this.ensure(at + floats * 4);
		this.end = align16(at + floats * 4);
		this.chunkAt.push(at);
		return at;
	}

	get usedBytes(): number {
		return this.end;
	}

	f32(at: number, count: number): Float32Array {
		return new Float32Array(this.kernel.memory.buffer, at, count);
	}
}

/**
 * Document FDEs in chunks of `chunk` documents (default 1024), each chunk block-major (block = `blockSize` numbers,
 * one MUVERA bucket of one repetition): block b of all the chunk's documents lies contiguous, so a
 * query scans only its non-zero blocks (buckets none of its tokens fell in are zero), each as one
 * streaming pass. The scan runs in the WASM SIMD128 kernel `fde-scan.wat` (chunks resident in WASM
 * memories of up to `shardBytes` each) when the runtime has SIMD and `blockSize` is a multiple of 4,
 * else in JavaScript; `backend` says which.
 * @example
 * const index = new FdeIndex(4, 2, 16); index.add(Float32Array.of(1, 0, 0, 1)); index.add(Float32Array.of(0, 1, 0, 0));
 * index.scores(Float32Array.of(1, 1, 0, 0)) // Float32Array [1, 1]
 */
export class FdeIndex {
	readonly length: number;
	/** Documents per chunk. */
	readonly chunk: number;
	/** Numbers per block: MUVERA's dimProj (a query's zero runs come in whole blocks). */
	readonly blockSize: number;
	readonly backend: FdeScanBackend;
	private readonly blocks: number;
	/** JS backend: the chunks. */
	private chunks: Float32Array[] = [];
	/** WASM backend: the shards and, per chunk, its shard and byte offset. */
	private shards: FdeShard[] = [];
	private chunkHome: { shard: FdeShard; at: number }[] = [];
	private readonly shardBytes: number;
	private count = 0;

	constructor(length: number, blockSize = 1, chunk = 1024, options: FdeIndexOptions = {}) {
		if (!Number.isInteger(blockSize) || blockSize < 1 || length % blockSize !== 0) {
			throw createError('BAD_ARGUMENT', { detail: `FDE block size ${blockSize} must divide the FDE length ${length}` });
		}
		this.length = length;
		this.chunk = Math.max(1, Math.floor(chunk));
		this.blockSize = blockSize;
		this.blocks = length / blockSize;
		this.shardBytes = options.shardBytes ?? 2 ** 30;
		const wanted = options.backend ?? 'auto';
		if (wanted !== 'auto' && wanted !== 'wasm' && wanted !== 'js') throw createError('UNKNOWN_OPTION', { what: 'FDE scan backend', value: String(wanted), expected: 'auto, wasm, js' });
		const wasmFits = blockSize % 4 === 0 && fdeScanModule() !== null;
		if (wanted === 'wasm' && !wasmFits) {
			throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: blockSize % 4 === 0 ? 'no WebAssembly SIMD128 for the FDE scan' : `the FDE scan kernel needs a block size (dim_proj) that is a multiple of 4, got ${blockSize}` });
		}
		this.backend = wanted === 'js' || !wasmFits ? 'js' : 'wasm';
	}

	get size(): number {
		return this.count;
	}

	/** Bytes the FDEs take (fp32). */
	get bytes(): number {
		return this.count * this.length * 4;
	}

	/** Chunk `c` as floats (a fresh view: WASM memory may have grown since). */
	private chunkData(c: number): Float32Array {
		if (this.backend === 'js') return this.chunks[c];
		const { shard, at } = this.chunkHome[c];
		return shard.f32(at, this.length * this.chunk);
	}

	private newChunk(): void {
		const floats = this.length * this.chunk;
		if (this.backend === 'js') {
			this.chunks.push(new Float32Array(floats));
			return;
		}
		let shard = this.shards.at(-1);
		if (!shard || shard.usedBytes + floats * 4 > this.shardBytes) {
			shard = new FdeShard(fdeScanModule()!, this.length, this.blocks, this.chunk);
			this.shards.push(shard);
		}
		this.chunkHome.push({ shard, at: shard.addChunk(floats) });
	}

	add(fde: Float32Array): void {
		if (fde.length !== this.length) throw createError('DIM_MISMATCH', { expected: this.length, actual: fde.length, detail: ' (FDE length)' });
		const C = this.chunk;
		const at = this.count % C;
		if (at === 0) this.newChunk();
		const chunk = this.chunkData(Math.floor(this.count / C));
		const bs = this.blockSize;
		for (let b = 0; b < this.blocks; b++) chunk.set(fde.subarray(b * bs, (b + 1) * bs), (b * C + at) * bs);
		this.count++;
	}

	/** FDE `row`, copied out. */
	row(row: number): Float32Array {
		const C = this.chunk;
		const chunk = this.chunkData(Math.floor(row / C));
		const at = row % C;
		const bs = this.blockSize;
		const out = new Float32Array(this.length);
		for (let b = 0; b < this.blocks; b++) out.set(chunk.subarray((b * C + at) * bs, (b * C + at + 1) * bs), b * bs);
		return out;
	}

	/** The blocks where `q` has a non-zero number. */
	private liveBlocks(q: Float32Array): Int32Array {
		const bs = this.blockSize;
		const live: number[] = [];
		for (let b = 0; b < this.blocks; b++) {
			for (let i = b * bs; i < (b + 1) * bs; i++) {
				if (q[i] !== 0) {
					live.push(b);
					break;
				}
			}
		}
		return Int32Array.from(live);
	}

	/** `q . fde` for every document, skipping the blocks where `q` is all zero. */
	scores(q: Float32Array): Float32Array {
		if (q.length !== this.length) throw createError('DIM_MISMATCH', { expected: this.length, actual: q.length, detail: ' (query FDE length)' });
		const live = this.liveBlocks(q);
		return this.backend === 'wasm' ? this.scoresWasm(q, live) : this.scoresJs(q, live);
	}

	private scoresWasm(q: Float32Array, live: Int32Array): Float32Array {
		const out = new Float32Array(this.count);
		const C = this.chunk;
		for (const shard of this.shards) {
			shard.f32(shard.qAt, this.length).set(q);
			new Int32Array(shard.kernel.memory.buffer, shard.liveAt, live.length).set(live);
		}
		for (let c = 0; c < this.chunkHome.length; c++) {
			const { shard, at } = this.chunkHome[c];
			const docs = Math.min(C, this.count - c * C);
			// Offsets above 2^31 reach the kernel as negative i32 with the same bits: it reads them unsigned.
			shard.kernel.scan(at, C, docs, this.blockSize, shard.qAt, shard.liveAt, live.length, shard.accAt, shard.outAt);
			out.set(shard.f32(shard.outAt, docs), c * C);
		}
		return out;
	}

	private scoresJs(q: Float32Array, live: Int32Array): Float32Array {
		const bs = this.blockSize;
		const out = new Float32Array(this.count);
		const C = this.chunk;
		const acc = new Float64Array(C);
		for (let c = 0; c < this.chunks.length; c++) {
			const chunk = this.chunks[c];
			const docs = Math.min(C, this.count - c * C);
			acc.fill(0);
			for (const b of live) {
				const qb = q.subarray(b * bs, (b + 1) * bs);
				const base = b * C * bs;
				if (bs === 16) {
					scoreBlock16(qb, chunk, base, docs, acc);
					continue;
				}
				for (let i = 0; i < docs; i++) {
					const o = base + i * bs;
					let s = 0;
					for (let j = 0; j < bs; j++) s += qb[j] * chunk[o + j];
					acc[i] += s;
				}
			}
			for (let i = 0; i < docs; i++) out[c * C + i] = acc[i];
		}
		return out;
	}
}

/**
 * `acc[i] += q . chunk[base + 16 i ..]` for i < docs: the default block (dim_proj 16) unrolled with the
 * query block in locals, about twice the speed of the generic loop in V8.
 */
function scoreBlock16(q: Float32Array, chunk: Float32Array, base: number, docs: number, acc: Float64Array): void {
	const q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7];
	const q8 = q[8], q9 = q[9], q10 = q[10], q11 = q[11], q12 = q[12], q13 = q[13], q14 = q[14], q15 = q[15];
	for (let i = 0, o = base; i < docs; i++, o += 16) {
		const a = q0 * chunk[o] + q1 * chunk[o + 1] + q2 * chunk[o + 2] + q3 * chunk[o + 3] + q4 * chunk[o + 4] + q5 * chunk[o + 5] + q6 * chunk[o + 6] + q7 * chunk[o + 7];
		const b = q8 * chunk[o + 8] + q9 * chunk[o + 9] + q10 * chunk[o + 10] + q11 * chunk[o + 11] + q12 * chunk[o + 12] + q13 * chunk[o + 13] + q14 * chunk[o + 14] + q15 * chunk[o + 15];
		acc[i] += a + b;
	}
}

export interface MuveraSearchOptions {
	/** Documents rescored with exact MaxSim (default 100). */
	depth?: number;
}

/**
 * MUVERA search: FDE flat search over all documents, exact MaxSim (with `exact`, a scorer holding the
 * same documents in the same order, or anything scoring a subset of them by index) on the best
 * `depth`, top `k` of those.
 * Stages: `fde-encode-query`, `fde-search` (documents = all), `maxsim` (documents = depth).
 * @example
 * const r = await muveraSearch(muvera, fdes, scorer, queryMatrix, 10, { depth: 100 });
 * r.candidates // fdes.size; r.touched // min(100, fdes.size)
 */
export async function muveraSearch(
	muvera: Muvera,
	fdes: FdeIndex,
	exact: Pick<MaxSimScorer, 'score'>,
	query: TokenMatrix,
	k: number,
	options: MuveraSearchOptions = {}
): Promise<CandidateSearch> {
	const depth = options.depth ?? 100;
	const t0 = performance.now();
	const q = muvera.encodeQuery(query);
	const t1 = performance.now();
	const first = topIndices(fdes.scores(q), depth);
	const t2 = performance.now();
	const subset = first.map((c) => c.index);
	const scores = subset.length > 0 ? await exact.score(query, subset) : new Float32Array(0);
	const top = topKOf(scores, k, subset);
	const t3 = performance.now();
	return {
		top,
		stages: [
			{ stage: 'fde-encode-query', ms: t1 - t0, documents: 0 },
			{ stage: 'fde-search', ms: t2 - t1, documents: fdes.size },
			{ stage: 'maxsim', ms: t3 - t2, documents: subset.length }
		],
		candidates: fdes.size,
		touched: subset.length
	};
}
