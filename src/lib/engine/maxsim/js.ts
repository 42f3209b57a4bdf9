/**
 * The plain-JavaScript `MaxSimScorer`: documents packed row-major into one growing Float32Array,
 * scored with the loop of the reference `maxSim` (dot products accumulate in f64). The fallback
 * everywhere, and the clearest statement of what the faster backends compute.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import type { MaxSimScorer, ScoredIndex } from './maxsim';
import { scoreEach, topKByScore } from './scorer-plumbing';
import { checkDim, checkMatrix } from './validate';

/**
 * MaxSim over documents kept in one Float32Array (`offsets[i]` = first value of doc i).
 * @example
 * const scorer = new JsMaxSimScorer(2);
 * await scorer.add([{ data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }]);
 * await scorer.score({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }) // Float32Array [1.8]
 */
export class JsMaxSimScorer implements MaxSimScorer {
	readonly backend = 'js' as const;
	readonly threads = 1;
	readonly dim: number;
	private values = new Float32Array(1024);
	private used = 0;
	private offsets: number[] = [];
	private rows: number[] = [];
	private disposed = false;

	constructor(dim: number) {
		checkDim(dim);
		this.dim = dim;
	}

	get size(): number {
		return this.offsets.length;
	}

	async add(docs: TokenMatrix[]): Promise<void> {
		this.assertLive();
		docs.forEach((doc, i) => checkMatrix(doc, this.dim, `document ${this.size + i}`));
		const needed = this.used + docs.reduce((n, d) => n + d.rows * this.dim, 0);
		if (needed > this.values.length) {
			const grown = new Float32Array(Math.max(needed, this.values.length * 2));
			grown.set(this.values.subarray(0, this.used));
			this.values = grown;
		}
		for (const doc of docs) {
			const n = doc.rows * this.dim;
			this.values.set(doc.data.subarray(0, n), this.used);
			this.offsets.push(this.used);
			this.rows.push(doc.rows);
			this.used += n;
		}
	}

	async score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		this.assertLive();
		return scoreEach(query, this.dim, this.size, subset, (index) => this.scoreOne(query, index));
	}

	async topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		return topKByScore(this, query, k, subset);
	}

	async dispose(): Promise<void> {
		this.disposed = true;
		this.values = new Float32Array(0);
	}

	/** sum over query rows of the best dot product with any token of doc `index`. */
	private scoreOne(query: TokenMatrix, index: number): number {
		const { dim } = this;
		const nd = this.rows[index];
		if (nd === 0) return 0;
		const d = this.values;
		const q = query.data;
		const start = this.offsets[index];
		let total = 0;
		for (let i = 0; i < query.rows; i++) {
			const qo = i * dim;
			let best = -Infinity;
			for (let j = 0, o = start; j < nd; j++, o += dim) {
				let dot = 0;
				for (let k = 0; k < dim; k++) dot += q[qo + k] * d[o + k];
				if (dot > best) best = dot;
			}
			total += best;
		}
		return total;
	}

	private assertLive(): void {
		if (this.disposed) throw createError('BAD_ARGUMENT', { detail: 'JS MaxSim scorer used after dispose()' });
	}
}
