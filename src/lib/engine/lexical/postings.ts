/**
 * The inverted index in typed arrays (compressed sparse rows over terms):
 *
 * - `terms[t]` is term `t`'s string; its postings are the slots `postingsStart[t] .. postingsStart[t + 1]`;
 * - `postingDocs[slot]` is a document position (ascending within a term), `postingTfs[slot]` the
 *   term's frequency in that document, so df(t) = `postingsStart[t + 1] - postingsStart[t]`;
 * - `docLengths[d]` is document `d`'s number of indexed tokens (stop words excluded), as Lucene counts.
 *
 * Shapes: `postingsStart` nTerms + 1; `postingDocs`, `postingTfs` nPostings; `docLengths` nDocs.
 */
export interface InvertedIndex {
	terms: string[];
	postingsStart: Uint32Array;
	postingDocs: Uint32Array;
	postingTfs: Uint32Array;
	docLengths: Float32Array;
}

/**
 * Builds an `InvertedIndex` one document at a time in O(total tokens): per document it counts
 * term frequencies in a scratch array, appends (term, tf) pairs, and `finish()` scatters the pairs
 * into per-term postings with one counting pass, so postings come out sorted by document.
 * @example
 * const builder = new PostingsBuilder();
 * builder.addDocument(['cat', 'sat', 'cat']);
 * builder.addDocument(['dog']);
 * const index = builder.finish();
 * index.terms;                        // ['cat', 'sat', 'dog']
 * [...index.postingsStart];           // [0, 1, 2, 3]
 * [...index.postingTfs];              // [2, 1, 1]
 * [...index.docLengths];              // [3, 1]
 */
export class PostingsBuilder {
	private readonly termIds = new Map<string, number>();
	private readonly terms: string[] = [];
	// Typed as plain Uint32Array: `resize` replaces them, and TS >= 5.7 would otherwise pin the literal's ArrayBuffer type.
	private df: Uint32Array = new Uint32Array(1024);
	private counts: Uint32Array = new Uint32Array(1024);
	private readonly pairTerms = new GrowableUint32();
	private readonly pairTfs = new GrowableUint32();
	private readonly docPairEnds = new GrowableUint32();
	private readonly lengths = new GrowableUint32();
	private readonly seen: number[] = [];

	/** Number of documents added so far; the next document gets this position. */
	get size(): number {
		return this.lengths.length;
	}

	addDocument(terms: readonly string[]): void {
		const { seen } = this;
		seen.length = 0;
		for (const term of terms) {
			let id = this.termIds.get(term);
			if (id === undefined) {
				id = this.terms.length;
				this.termIds.set(term, id);
				this.terms.push(term);
				if (id >= this.counts.length) {
					this.counts = resize(this.counts, this.counts.length * 2);
					this.df = resize(this.df, this.counts.length);
				}
			}
			if (this.counts[id]++ === 0) seen.push(id);
		}
		for (const id of seen) {
			this.pairTerms.push(id);
			this.pairTfs.push(this.counts[id]);
			this.df[id]++;
			this.counts[id] = 0;
		}
		this.docPairEnds.push(this.pairTerms.length);
		this.lengths.push(terms.length);
	}

	finish(): InvertedIndex {
		const nTerms = this.terms.length;
		const postingsStart = new Uint32Array(nTerms + 1);
		for (let t = 0; t < nTerms; t++) postingsStart[t + 1] = postingsStart[t] + this.df[t];
		const nPostings = postingsStart[nTerms];
		const postingDocs = new Uint32Array(nPostings);
		const postingTfs = new Uint32Array(nPostings);
		const cursor = postingsStart.slice(0, nTerms);
		const pairTerms = this.pairTerms.view();
		const pairTfs = this.pairTfs.view();
		const ends = this.docPairEnds.view();
		let pair = 0;
		for (let doc = 0; doc < ends.length; doc++) {
			for (; pair < ends[doc]; pair++) {
				const slot = cursor[pairTerms[pair]]++;
				postingDocs[slot] = doc;
				postingTfs[slot] = pairTfs[pair];
			}
		}
		return {
			terms: this.terms.slice(),
			postingsStart,
			postingDocs,
			postingTfs,
			docLengths: Float32Array.from(this.lengths.view())
		};
	}
}

function resize(array: Uint32Array, capacity: number): Uint32Array {
	const next = new Uint32Array(capacity);
	next.set(array.subarray(0, Math.min(array.length, capacity)));
	return next;
}

/** An append-only Uint32Array that doubles its capacity. */
class GrowableUint32 {
	private data: Uint32Array = new Uint32Array(1024);
	length = 0;

	push(value: number): void {
		if (this.length === this.data.length) this.data = resize(this.data, this.data.length * 2);
		this.data[this.length++] = value;
	}

	view(): Uint32Array {
		return this.data.subarray(0, this.length);
	}
}
