import { describe, expect, it } from 'vitest';
import type { Doc } from '../../../src/lib/engine/types';
import { Bm25Index, bm25Idf, bm25TfPart, indexedText, luceneLength } from '../../../src/lib/engine/lexical';

const doc = (id: string, text: string, title = ''): Doc => ({ id, title, text });
// Without stop words or stemming every word is a token, so lengths can be counted by eye:
// d1: 5 tokens, d2: 3, d3: 6 (dog twice), d4: 1. N = 4, avgdl = 15 / 4 = 3.75.
const toy = [
	doc('d1', 'cat sat on the mat'),
	doc('d2', 'dog and cat'),
	doc('d3', 'the dog barked at the dog'),
	doc('d4', 'bird')
];
const raw = { analyzer: { stem: false, stopwords: false } };
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(1e-6);
// k1 = 0.9, b = 0.4: tfPart = tf * 1.9 / (tf + 0.9 * (0.6 + 0.4 * dl / 3.75)).
const idfDf2 = Math.log(1 + (4 - 2 + 0.5) / (2 + 0.5)); // ln 2 = 0.693147
const idfDf1 = Math.log(1 + (4 - 1 + 0.5) / (1 + 0.5)); // ln(10/3) = 1.203973
const byId = (hits: { id: string; score: number }[]) => Object.fromEntries(hits.map((h) => [h.id, h.score]));

