/**
 * MUVERA fixed-dimensional encodings (Dhulipala et al., NeurIPS 2024), built the way Qdrant's
 * fastembed does (`fastembed/postprocess/muvera.py`): per repetition, `kSim` Gaussian hyperplanes
 * give each vector a bucket id (sign bits, hyperplane j = bit j), and a random ±1 matrix projects
 * vectors to `dimProj` dimensions, scaled by 1/sqrt(dimProj) (no projection when dimProj = dim).
 * A query's FDE holds per bucket the **sum** of its projected vectors; a document's the **mean**, an
 * empty bucket taking the projected first vector of the non-empty bucket nearest in Hamming distance
 * (lowest bucket id on ties). Buckets are concatenated, then repetitions: `rReps · 2^kSim · dimProj`.
 * The dot product of a query FDE and a document FDE approximates their MaxSim (Chamfer) similarity.
 *
 * The random draws come from latelab's seeded generator (mulberry32 + Box-Muller), not numpy's
 * PCG64, so the construction is fastembed's while the numbers differ for the same seed.
 */
import { dotAll } from '../compress/blocked-dot';
import { createError } from '../errors';
import { uniformRandom } from '../random';
import type { TokenMatrix } from '../types';

export interface MuveraOptions {
	/** Hyperplanes per repetition: 2^kSim buckets (default 5, fastembed's; 1..10). */
	kSim?: number;
	/** Projected width per bucket (default 16; at most dim). */
	dimProj?: number;
	/** Repetitions (default 20). */
	rReps?: number;
	/** Seed of the hyperplanes and projections (default 42). */
	seed?: number;
}

export const MUVERA_DEFAULTS = { kSim: 5, dimProj: 16, rReps: 20, seed: 42 } as const;

/** An FDE encoder for vectors of one `dim`. */
export interface Muvera {
	readonly dim: number;
	readonly kSim: number;
	readonly dimProj: number;
	readonly rReps: number;
	/** FDE length: `rReps · 2^kSim · dimProj`. */
	readonly length: number;
	/** Per repetition, the hyperplanes: dim x kSim row-major (column j is hyperplane j). */
	readonly hyperplanes: readonly Float64Array[];
	/** Per repetition, the ±1 projection: dim x dimProj row-major (unused when dimProj = dim). */
	readonly projections: readonly Float64Array[];
	/** Bucket id of every row of `m` in repetition `rep` (sign bits of the hyperplane dot products). */
	bucketIds(m: TokenMatrix, rep: number): Int32Array;
	/** Query FDE: per bucket the sum of projected vectors (empty buckets stay 0). */
	encodeQuery(m: TokenMatrix): Float32Array;
	/** Document FDE: per bucket the mean of projected vectors, empty buckets filled (Hamming-nearest). */
	encodeDocument(m: TokenMatrix): Float32Array;
}

function checkInt(name: string, value: number, lo: number, hi: number): number {
	if (!Number.isInteger(value) || value < lo || value > hi) {
		throw createError('BAD_ARGUMENT', { detail: `${name} must be an integer in ${lo}..${hi}, got ${String(value)}` });
	}
	return value;
}

function popcount(x: number): number {
	let n = 0;
	for (let v = x; v; v &= v - 1) n++;
	return n;
}

/**
 * The encoder for `dim`-wide vectors. `BAD_ARGUMENT` for kSim outside 1..10, rReps outside 1..256, or
 * dimProj outside 1..dim.
 * @example
 * const m = createMuvera(2, { kSim: 1, dimProj: 2, rReps: 1 });
 * m.length // 4 = 1 rep x 2 buckets x 2
 * // with hyperplane h: bucket(x) = h . x > 0 ? 1 : 0; no projection (dimProj = dim)
 */
