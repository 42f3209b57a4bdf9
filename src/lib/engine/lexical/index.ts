/** The lexical side of latelab: the analyzer and Okapi BM25. */
export { Analyzer, analyze, resolveAnalyzerOptions, DEFAULT_ANALYZER_OPTIONS } from './analyzer';
export type { AnalyzerOptions, Token } from './analyzer';
export { LUCENE_ENGLISH_STOP_WORDS } from './stopwords';
export { normalizeText } from './normalize';
export type { NormalizedText } from './normalize';
export { Bm25Index, resolveBm25Options, DEFAULT_BM25_OPTIONS } from './bm25';
export { bm25Idf, bm25TfPart, indexedText } from './bm25-formula';
export { luceneLength } from './lucene-length';
export type { Bm25Options, ResolvedBm25Options, TermExplanation } from './bm25';
export { BM25_FORMAT_VERSION } from './bm25-format';
export { PostingsBuilder } from './postings';
export type { InvertedIndex } from './postings';
export { topK } from './top-k';
