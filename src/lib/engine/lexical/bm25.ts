import { createError } from '../errors';
import type { Doc, Hit } from '../types';
import { Analyzer, resolveAnalyzerOptions, type AnalyzerOptions } from './analyzer';
import { decodeBm25, encodeBm25 } from './bm25-format';
import { bm25Idf, bm25TfPart, indexedText } from './bm25-formula';
import { luceneLength } from './lucene-length';
import { PostingsBuilder, type InvertedIndex } from './postings';
import { topK } from './top-k';

export { bm25Idf, bm25TfPart, indexedText } from './bm25-formula';

/**
 * Okapi BM25 as Lucene's `BM25Similarity` (hence Anserini/Pyserini) computes it, per query term t:
 *
 *   idf(t)    = ln(1 + (N - df + 0.5) / (df + 0.5))          (Lucene's +1: never negative)
 *   tfPart    = tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
 *   score(d)  = sum over distinct query terms of qtf * idf * tfPart
 *
 * N is the number of documents with at least one indexed token, avgdl their mean length, dl the
 * document's token count after stop-word removal. qtf (the term's count in the query) weights
 * repeated query words as Anserini's bag-of-words query does. Differences from Pyserini: Lucene >= 8
 * drops the constant (k1 + 1) (same ranking, scores k1 + 1 times smaller), and Lucene stores dl
 * lossily in one byte; we keep exact lengths unless `lengthEncoding: 'lucene'` asks for Lucene's.
 *
 * Fields: title and text are indexed as one field, `indexedText(doc)` (Pyserini's BEIR "flat").
 */
export interface Bm25Options {
	/** Term-frequency saturation. Default 0.9 (Pyserini). */
	k1?: number;
	/** Length normalisation, 0 (none) to 1 (full). Default 0.4 (Pyserini). */
	b?: number;
	analyzer?: AnalyzerOptions;
	/**
	 * Document lengths in the formula: `exact` (default, what `explain` shows and the formula says) or
	 * `lucene` (Lucene's one-byte rounding, see `lucene-length.ts`) to reproduce Pyserini's numbers.
	 */
	lengthEncoding?: 'exact' | 'lucene';
}

/** Options with every default filled in. */
export type ResolvedBm25Options = Required<Bm25Options> & { analyzer: Required<AnalyzerOptions> };

/** One row of `explain`: a distinct analysed query term and what it adds to the document's score. */
export interface TermExplanation {
	term: string;
	/** Occurrences of the term in the analysed query (the clause weight). */
	queryTf: number;
	tf: number;
	df: number;
	idf: number;
	/** queryTf * idf * tfPart; 0 when the document lacks the term. Rows sum to the document's score. */
	contribution: number;
	/** Spans `[start, end)` of the term's occurrences in `indexedText(doc)`. */
	offsets: [number, number][];
}

export const DEFAULT_BM25_OPTIONS = Object.freeze({ k1: 0.9, b: 0.4, lengthEncoding: 'exact' as const });
const LENGTH_ENCODINGS = ['exact', 'lucene'];

/**
 * An immutable BM25 index over a list of documents, searchable and serialisable.
 * @example
 * const index = Bm25Index.build([
 *   { id: 'a', title: '', text: 'late interaction' },
 *   { id: 'b', title: '', text: 'dense retrieval' }
 * ]);
 * index.search('interaction', 10) // [{ id: 'a', score: 0.69314..., rank: 1 }]  (ln 2 * 1.9 / 1.9)
 */
export class Bm25Index {
	readonly size: number;
	readonly options: ResolvedBm25Options;
	/** The analyzer used for documents and queries. */
	readonly analyzer: Analyzer;
	/** Documents with at least one indexed token: N in the idf. */
	readonly fieldDocCount: number;
	readonly avgDocLength: number;
	private readonly docs: Doc[];
	private readonly index: InvertedIndex;
	private readonly termIds = new Map<string, number>();
	private readonly docPositions = new Map<string, number>();
	// k1 * (1 - b + b * dl / avgdl) per document, so scoring a posting is one division.
	private readonly lengthNorms: Float64Array;
	// dl as the formula uses it (exact, or Lucene's rounding).
	private readonly lengths: Float64Array;
	private readonly scores: Float32Array;
	private readonly touched: Uint32Array;