describe('Bm25Index', () => {
	it('bm25.search(q) matches hand-computed Lucene BM25 scores (k1 0.9, b 0.4)', () => {
		const index = Bm25Index.build(toy, raw);
		const hits = index.search('cat dog', 10);
		expect(hits.map((h) => [h.id, h.rank])).toEqual([['d2', 1], ['d3', 2], ['d1', 3]]);
		const scores = byId(hits);
		// d2: cat and dog once each, dl 3: 2 * ln2 * 1.9 / (1 + 0.9 * (0.6 + 0.32)) = 2 * ln2 * 1.9 / 1.828
		close(scores.d2, 2 * idfDf2 * (1.9 / 1.828));
		close(scores.d2, 1.440897);
		// d3: dog twice, dl 6: ln2 * 3.8 / (2 + 0.9 * (0.6 + 0.64)) = ln2 * 3.8 / 3.116
		close(scores.d3, idfDf2 * (3.8 / 3.116));
		close(scores.d3, 0.845301);
		// d1: cat once, dl 5: ln2 * 1.9 / (1 + 0.9 * (0.6 + 0.533333)) = ln2 * 1.9 / 2.02
		close(scores.d1, idfDf2 * (1.9 / 2.02));
		close(scores.d1, 0.65197);
	});

	it('bm25.search(q) uses the rarer term\'s higher idf', () => {
		const scores = byId(Bm25Index.build(toy, raw).search('bird', 10));
		// d4: df 1, dl 1: ln(10/3) * 1.9 / (1 + 0.9 * (0.6 + 0.4 / 3.75))
		close(scores.d4, idfDf1 * (1.9 / (1 + 0.9 * (0.6 + 0.4 / 3.75))));
		close(scores.d4, 1.398257);
	});

	it('bm25.search(q) honours k1 and b', () => {
		const index = Bm25Index.build(toy, { ...raw, k1: 1.2, b: 0.75 });
		// d3, dog tf 2, dl 6: ln2 * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 6 / 3.75)) = ln2 * 4.4 / 3.74
		close(byId(index.search('dog', 10)).d3, idfDf2 * (4.4 / 3.74));
		const flat = Bm25Index.build(toy, { ...raw, b: 0 });
		// b = 0: no length normalisation, so one "cat" scores the same in d1 (5 tokens) and d2 (3 tokens).
		const cat = byId(flat.search('cat', 10));
		close(cat.d1, idfDf2 * (1.9 / 1.9));
		close(cat.d1, cat.d2);
	});

	it('bm25.search(q) gives a positive idf to a term found in every document (Lucene\'s +1)', () => {
		const index = Bm25Index.build([doc('a', 'x y'), doc('b', 'x'), doc('c', 'x z')], raw);
		const idf = Math.log(1 + (3 - 3 + 0.5) / (3 + 0.5)); // ln(8/7) = 0.133531
		close(bm25Idf(3, 3), idf);
		expect(idf).toBeGreaterThan(0);
		const hits = index.search('x', 10);
		expect(hits).toHaveLength(3);
		// b: dl 1, avgdl 5/3: ln(8/7) * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 0.6))
		close(byId(hits).b, idf * (1.9 / (1 + 0.9 * (0.6 + 0.4 * 0.6))));
		for (const hit of hits) expect(hit.score).toBeGreaterThan(0);
	});

	it('bm25.search(q) counts a repeated query word once per occurrence (Anserini bag of words)', () => {
		const index = Bm25Index.build(toy, raw);
		close(byId(index.search('dog dog', 10)).d3, 2 * byId(index.search('dog', 10)).d3);
	});

	it('bm25.search(q) breaks equal scores by lower document position and ranks from 1', () => {
		const index = Bm25Index.build([doc('z', 'same words'), doc('a', 'other'), doc('m', 'same words')], raw);
		const hits = index.search('same', 10);
		expect(hits.map((h) => [h.id, h.rank])).toEqual([['z', 1], ['m', 2]]);
		expect(hits[0].score).toBe(hits[1].score);
	});

	it('bm25.search(q, k) returns nothing for an empty, stop-word-only or unknown query, or k < 1', () => {
		const index = Bm25Index.build(toy);
		expect(index.search('', 10)).toEqual([]);
		expect(index.search('the and of', 10)).toEqual([]);
		expect(index.search('zebra', 10)).toEqual([]);
		expect(index.search('cat', 0)).toEqual([]);
	});

	it('bm25.search(q, k) with k > N returns every matching document once', () => {
		const hits = Bm25Index.build(toy, raw).search('cat dog bird the', 1000);
		expect(hits.map((h) => h.id).sort()).toEqual(['d1', 'd2', 'd3', 'd4']);
		expect(hits.map((h) => h.rank)).toEqual([1, 2, 3, 4]);
	});

	it('bm25.search(q, k) keeps the k best of a full sort (random corpus)', () => {
		let seed = 7;
		const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
		const pick = () => words[Math.floor(rand() * rand() * words.length)];
		const docs = Array.from({ length: 300 }, (_, i) => doc(`d${i}`, Array.from({ length: 1 + Math.floor(rand() * 30) }, pick).join(' ')));
		const index = Bm25Index.build(docs, raw);
		const ids = docs.map((d) => d.id);
		for (let q = 0; q < 20; q++) {
			const query = `${pick()} ${pick()} ${pick()}`;
			const all = index.scoreDocuments(query, ids);
			const expected = ids
				.map((id, i) => ({ id, i, score: all[i] }))
				.filter((h) => h.score > 0)
				.sort((a, b) => b.score - a.score || a.i - b.i)
				.slice(0, 10);
			const hits = index.search(query, 10);
			expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
			hits.forEach((h, i) => close(h.score, expected[i].score));
		}
	});

	it('bm25.scoreDocuments(q, ids) scores the given documents in input order, 0 without a shared term', () => {
		const index = Bm25Index.build(toy, raw);
		const scores = index.scoreDocuments('cat dog', ['d4', 'd1', 'd2']);
		expect(scores).toBeInstanceOf(Float32Array);
		const search = byId(index.search('cat dog', 10));
		expect(scores[0]).toBe(0);
		close(scores[1], search.d1);
		close(scores[2], search.d2);
	});

	it('bm25.scoreDocuments(q, ids) and explain(q, id) reject unknown ids with BAD_ARGUMENT', () => {
		const index = Bm25Index.build(toy, raw);
		expect(() => index.scoreDocuments('cat', ['d1', 'nope'])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => index.explain('cat', 'nope')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
	});

	it('bm25.explain(q, id) lists each query term with tf, df, idf, contribution and offsets summing to the score', () => {
		const index = Bm25Index.build(toy, raw);
		const rows = index.explain('dog cat dog', 'd3');
		expect(rows.map((r) => [r.term, r.queryTf, r.tf, r.df])).toEqual([['dog', 2, 2, 2], ['cat', 1, 0, 2]]);
		close(rows[0].idf, idfDf2);
		close(rows[0].contribution, 2 * idfDf2 * (3.8 / 3.116));
		expect(rows[1].contribution).toBe(0);
		expect(rows[0].offsets).toEqual([[4, 7], [22, 25]]);
		expect(rows[1].offsets).toEqual([]);
		close(rows[0].contribution + rows[1].contribution, byId(index.search('dog cat dog', 10)).d3);
	});

	it('bm25.explain(q, id) offsets point into indexedText(doc), title first', () => {
		const docs = [doc('p', 'Running shoes for runners.', 'Trail Running')];
		const index = Bm25Index.build(docs);
		const text = indexedText(docs[0]);
		expect(text).toBe('Trail Running Running shoes for runners.');
		const [row] = index.explain('run', 'p');
		expect(row.term).toBe('run');
		expect(row.offsets.map(([s, e]) => text.slice(s, e))).toEqual(['Running', 'Running']);
		// "runners" stems to "runner", not "run".
		expect(row.tf).toBe(2);
	});

	it('Bm25Index.build(docs) indexes title and text as one field', () => {
		const index = Bm25Index.build([doc('a', 'body words', 'Heading'), doc('b', 'heading in text')], raw);
		expect(index.search('heading', 10).map((h) => h.id)).toEqual(['a', 'b']);
		expect(index.documentFrequency('heading')).toBe(2);
		expect(index.avgDocLength).toBe(3);
	});

	it('Bm25Index.build(docs) defaults to k1 0.9, b 0.4, stemming and Lucene stop words', () => {
		const index = Bm25Index.build(toy);
		expect(index.options).toEqual({ k1: 0.9, b: 0.4, lengthEncoding: 'exact', analyzer: { stem: true, stopwords: true } });
		expect(index.size).toBe(4);
		// "barked" -> "bark"; "the", "on", "and", "at" are stop words, so d3 has 4 tokens.
		expect(index.search('barking', 10).map((h) => h.id)).toEqual(['d3']);
		expect(index.documentFrequency('the')).toBe(0);
	});

	it('Bm25Index.build(docs) leaves empty documents out of N and avgdl, as Lucene does', () => {
		const index = Bm25Index.build([doc('a', 'x y'), doc('e', ''), doc('b', 'x')], raw);
		expect(index.fieldDocCount).toBe(2);
		expect(index.avgDocLength).toBe(1.5);
		// a: x once, dl 2, N 2, df 2: ln(1 + 0.5 / 2.5) * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 2 / 1.5))
		close(byId(index.search('x', 10)).a, Math.log(1.2) * (1.9 / (1 + 0.9 * (0.6 + 0.8 / 1.5))));
	});

	it('Bm25Index.build(docs, options) rejects duplicate ids and out-of-range k1 / b with BAD_ARGUMENT', () => {
		expect(() => Bm25Index.build([doc('a', 'x'), doc('a', 'y')])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => Bm25Index.build(toy, { k1: -1 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => Bm25Index.build(toy, { b: 1.5 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
	});

	it('Bm25Index.build([]) gives an empty index that finds nothing', () => {
		const index = Bm25Index.build([]);
		expect(index.size).toBe(0);
		expect(index.search('anything', 5)).toEqual([]);
	});

	it('bm25TfPart(tf, dl, avgdl, k1, b) saturates: tf 2 gives less than twice tf 1', () => {
		close(bm25TfPart(2, 10, 10, 0.9, 0.4), 3.8 / 2.9);
		expect(bm25TfPart(2, 10, 10, 0.9, 0.4)).toBeLessThan(2 * bm25TfPart(1, 10, 10, 0.9, 0.4));
	});

	it("Bm25Index.build(docs, { lengthEncoding: 'lucene' }) scores with Lucene's one-byte document lengths", () => {
		// a: 100 tokens, rounded by Lucene to 96; b: 4 tokens (exact). avgdl stays exact: 52.
		const docs = [doc('a', `x ${'y '.repeat(99)}`), doc('b', 'x z z z')];
		const exact = Bm25Index.build(docs, raw);
		const lucene = Bm25Index.build(docs, { ...raw, lengthEncoding: 'lucene' });
		expect(exact.documentLength('a')).toBe(100);
		expect(lucene.documentLength('a')).toBe(96);
		expect(lucene.documentLength('b')).toBe(4);
		const idf = Math.log(1 + 0.5 / 2.5);
		close(byId(lucene.search('x', 10)).a, idf * (1.9 / (1 + 0.9 * (0.6 + (0.4 * 96) / 52))));
		close(byId(exact.search('x', 10)).a, idf * (1.9 / (1 + 0.9 * (0.6 + (0.4 * 100) / 52))));
		close(lucene.explain('x', 'a')[0].contribution, byId(lucene.search('x', 10)).a);
		expect(Bm25Index.deserialize(lucene.serialize()).search('x', 10)).toEqual(lucene.search('x', 10));
	});

	it('Bm25Index.build(docs, { lengthEncoding }) rejects an unknown encoding with UNKNOWN_OPTION', () => {
		expect(() => Bm25Index.build(toy, { lengthEncoding: 'lossy' as 'lucene' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
	});

	it('luceneLength(n) is exact below 24 and keeps 4 significant bits of n - 24 above', () => {
		// 1000 - 24 = 976 = 0b1111010000 -> 0b1111000000 = 960, + 24 = 984.
		expect([0, 1, 23, 24, 31, 39, 40, 41, 100, 1000].map(luceneLength)).toEqual([0, 1, 23, 24, 31, 39, 40, 40, 96, 984]);
	});

	it('Bm25Index.buildAsync(docs) equals build(docs), reports progress and stops with CANCELLED on abort', async () => {
		const docs = Array.from({ length: 3000 }, (_, i) => doc(`d${i}`, `word${i % 97} common text number ${i}`));
		const progress: number[] = [];
		const built = await Bm25Index.buildAsync(docs, {}, { onProgress: (done) => progress.push(done) });
		expect(built.search('word5 common', 20)).toEqual(Bm25Index.build(docs).search('word5 common', 20));
		expect(progress.at(-1)).toBe(3000);
		const controller = new AbortController();
		controller.abort();
		const slow = Array.from({ length: 40 }, () => docs).flat().map((d, i) => ({ ...d, id: `c${i}` }));
		await expect(Bm25Index.buildAsync(slow, {}, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
	});
});
