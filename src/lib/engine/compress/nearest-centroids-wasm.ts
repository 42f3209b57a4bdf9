/**
 * `nearestCentroids` on the WASM SIMD128 kernel (`kernels/wasm/nearest-template.ts`, layouts there):
 * centroids packed once into the kernel's memory, rows copied in chunks, the centroid panels tiled
 * so a tile stays in L2 while every row block of the chunk passes over it. One thread.
 *
 * The kernel sums in f32; the JS reference (`nearestCentroidsJs` in `kmeans.ts`) in f64. So that the
 * ids equal the reference exactly (ties and rounding included), every row's f32 margin (best minus
 * runner-up) is checked against a bound `E` on |f32 score - f64 score|: a margin over `2E` proves
 * the f32 argmax is the f64 argmax. Otherwise (near ties, about 1 row in 10^3 on real data; every
 * exact tie) the row's f32 scores are recomputed and every centroid within `2E` of the best is
 * rescored in f64, in id order with a strict `>`, as the reference does. The returned score is the
 * reference's f64 score of the chosen centroid (one f64 dot product per row), so both outputs equal
 * the reference's bit for bit.
 */
import { decodeBase64 } from '../base64';
import type { TokenMatrix } from '../types';
import { NEAREST_KERNEL_BASE64 } from './generated/nearest-kernel';

/** The kernel's exports (`kernels/wasm/nearest-template.ts`). */
interface NearestKernel {
	memory: WebAssembly.Memory;
	nearest(x: number, nBlocks: number, c: number, p0: number, p1: number, dimP: number, bias: number, state: number): void;
	scores(x: number, c: number, nPanels: number, dimP: number, bias: number, out: number): void;
	dots(x: number, nBlocks: number, c: number, nPanels: number, dimP: number, out: number, rowBytes: number): void;
}

let nearestModule: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when this runtime cannot run it (no WebAssembly or no SIMD128). */
export function nearestKernelModule(): WebAssembly.Module | null {
	if (nearestModule !== undefined) return nearestModule;
	try {
		const bytes = decodeBase64(NEAREST_KERNEL_BASE64);
		nearestModule = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
	} catch {
		nearestModule = null;
	}
	return nearestModule;
}

/** Below this many multiply-adds callers stay in JS: the kernel's set-up and copies would dominate. */
export const NEAREST_WASM_MIN_WORK = 1 << 18;

/** Tuning of the WASM path (the defaults measured best on the 2-core VM of docs/BENCHMARKS.md). */
export interface NearestWasmTuning {
	/** Bytes of centroid panels per tile (default 256 KiB, well inside a 1.25 MiB L2). */
	tileBytes?: number;
	/** Rows per chunk copied into the kernel's memory (default 1024; rounded up to a multiple of 4). */
	chunkRows?: number;
}

const PAGE = 65536;
const U = 2 ** -24; // f32 unit roundoff
const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Exact f64 `x_i . c_j - bias_j`, summed in the reference's order (`dot4x4`: d increasing, f64). */
function exactScore(x: Float32Array, xo: number, c: Float32Array, co: number, dim: number, bias: number): number {
	let s = 0;
	for (let d = 0; d < dim; d++) s += x[xo + d] * c[co + d];
	return s - bias;
}

/** Centroids packed into one kernel instance, reused for every batch of rows (`assign`). */
export interface NearestWasm {
	/** Ids and scores of `vectors`' rows (n x dim), equal to `nearestCentroidsJs`'s bit for bit; `recheckedRows`: rows rescored in f64. */
	assign(vectors: TokenMatrix, onProgress?: (done: number, total: number) => void): { ids: Int32Array; scores: Float32Array; recheckedRows: number };
	/**
	 * Every `x_i . c_j` (the bias ignored), centroid-major: `out[j * n + i]` for `vectors`' n rows. Summed
	 * in f32 (d increasing), so within f32 rounding of the f64 `dotAll`, not bit-equal to it.
	 */
	dots(vectors: TokenMatrix): Float32Array;
}

/**
 * Packs `centroids` (k x dim, k >= 1) and `bias` (k, default 0) into a kernel instance for repeated
 * `assign` calls (the residual codec encodes document by document against fixed centroids); null
 * when this runtime has no WebAssembly SIMD128. The centroids are copied: later changes to
 * `centroids.data` are not seen.
 * @example
 * prepareNearestWasm({ data: Float32Array.of(0, 1, 0.8, 0.6), rows: 2, dim: 2 })?.assign({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }).ids // Int32Array [1, 0]
 */