	private constructor(docs: Doc[], index: InvertedIndex, options: ResolvedBm25Options) {
		const { k1, b } = options;
		if (!(Number.isFinite(k1) && k1 >= 0)) throw createError('BAD_ARGUMENT', { detail: `BM25 k1 must be a finite number >= 0, got ${k1}` });
		if (!(Number.isFinite(b) && b >= 0 && b <= 1)) throw createError('BAD_ARGUMENT', { detail: `BM25 b must be between 0 and 1, got ${b}` });
		if (!LENGTH_ENCODINGS.includes(options.lengthEncoding)) {
			throw createError('UNKNOWN_OPTION', { what: 'BM25 length encoding', value: String(options.lengthEncoding), expected: LENGTH_ENCODINGS.join(', ') });
		}
		this.docs = docs;
		this.index = index;
		this.options = options;
		this.analyzer = new Analyzer(options.analyzer);
		this.size = docs.length;
		docs.forEach((doc, position) => {
			const first = this.docPositions.get(doc.id);
			if (first !== undefined) throw createError('BAD_ARGUMENT', { detail: `duplicate document id "${doc.id}" at positions ${first} and ${position}` });
			this.docPositions.set(doc.id, position);
		});
		index.terms.forEach((term, id) => this.termIds.set(term, id));
		let total = 0;
		let nonEmpty = 0;
		for (const length of index.docLengths) {
			total += length;
			if (length > 0) nonEmpty++;
		}
		this.fieldDocCount = nonEmpty;
		this.avgDocLength = nonEmpty > 0 ? total / nonEmpty : 1;
		const lucene = options.lengthEncoding === 'lucene';
		this.lengths = Float64Array.from(index.docLengths, (length) => (lucene ? luceneLength(length) : length));
		this.lengthNorms = this.lengths.map((length) => k1 * (1 - b + (b * length) / this.avgDocLength));
		this.scores = new Float32Array(this.size);
		this.touched = new Uint32Array(this.size);
	}

	/** Analyses and indexes `docs`; their order fixes positions (the tie-break). Ids must be unique. */
	static build(docs: Doc[], options: Bm25Options = {}): Bm25Index {
		const resolved = resolveBm25Options(options);
		const analyzer = new Analyzer(resolved.analyzer);
		const builder = new PostingsBuilder();
		for (const doc of docs) builder.addDocument(analyzer.terms(indexedText(doc)));
		return new Bm25Index(docs.slice(), builder.finish(), resolved);
	}

