/**
 * MUVERA as a candidate stage: documents' FDEs in one flat Float32Array, a query's FDE dotted with
 * every one of them (exact flat search, the single-vector first stage), then exact MaxSim on the
 * best `depth` only (the rescoring step of the MUVERA paper and of Qdrant's two-stage query).
 */
import { createError } from '../errors';
import type { MaxSimScorer } from '../maxsim/maxsim';
import { topKOf } from '../maxsim/top-k';
import type { TokenMatrix } from '../types';
import type { Muvera } from './muvera';
import { topIndices, type CandidateSearch } from './top';

/**
 * Document FDEs, row-major `size x length`, grown as documents are added.
 * @example
 * const index = new FdeIndex(4); index.add(Float32Array.of(1, 0, 0, 1)); index.add(Float32Array.of(0, 1, 0, 0));
 * index.scores(Float32Array.of(1, 1, 0, 0)) // Float32Array [1, 1]
 */
export class FdeIndex {
	readonly length: number;
	private data: Float32Array;
	private count = 0;

	constructor(length: number, capacity = 64) {
		this.length = length;
		this.data = new Float32Array(length * Math.max(1, capacity));
	}

	get size(): number {
		return this.count;
	}

	/** Bytes the FDEs take (fp32). */
	get bytes(): number {
		return this.count * this.length * 4;
	}

	add(fde: Float32Array): void {
		if (fde.length !== this.length) throw createError('DIM_MISMATCH', { expected: this.length, actual: fde.length, detail: ' (FDE length)' });
		if ((this.count + 1) * this.length > this.data.length) {
			const grown = new Float32Array(Math.max(this.data.length * 2, (this.count + 1) * this.length));
			grown.set(this.data);
			this.data = grown;
		}
		this.data.set(fde, this.count * this.length);
		this.count++;
	}

	/** FDE `row`. */
	row(row: number): Float32Array {
		return this.data.subarray(row * this.length, (row + 1) * this.length);
	}

	/**
	 * `q . fde` for every document. Runs of zeros in `q` (query buckets no token fell in) are skipped:
	 * with 32 query tokens and 32 buckets per repetition about a third of a query FDE is zero.
	 */
	scores(q: Float32Array): Float32Array {
		if (q.length !== this.length) throw createError('DIM_MISMATCH', { expected: this.length, actual: q.length, detail: ' (query FDE length)' });
		const spans: number[] = [];
		for (let i = 0; i < q.length; ) {
			if (q[i] === 0) {
				i++;
				continue;
			}
			let j = i;
			while (j < q.length && q[j] !== 0) j++;
			spans.push(i, j);
			i = j;
		}
		const out = new Float32Array(this.count);
		const d = this.data;
		const L = this.length;
		for (let r = 0; r < this.count; r++) {
			const o = r * L;
			let s = 0;
			for (let p = 0; p < spans.length; p += 2) {
				for (let i = spans[p], e = spans[p + 1]; i < e; i++) s += q[i] * d[o + i];
			}
			out[r] = s;
		}
		return out;
	}
}

export interface MuveraSearchOptions {
	/** Documents rescored with exact MaxSim (default 100). */
	depth?: number;
}

/**
 * MUVERA search: FDE flat search over all documents, exact MaxSim (with `exact`, a scorer holding the
 * same documents in the same order) on the best `depth`, top `k` of those.
 * Stages: `fde-encode-query`, `fde-search` (documents = all), `maxsim` (documents = depth).
 * @example
 * const r = await muveraSearch(muvera, fdes, scorer, queryMatrix, 10, { depth: 100 });
 * r.candidates // fdes.size; r.touched // min(100, fdes.size)
 */
export async function muveraSearch(
	muvera: Muvera,
	fdes: FdeIndex,
	exact: MaxSimScorer,
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