export function prepareNearestWasm(centroids: TokenMatrix, bias0?: Float32Array, tuning: NearestWasmTuning = {}): NearestWasm | null {
	const module = nearestKernelModule();
	if (!module) return null;
	const { dim } = centroids;
	const k = centroids.rows;
	const c = centroids.data.slice(0, k * dim);
	const bias = bias0 ? bias0.slice(0, k) : new Float32Array(k);
	const dimP = Math.max(4, Math.ceil(dim / 4) * 4);
	const nPanels = Math.ceil(k / 8);
	const maxChunk = Math.max(4, Math.ceil((tuning.chunkRows ?? 1024) / 4) * 4);
	const tilePanels = Math.max(1, Math.floor((tuning.tileBytes ?? 256 * 1024) / (dimP * 32)));
	// Memory: centroid panels | bias | one splatted row | its k scores | row chunk (splatted) | state.
	const cAt = 0;
	const biasAt = align16(cAt + nPanels * dimP * 32);
	const rowAt = align16(biasAt + nPanels * 32);
	const scoresAt = align16(rowAt + dimP * 64);
	const xAt = align16(scoresAt + nPanels * 32);
	const kernel = new WebAssembly.Instance(module, {}).exports as unknown as NearestKernel;
	let f32 = new Float32Array(0);
	let i32 = new Int32Array(0);
	const ensure = (bytes: number) => {
		const have = kernel.memory.buffer.byteLength;
		if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
		if (f32.buffer !== kernel.memory.buffer) {
			f32 = new Float32Array(kernel.memory.buffer);
			i32 = new Int32Array(kernel.memory.buffer);
		}
	};
	ensure(xAt);

	// Centroids and bias, packed once; the norms bound the rounding error of every score.
	let cMax = 0;
	let bMax = 0;
	for (let j = 0; j < k; j++) {
		const base = (cAt >> 2) + (j >> 3) * dimP * 8 + (j & 7);
		let s = 0;
		for (let d = 0; d < dim; d++) {
			const v = c[j * dim + d];
			f32[base + d * 8] = v;
			s += v * v;
		}
		cMax = Math.max(cMax, Math.sqrt(s));
		f32[(biasAt >> 2) + j] = bias[j];
		bMax = Math.max(bMax, Math.abs(bias[j]));
	}
	for (let j = k; j < nPanels * 8; j++) f32[(biasAt >> 2) + j] = Infinity; // padding never wins
	// |f32 score - f64 score| <= E = 2u ((dim + 2) |x| cMax + bMax): twice the textbook bound
	// gamma_dim |x| |c| on the f32 dot product, plus the rounding of the bias subtraction and the f64 sums.
	const errorScale = 2 * U * (dim + 2) * cMax;
	const errorBias = 2 * U * bMax;
	const layout = { dim, dimP, k, nPanels, cAt, biasAt, rowAt, scoresAt };

	/** Rows `i0 .. i0 + rows` of `x` splatted into blocks of 4 at `xAt`; a short last block repeats the last row. */
	const splatRows = (x: Float32Array, i0: number, rows: number, norms?: Float64Array): number => {
		const blocks = Math.ceil(rows / 4);
		const x4 = xAt >> 2;
		for (let r = 0; r < blocks * 4; r++) {
			const src = (i0 + Math.min(r, rows - 1)) * dim;
			const base = x4 + (r >> 2) * dimP * 16 + (r & 3) * 4;
			let s = 0;
			for (let d = 0; d < dim; d++) {
				const v = x[src + d];
				const o = base + d * 16;
				f32[o] = v;
				f32[o + 1] = v;
				f32[o + 2] = v;
				f32[o + 3] = v;
				s += v * v;
			}
			for (let d = dim; d < dimP; d++) f32.fill(0, base + d * 16, base + d * 16 + 4);
			if (norms && r < rows) norms[r] = Math.sqrt(s);
		}
		return blocks;
	};

	return {
		dots(vectors) {
			if (vectors.dim !== dim) throw new RangeError(`dots: vectors have dim ${vectors.dim}, centroids ${dim}`);
			const n = vectors.rows;
			const out = new Float32Array(k * n);
			if (n === 0) return out;
			const rowBytes = nPanels * 32;
			const outAt = align16(xAt + Math.ceil(n / 4) * 4 * dimP * 16);
			ensure(outAt + Math.ceil(n / 4) * 4 * rowBytes);
			const blocks = splatRows(vectors.data, 0, n);
			kernel.dots(xAt, blocks, cAt, nPanels, dimP, outAt, rowBytes);
			const o4 = outAt >> 2;
			const stride = rowBytes >> 2;
			for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[j * n + i] = f32[o4 + i * stride + j];
			return out;
		},
		assign(vectors, onProgress) {
			const n = vectors.rows;
			const x = vectors.data;
			const chunkRows = Math.min(maxChunk, Math.max(4, Math.ceil(n / 4) * 4));
			const stateAt = align16(xAt + chunkRows * dimP * 16);
			ensure(stateAt + chunkRows * 48);
			const ids = new Int32Array(n);
			const scores = new Float32Array(n);
			const norms = new Float64Array(chunkRows);
			let rechecked = 0;
			const st = stateAt >> 2;
			for (let i0 = 0; i0 < n; i0 += chunkRows) {
				const rows = Math.min(chunkRows, n - i0);
				const blocks = splatRows(x, i0, rows, norms);
				for (let r = 0; r < blocks * 4; r++) {
					f32.fill(-Infinity, st + r * 12, st + r * 12 + 8);
					i32.fill(0, st + r * 12 + 8, st + r * 12 + 12);
				}
				for (let p0 = 0; p0 < nPanels; p0 += tilePanels) kernel.nearest(xAt, blocks, cAt, p0, Math.min(nPanels, p0 + tilePanels), dimP, biasAt, stateAt);
				for (let r = 0; r < rows; r++) {
					const o = st + r * 12;
					// Merge the 4 lanes: best (ties: lower id), and the runner-up among all the rest.
					let lane = 0;
					for (let t = 1; t < 4; t++) {
						const v = f32[o + t];
						if (v > f32[o + lane] || (v === f32[o + lane] && i32[o + 8 + t] < i32[o + 8 + lane])) lane = t;
					}
					const best = f32[o + lane];
					let second = -Infinity;
					for (let t = 0; t < 4; t++) {
						second = Math.max(second, f32[o + 4 + t]);
						if (t !== lane) second = Math.max(second, f32[o + t]);
					}
					const i = i0 + r;
					const tol = 2 * (errorScale * norms[r] + errorBias);
					let id = i32[o + 8 + lane];
					if (!(best - second > tol)) {
						rechecked++;
						id = recheck(kernel, f32, x, i, c, bias, layout, tol);
					}
					ids[i] = id;
					const v = exactScore(x, i * dim, c, id * dim, dim, bias[id]);
					scores[i] = v > -Infinity ? v : -Infinity; // the reference's start value when nothing beats it (NaN rows)
				}
				onProgress?.(i0 + rows, n);
			}
			if (n === 0) onProgress?.(0, 0);
			return { ids, scores, recheckedRows: rechecked };
		}
	};
}

