/**
 * Shapes shared by every part of the engine. One vocabulary: `nq` query tokens, `nd` document
 * tokens, `dim` vector width, `nDocs` documents; matrices are row-major `Float32Array` + dims.
 */

/** A document as the engine sees it. `title` may be empty (many CACM documents have no text). */
export interface Doc {
	id: string;
	title: string;
	text: string;
}

/** A query with its identifier (BEIR `_id`). */
export interface Query {
	id: string;
	text: string;
}

/** Relevance judgments: query id -> (document id -> graded relevance, 0 = judged non-relevant). */
export type Qrels = Map<string, Map<string, number>>;

/** A loaded collection. Queries and qrels are present for test collections, absent for plain documents. */
export interface Corpus {
	name: string;
	docs: Doc[];
	queries: Query[];
	qrels: Qrels;
	/** Non-fatal problems found while loading (e.g. qrels naming unknown documents), for display. */
	warnings: string[];
}

/**
 * A row-major matrix of token vectors: `rows` x `dim`, row `i` at `data[i * dim .. (i + 1) * dim)`.
 * @example { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 } // two orthogonal unit vectors
 */
export interface TokenMatrix {
	data: Float32Array;
	rows: number;
	dim: number;
}

/**
 * Where a reader puts `bytes` of row-major vectors for `documents` documents: bytes someone else owns
 * (the rescoring kernel's memory), 16-byte aligned, at least `bytes` long. A store's `readInto` and
 * PLAID's decoding write there, and a `DocumentScorer` scores them without a copy.
 */
export type ReadAllocator = (bytes: number, documents: number) => Uint8Array;

/** One ranked result. `rank` is 1-based. */
export interface Hit {
	id: string;
	score: number;
	rank: number;
}

/** Wall-clock time of one stage of a pipeline, in milliseconds. */
export interface StageTiming {
	stage: string;
	ms: number;
}

/** A pipeline's answer to one query: hits best first, and where the time went. */
export interface SearchResult {
	hits: Hit[];
	timings: StageTiming[];
}
