import type { Doc } from '../types';

/**
 * The single field BM25 indexes: title, a space, then text (just the text when the title is empty).
 * Offsets from `explain` index into this string; text offsets start at `title.length + 1`.
 * @example indexedText({ id: '1', title: 'Cats', text: 'purr' }) // 'Cats purr'
 */
export function indexedText(doc: Doc): string {
	return doc.title ? (doc.text ? `${doc.title} ${doc.text}` : doc.title) : doc.text;
}

/**
 * Lucene's BM25 idf.
 * @example bm25Idf(4, 1) // ln(1 + 3.5 / 1.5) = 1.2039728...
 */
export function bm25Idf(nDocs: number, df: number): number {
	return Math.log(1 + (nDocs - df + 0.5) / (df + 0.5));
}

/**
 * The saturated, length-normalised term frequency.
 * @example bm25TfPart(2, 10, 10, 0.9, 0.4) // 2 * 1.9 / (2 + 0.9) = 1.3103448...
 */
export function bm25TfPart(tf: number, docLength: number, avgDocLength: number, k1: number, b: number): number {
	return (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * docLength) / avgDocLength));
}