/**
 * For every row of `vectors`, the centroid with the largest `x . c - bias[c]` (ties: lower id) and
 * that score, as `nearestCentroidsJs` returns them (bit for bit), on the WASM kernel; null when this
 * runtime has no WebAssembly SIMD128. Shapes: `vectors` n x dim, `centroids` k x dim (k >= 1).
 * @example
 * nearestCentroidsWasm({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }, { data: Float32Array.of(0, 1, 0.8, 0.6), rows: 2, dim: 2 })?.ids // Int32Array [1, 0]
 */
export function nearestCentroidsWasm(
	vectors: TokenMatrix,
	centroids: TokenMatrix,
	options: { bias?: Float32Array; onProgress?: (done: number, total: number) => void; tuning?: NearestWasmTuning } = {}
): { ids: Int32Array; scores: Float32Array; recheckedRows: number } | null {
	return prepareNearestWasm(centroids, options.bias, options.tuning)?.assign(vectors, options.onProgress) ?? null;
}

/** Row `i`'s reference argmax: its f32 scores from the kernel, then f64 on those within `tol` of the best. */
function recheck(
	kernel: NearestKernel,
	f32: Float32Array,
	x: Float32Array,
	i: number,
	c: Float32Array,
	bias: Float32Array,
	layout: { dim: number; dimP: number; k: number; nPanels: number; cAt: number; biasAt: number; rowAt: number; scoresAt: number },
	tol: number
): number {
	const { dim, dimP, k, nPanels, cAt, biasAt, rowAt, scoresAt } = layout;
	const base = rowAt >> 2;
	f32.fill(0, base, base + dimP * 16);
	for (let d = 0; d < dim; d++) f32.fill(x[i * dim + d], base + d * 16, base + d * 16 + 4);
	kernel.scores(rowAt, cAt, nPanels, dimP, biasAt, scoresAt);
	const s = scoresAt >> 2;
	let top = -Infinity;
	for (let j = 0; j < k; j++) if (f32[s + j] > top) top = f32[s + j];
	// No finite best (NaN or infinite inputs): rescore every centroid, as the reference would.
	const floor = Number.isFinite(top) ? top - tol : -Infinity;
	let best = -Infinity;
	let id = 0;
	for (let j = 0; j < k; j++) {
		if (!(f32[s + j] >= floor) && floor !== -Infinity) continue;
		const v = exactScore(x, i * dim, c, j * dim, dim, bias[j]);
		if (v > best) {
			best = v;
			id = j;
		}
	}
	return id;
}