	/**
	 * `build` for big corpora on a UI or worker thread: yields to the event loop about every 50 ms,
	 * reports `onProgress(done, total)` and stops with CANCELLED when `signal` aborts. Same result as `build`.
	 * @example await Bm25Index.buildAsync(docs, {}, { onProgress: (done, total) => bar.update(done / total) })
	 */
	static async buildAsync(
		docs: Doc[],
		options: Bm25Options = {},
		control: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}
	): Promise<Bm25Index> {
		const resolved = resolveBm25Options(options);
		const analyzer = new Analyzer(resolved.analyzer);
		const builder = new PostingsBuilder();
		let lastYield = Date.now();
		for (let i = 0; i < docs.length; i++) {
			builder.addDocument(analyzer.terms(indexedText(docs[i])));
			if ((i & 63) === 63 && Date.now() - lastYield > 50) {
				control.onProgress?.(i + 1, docs.length);
				await new Promise((resolve) => setTimeout(resolve, 0));
				if (control.signal?.aborted) throw createError('CANCELLED', { detail: ` while indexing document ${i + 1} of ${docs.length}` });
				lastYield = Date.now();
			}
		}
		control.onProgress?.(docs.length, docs.length);
		return new Bm25Index(docs.slice(), builder.finish(), resolved);
	}

	/** Number of distinct indexed terms. */
	get vocabularySize(): number {
		return this.index.terms.length;
	}

	/** The document at `position` (insertion order). */
	document(position: number): Doc {
		return this.docs[position];
	}

	/** dl of a document as BM25 uses it (indexed tokens; rounded as Lucene does with `lengthEncoding: 'lucene'`). */
	documentLength(docId: string): number {
		return this.lengths[this.position(docId)];
	}

	/** Document frequency of an analysed term (0 when unknown). */
	documentFrequency(term: string): number {
		const id = this.termIds.get(term);
		return id === undefined ? 0 : this.index.postingsStart[id + 1] - this.index.postingsStart[id];
	}

	/**
	 * The `k` best documents for `query`, best first; equal scores by lower position; rank 1-based.
	 * Only documents sharing a term with the query are returned, so there may be fewer than `k`.
	 * Term-at-a-time accumulation into a Float32Array, then a bounded heap (no full sort).
	 */
	search(query: string, k: number): Hit[] {
		if (!(k >= 1)) return [];
		const { scores, touched, index } = this;
		let count = 0;
		for (const [id, weight] of this.queryTerms(query)) {
			const start = index.postingsStart[id];
			const end = index.postingsStart[id + 1];
			const w = weight * bm25Idf(this.fieldDocCount, end - start) * (this.options.k1 + 1);
			for (let slot = start; slot < end; slot++) {
				const doc = index.postingDocs[slot];
				const tf = index.postingTfs[slot];
				// Every contribution is > 0 (idf > 0, tf >= 1), so 0 marks a document not yet seen.
				if (scores[doc] === 0) touched[count++] = doc;
				scores[doc] += (w * tf) / (tf + this.lengthNorms[doc]);
			}
		}
		const best = topK(scores, touched, count, k);
		const hits = Array.from(best, (doc, i) => ({ id: this.docs[doc].id, score: scores[doc], rank: i + 1 }));
		for (let c = 0; c < count; c++) scores[touched[c]] = 0;
		return hits;
	}

	/** Scores of the listed documents, in input order (0 for no shared term). Unknown ids throw BAD_ARGUMENT. */
	scoreDocuments(query: string, ids: string[]): Float32Array {
		const positions = ids.map((id) => this.position(id));
		const out = new Float32Array(ids.length);
		const { index } = this;
		for (const [id, weight] of this.queryTerms(query)) {
			const start = index.postingsStart[id];
			const end = index.postingsStart[id + 1];
			const w = weight * bm25Idf(this.fieldDocCount, end - start) * (this.options.k1 + 1);
			positions.forEach((doc, i) => {
				const slot = findPosting(index.postingDocs, start, end, doc);
				if (slot >= 0) out[i] += (w * index.postingTfs[slot]) / (index.postingTfs[slot] + this.lengthNorms[doc]);
			});
		}
		return out;
	}

	/** Per distinct query term (query order): tf, df, idf, contribution and where it occurs in the document. */
	explain(query: string, docId: string): TermExplanation[] {
		const doc = this.position(docId);
		const weights = new Map<string, number>();
		for (const term of this.analyzer.terms(query)) weights.set(term, (weights.get(term) ?? 0) + 1);
		const offsets = new Map<string, [number, number][]>();
		for (const token of this.analyzer.analyze(indexedText(this.docs[doc]))) {
			if (!weights.has(token.term)) continue;
			const list = offsets.get(token.term) ?? [];
			list.push([token.start, token.end]);
			offsets.set(token.term, list);
		}
		const { k1, b } = this.options;
		return [...weights].map(([term, queryTf]) => {
			const df = this.documentFrequency(term);
			const idf = bm25Idf(this.fieldDocCount, df);
			const id = this.termIds.get(term);
			const slot = id === undefined ? -1 : findPosting(this.index.postingDocs, this.index.postingsStart[id], this.index.postingsStart[id + 1], doc);
			const tf = slot >= 0 ? this.index.postingTfs[slot] : 0;
			const contribution = tf > 0 ? queryTf * idf * bm25TfPart(tf, this.lengths[doc], this.avgDocLength, k1, b) : 0;
			return { term, queryTf, tf, df, idf, contribution, offsets: offsets.get(term) ?? [] };
		});
	}

	/** A versioned little-endian binary image (see `bm25-format.ts`), documents included. */
	serialize(): Uint8Array {
		return encodeBm25({ options: this.options, docs: this.docs, index: this.index });
	}

	/** Rebuilds an index from `serialize()` output; bad magic, version, checksum or length throw CACHE_CORRUPT. */
	static deserialize(bytes: Uint8Array): Bm25Index {
		const { options, docs, index } = decodeBm25(bytes);
		return new Bm25Index(docs, index, options);
	}

	// Distinct known query terms with their query counts, in query order.
	private queryTerms(query: string): Map<number, number> {
		const weights = new Map<number, number>();
		for (const term of this.analyzer.terms(query)) {
			const id = this.termIds.get(term);
			if (id !== undefined) weights.set(id, (weights.get(id) ?? 0) + 1);
		}
		return weights;
	}

	private position(id: string): number {
		const position = this.docPositions.get(id);
		if (position === undefined) throw createError('BAD_ARGUMENT', { detail: `unknown document id "${id}" (not in this BM25 index)` });
		return position;
	}
}

/** Fills in BM25 and analyzer defaults. */
export function resolveBm25Options(options: Bm25Options = {}): ResolvedBm25Options {
	return {
		k1: options.k1 ?? DEFAULT_BM25_OPTIONS.k1,
		b: options.b ?? DEFAULT_BM25_OPTIONS.b,
		lengthEncoding: options.lengthEncoding ?? DEFAULT_BM25_OPTIONS.lengthEncoding,
		analyzer: resolveAnalyzerOptions(options.analyzer)
	};
}

// Binary search for `doc` in the ascending slice postingDocs[start, end); -1 when absent.
function findPosting(postingDocs: Uint32Array, start: number, end: number, doc: number): number {
	let lo = start;
	let hi = end - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >>> 1;
		const value = postingDocs[mid];
		if (value === doc) return mid;
		if (value < doc) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}
