/**
 * The English stop words of Lucene's `EnglishAnalyzer` (`ENGLISH_STOP_WORDS_SET`, 33 words), which
 * Anserini/Pyserini's default analyzer removes before Porter stemming. Kept short on purpose: Lucene
 * drops only the most frequent function words, so BM25 numbers stay comparable with Pyserini's.
 * @example LUCENE_ENGLISH_STOP_WORDS.includes('the') // true
 */
export const LUCENE_ENGLISH_STOP_WORDS: readonly string[] = Object.freeze([
	'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it',
	'no', 'not', 'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they',
	'this', 'to', 'was', 'will', 'with'
]);