export function createMuvera(dim: number, options: MuveraOptions = {}): Muvera {
	const kSim = checkInt('k_sim', options.kSim ?? MUVERA_DEFAULTS.kSim, 1, 10);
	const rReps = checkInt('r_reps', options.rReps ?? MUVERA_DEFAULTS.rReps, 1, 256);
	const dimProj = checkInt('dim_proj', options.dimProj ?? MUVERA_DEFAULTS.dimProj, 1, Math.max(1, dim));
	const seed = options.seed ?? MUVERA_DEFAULTS.seed;
	const random = uniformRandom(seed);
	const gaussian = () => {
		// Box-Muller; 1 - u keeps the logarithm finite.
		const u = 1 - random();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
	};
	// fastembed's order: all repetitions' hyperplanes (dim x kSim each), then the projections (dim x dimProj).
	const planes = Array.from({ length: rReps }, () => Float64Array.from({ length: dim * kSim }, gaussian));
	const project = dimProj < dim;
	const signs = Array.from({ length: rReps }, () => Float64Array.from({ length: dim * dimProj }, () => (random() < 0.5 ? -1 : 1)));
	const scale = 1 / Math.sqrt(dimProj);
	const buckets = 2 ** kSim;
	const block = buckets * dimProj;
	const length = rReps * block;

	// Every hyperplane and (scaled) projection column as one contiguous row of `dim` weights, so a
	// document's vectors meet all of them in one pass of plain dot products: per repetition, kSim
	// hyperplane rows, then dimProj projection rows (none when dimProj = dim).
	const perRep = kSim + (project ? dimProj : 0);
	const weights = new Float64Array(rReps * perRep * dim);
	for (let rep = 0; rep < rReps; rep++) {
		const base = rep * perRep * dim;
		for (let j = 0; j < kSim; j++) for (let d = 0; d < dim; d++) weights[base + j * dim + d] = planes[rep][d * kSim + j];
		if (project) for (let c = 0; c < dimProj; c++) for (let d = 0; d < dim; d++) weights[base + (kSim + c) * dim + d] = scale * signs[rep][d * dimProj + c];
	}
	const outputs = rReps * perRep;

	const checkMatrix = (m: TokenMatrix) => {
		if (m.dim !== dim) throw createError('DIM_MISMATCH', { expected: dim, actual: m.dim, detail: ' (MUVERA)' });
	};
	/** rows x outputs: every row of `m` dotted with every weight row (4 x 4 register blocks). */
	const transform = (m: TokenMatrix): Float64Array => {
		const y = new Float64Array(m.rows * outputs);
		dotAll(m.data, m.rows, weights, outputs, dim, y);
		return y;
	};
	const idsOf = (y: Float64Array, rows: number, rep: number): Int32Array => {
		const out = new Int32Array(rows);
		for (let r = 0; r < rows; r++) {
			let id = 0;
			const o = r * outputs + rep * perRep;
			for (let j = 0; j < kSim; j++) if (y[o + j] > 0) id |= 1 << j;
			out[r] = id;
		}
		return out;
	};
	const bucketIds = (m: TokenMatrix, rep: number): Int32Array => {
		checkMatrix(m);
		return idsOf(transform(m), m.rows, rep);
	};
	const encode = (m: TokenMatrix, document: boolean): Float32Array => {
		checkMatrix(m);
		const acc = new Float64Array(length);
		if (m.rows === 0) return new Float32Array(length);
		const y = transform(m);
		const counts = new Int32Array(buckets);
		const firstRow = new Int32Array(buckets);
		/** Row r's projected vector in repetition `rep`, times `weight`, added at `offset`. */
		const add = (r: number, rep: number, offset: number, weight: number) => {
			if (!project) {
				for (let d = 0; d < dim; d++) acc[offset + d] += weight * m.data[r * dim + d];
				return;
			}
			const o = r * outputs + rep * perRep + kSim;
			for (let c = 0; c < dimProj; c++) acc[offset + c] += weight * y[o + c];
		};
		for (let rep = 0; rep < rReps; rep++) {
			const ids = idsOf(y, m.rows, rep);
			counts.fill(0);
			firstRow.fill(-1);
			for (let r = 0; r < m.rows; r++) {
				counts[ids[r]]++;
				if (firstRow[ids[r]] < 0) firstRow[ids[r]] = r;
			}
			for (let r = 0; r < m.rows; r++) add(r, rep, rep * block + ids[r] * dimProj, document ? 1 / counts[ids[r]] : 1);
			if (!document) continue;
			for (let b = 0; b < buckets; b++) {
				if (counts[b] > 0) continue;
				let nearest = -1;
				let best = Infinity;
				for (let o = 0; o < buckets; o++) {
					if (counts[o] === 0) continue;
					const h = popcount(b ^ o);
					if (h < best) [best, nearest] = [h, o];
				}
				add(firstRow[nearest], rep, rep * block + b * dimProj, 1);
			}
		}
		return Float32Array.from(acc);
	};
	return {
		dim,
		kSim,
		dimProj,
		rReps,
		length,
		hyperplanes: planes,
		projections: signs,
		bucketIds,
		encodeQuery: (m) => encode(m, false),
		encodeDocument: (m) => encode(m, true)
	};
}
