import { describe, expect, it } from 'vitest';
import { Analyzer, analyze, LUCENE_ENGLISH_STOP_WORDS, normalizeText } from '../../../src/lib/engine/lexical';

const raw = { stem: false, stopwords: false } as const;
const terms = (text: string, options = {}) => analyze(text, options).map((t) => t.term);
const surfaces = (text: string, options = {}) => analyze(text, options).map((t) => text.slice(t.start, t.end));

describe('analyze(text)', () => {
	it('analyze(text) lowercases and applies NFKC (full-width letters, ligatures)', () => {
		expect(terms('ＨＴＴＰ ﬁsh Café', raw)).toEqual(['http', 'fish', 'café']);
	});

	it('analyze(text) splits identifiers on "/" and "-" but keeps dots between digits', () => {
		expect(terms('HTTP/2 CVE-2021-44228 v8.1', raw)).toEqual(['http', '2', 'cve', '2021', '44228', 'v8.1']);
	});

	it('analyze(text) joins letters across "." and apostrophes, digits across "," and ".", anything across "_"', () => {
		expect(terms("U.S.A. don't 1,000 3.14 max_sim e.g. fig.2 a,b", raw)).toEqual([
			'u.s.a', "don't", '1,000', '3.14', 'max_sim', 'e.g', 'fig', '2', 'a', 'b'
		]);
	});

	it('analyze(text) drops a trailing possessive "\'s" (straight or curly apostrophe)', () => {
		expect(terms("Okapi's Lucene’s it's", raw)).toEqual(['okapi', 'lucene', 'it']);
		expect(surfaces("Okapi's", raw)).toEqual(['Okapi']);
		// As in UAX#29, an apostrophe between a digit and a letter splits, so nothing is stripped.
		expect(terms("BM25's", raw)).toEqual(['bm25', 's']);
	});

	it('analyze(text) keeps accented words, Greek, CJK runs and digits as tokens', () => {
		expect(terms('naïve résumé ΑΘΗΝΑ 東京タワー 42 x²', raw)).toEqual(['naïve', 'résumé', 'αθηνα', '東京タワー', '42', 'x2']);
	});

	it('analyze(text) composes a letter with combining marks and reports offsets in the original text', () => {
		const text = 'e\u0301te\u0301 ok';
		const tokens = analyze(text, raw);
		expect(tokens.map((t) => t.term)).toEqual(['été', 'ok']);
		expect(tokens.map((t) => [t.start, t.end])).toEqual([[0, 5], [6, 8]]);
	});

	it('analyze(text) gives offsets whose slice is the surface form, through NFKC expansion', () => {
		const text = 'ﬁne ＡＢ, the ﬃ café—Straße (x) ΟΔΟΣ';
		expect(surfaces(text, raw)).toEqual(['ﬁne', 'ＡＢ', 'the', 'ﬃ', 'café', 'Straße', 'x', 'ΟΔΟΣ']);
		for (const token of analyze(text, raw)) {
			expect(normalizeText(text.slice(token.start, token.end)).text).toBe(token.term);
		}
	});

	it('analyze(text) counts stop words in positions but does not emit them', () => {
		const tokens = analyze('The cat and the hat', { stem: false });
		expect(tokens.map((t) => [t.term, t.position])).toEqual([['cat', 1], ['hat', 4]]);
	});

	it('analyze(text, { stopwords }) uses Lucene\'s 33 words by default, none with false, a custom list (any case)', () => {
		expect(LUCENE_ENGLISH_STOP_WORDS).toHaveLength(33);
		expect(terms('this is not a test of them', { stem: false })).toEqual(['test', 'them']);
		expect(terms('this is a test', raw)).toEqual(['this', 'is', 'a', 'test']);
		expect(terms('The Quick fox', { stem: false, stopwords: ['QUICK'] })).toEqual(['the', 'fox']);
	});

	it('analyze(text, { stem }) applies Porter stemming after stop-word removal', () => {
		expect(terms('Running studies generalization caresses', { stopwords: false })).toEqual(['run', 'studi', 'gener', 'caress']);
		expect(terms('Running studies', raw)).toEqual(['running', 'studies']);
		// "was" is a stop word; stemming must not turn another word into a kept stop word form first.
		expect(terms('was thing', { stem: true })).toEqual(['thing']);
	});

	it('analyze(text) returns no tokens for empty or punctuation-only text', () => {
		expect(analyze('')).toEqual([]);
		expect(analyze(' -- / ... !')).toEqual([]);
	});

	it('Analyzer.terms(text) equals the terms of analyze(text)', () => {
		const analyzer = new Analyzer();
		const text = "Déjà vu: the runners' 2nd run, HTTP/2 — ΟΔΟΣ";
		expect(analyzer.terms(text)).toEqual(analyzer.analyze(text).map((t) => t.term));
	});

	it('new Analyzer(options).options fills defaults (stem and Lucene stop words on)', () => {
		expect(new Analyzer().options).toEqual({ stem: true, stopwords: true });
		expect(new Analyzer({ stopwords: ['x'] }).options).toEqual({ stem: true, stopwords: ['x'] });
	});
});

describe('normalizeText(text)', () => {
	it('normalizeText(text) maps every normalised unit back to its source span', () => {
		const n = normalizeText('ＡＢ ﬁx');
		expect(n.text).toBe('ab fix');
		expect(Array.from(n.starts!)).toEqual([0, 1, 2, 3, 3, 4]);
		expect(Array.from(n.ends!)).toEqual([1, 2, 3, 4, 4, 5]);
	});

	it('normalizeText(ascii) lowercases without a map', () => {
		expect(normalizeText('AbC')).toEqual({ text: 'abc', starts: null, ends: null });
	});
});
