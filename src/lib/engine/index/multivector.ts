/**
 * A multi-vector (ColBERT) document collection: a MaxSim scorer holding the vectors (JS, WASM or
 * WebGPU, chosen by `createMaxSimScorer`) plus each document's kept token ids and strings. Every
 * backend copies the vectors it is given, so this wrapper keeps no second copy: add batches and let
 * them go (a real ColBERT corpus is hundreds of MB of floats).
 */
import type { MaxSimBackendChoice } from '../maxsim/backends';
import type { DocumentReader } from '../maxsim/fallback';
import { createMaxSimScorer } from '../maxsim/select';
import type { BackendChoice, MaxSimScorer, ScoredIndex } from '../maxsim/maxsim';
import type { TokenMatrix } from '../types';
import type { MultiVectorDoc } from './serialize';

/** What is kept per document besides its vectors (which live in the scorer). */
export interface MultiVectorMeta {
	ids: number[];
	tokens: string[];
	rows: number;
}

export interface MultiVectorIndexOptions {
	/** MaxSim backend (`auto` picks the fastest available). */
	backend?: MaxSimBackendChoice;
	threads?: number;
	/** WASM: screen with int16 copies, rescore the top exactly (see `createMaxSimScorer`). */
	quantized?: boolean;
	/** Where the added vectors can be read again if the backend fails later (see `createMaxSimScorer`); none kept in JS then. */
	reread?: DocumentReader;
}

/**
 * @example
 * const index = await MultiVectorIndex.create(16, { backend: 'js' });
 * await index.add(docs); // each { ids, tokens, matrix: nd x 16 }
 * (await index.topK(query.matrix, 10))[0] // { index: 3, score: 27.1 }
 * index.choice // { backend: 'js', reason: 'js: requested' }
 */
export class MultiVectorIndex {
	readonly meta: MultiVectorMeta[] = [];
	readonly scorer: MaxSimScorer;
	readonly choice: BackendChoice;
	readonly warnings: string[];
	readonly dim: number;
	private stored = 0;

	private constructor(dim: number, scorer: MaxSimScorer, choice: BackendChoice, warnings: string[]) {
		this.dim = dim;
		this.scorer = scorer;
		this.choice = choice;
		this.warnings = warnings;
	}

	/** An empty index on the requested (or fastest available) MaxSim backend. */
	static async create(dim: number, options: MultiVectorIndexOptions = {}): Promise<MultiVectorIndex> {
		const { scorer, choice, warnings } = await createMaxSimScorer({ backend: options.backend ?? 'auto', dim, threads: options.threads, quantized: options.quantized, reread: options.reread });
		return new MultiVectorIndex(dim, scorer, choice, warnings);
	}

	/** Appends documents (indices continue from `size`); the caller may drop them afterwards. */
	async add(docs: MultiVectorDoc[]): Promise<void> {
		await this.scorer.add(docs.map((d) => d.matrix));
		for (const d of docs) {
			this.meta.push({ ids: d.ids, tokens: d.tokens, rows: d.matrix.rows });
			this.stored += d.matrix.rows * d.matrix.dim;
		}
	}

	get size(): number {
		return this.meta.length;
	}

	/** Stored vectors in floats (for a storage-cost display). */
	get floats(): number {
		return this.stored;
	}

	/** Scores of all documents, or of `subset` in its order. */
	score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		return this.scorer.score(query, subset);
	}

	/** The `k` best (of all, or of `subset`), best first. */
	topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		return this.scorer.topK(query, k, subset);
	}

	dispose(): Promise<void> {
		return this.scorer.dispose();
	}
}
