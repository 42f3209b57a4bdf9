/**
 * A multi-vector (ColBERT) document collection: the kept token ids and strings of every document (for
 * explanations) plus a MaxSim scorer holding the vectors (JS, WASM or WebGPU, chosen by
 * `createMaxSimScorer`). The scorer is the only thing that scores; this wrapper keeps rows and
 * document order aligned.
 */
import { createMaxSimScorer } from '../maxsim/select';
import type { BackendChoice, MaxSimScorer, ScoredIndex } from '../maxsim/maxsim';
import type { TokenMatrix } from '../types';
import type { MultiVectorDoc } from './serialize';

export interface MultiVectorIndexOptions {
	/** MaxSim backend (`auto` picks the fastest available). */
	backend?: 'auto' | 'js' | 'wasm' | 'webgpu';
	threads?: number;
}

/**
 * @example
 * const index = await MultiVectorIndex.create(docs, 16, { backend: 'js' });
 * (await index.topK(query.matrix, 10))[0] // { index: 3, score: 27.1 }
 * index.choice // { backend: 'js', reason: 'js: requested' }
 */
export class MultiVectorIndex {
	readonly docs: MultiVectorDoc[];
	readonly scorer: MaxSimScorer;
	readonly choice: BackendChoice;
	readonly warnings: string[];

	private constructor(docs: MultiVectorDoc[], scorer: MaxSimScorer, choice: BackendChoice, warnings: string[]) {
		this.docs = docs;
		this.scorer = scorer;
		this.choice = choice;
		this.warnings = warnings;
	}

	/** Packs `docs` (each `nd x dim`) into a new scorer. */
	static async create(docs: MultiVectorDoc[], dim: number, options: MultiVectorIndexOptions = {}): Promise<MultiVectorIndex> {
		const { scorer, choice, warnings } = await createMaxSimScorer({ backend: options.backend ?? 'auto', dim, threads: options.threads });
		try {
			await scorer.add(docs.map((d) => d.matrix));
		} catch (error) {
			await scorer.dispose();
			throw error;
		}
		return new MultiVectorIndex(docs, scorer, choice, warnings);
	}

	get size(): number {
		return this.docs.length;
	}

	/** Stored vectors in floats (for a storage-cost display). */
	get floats(): number {
		return this.docs.reduce((s, d) => s + d.matrix.rows * d.matrix.dim, 0);
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
