import { stemmer } from 'stemmer';
import { normalizeText } from './normalize';
import { LUCENE_ENGLISH_STOP_WORDS } from './stopwords';

/**
 * The lexical analyzer behind BM25, modelled on Lucene's `EnglishAnalyzer` as Anserini/Pyserini use
 * it (StandardTokenizer -> possessive filter -> lowercase -> stop words -> Porter stemmer):
 *
 * 1. **Normalise**: Unicode NFKC, then lowercase ("Ｆｕｌｌ" -> "full", "ﬁ" -> "fi", "É" -> "é").
 * 2. **Tokenise**: runs of letters, combining marks and digits (`\p{L}\p{M}\p{N}`), so accented
 *    words, Greek, Cyrillic and digits are tokens and a run of CJK characters is one token (Lucene's
 *    UAX#29 tokenizer would split CJK into single ideographs). Inside a run, as in UAX#29:
 *    - `.` `'` `’` join two letters ("u.s.a", "don't", "o'neil");
 *    - `.` `,` `'` `’` join two digits ("3.14", "1,000"); so "v8.1" stays one token;
 *    - `_` joins anything ("max_sim");
 *    - everything else splits: "HTTP/2" -> "http" "2", "CVE-2021-44228" -> "cve" "2021" "44228",
 *      "fig.2" -> "fig" "2", "e.g." -> "e.g".
 * 3. **Possessives**: a trailing "'s" is dropped ("Lucene's" -> "lucene"), like `EnglishPossessiveFilter`.
 *    After a digit the apostrophe splits, as in UAX#29: "BM25's" -> "bm25" "s".
 * 4. **Stop words** (default on): Lucene's 33 English stop words, or your own list.
 * 5. **Stemming** (default on): Porter (1980) via the `stemmer` package, as Lucene's `PorterStemFilter`.
 *
 * Offsets are UTF-16 indices into the text as given (before normalisation), end exclusive, so
 * `text.slice(start, end)` is the surface form to shade. `position` counts every token, stop words
 * included, as Lucene's position increments do.
 */
export interface AnalyzerOptions {
	/** Porter stemming. Default true (Pyserini's BEIR "flat" indexes stem). */
	stem?: boolean;
	/** true: Lucene's English list (default); false: keep every token; a list: these words (any case). */
	stopwords?: boolean | string[];
}

/** One analysed token: `term` is the indexed form, `[start, end)` its span in the input text. */
export interface Token {
	term: string;
	start: number;
	end: number;
	position: number;
}

/** The defaults, chosen to reproduce Pyserini's BM25 "flat" runs. */
export const DEFAULT_ANALYZER_OPTIONS: Readonly<Required<AnalyzerOptions>> = Object.freeze({ stem: true, stopwords: true });

/** Fills in defaults; a stop-word list is copied so later edits by the caller do not leak in. */
export function resolveAnalyzerOptions(options: AnalyzerOptions = {}): Required<AnalyzerOptions> {
	const stopwords = options.stopwords ?? DEFAULT_ANALYZER_OPTIONS.stopwords;
	return { stem: options.stem ?? DEFAULT_ANALYZER_OPTIONS.stem, stopwords: Array.isArray(stopwords) ? [...stopwords] : stopwords };
}

const WORD = '[\\p{L}\\p{M}\\p{N}]';
const TOKEN = new RegExp(
	`${WORD}+(?:(?:(?<=[\\p{L}\\p{M}])['.\\u2019](?=[\\p{L}\\p{M}])|(?<=\\p{N})[.,'\\u2019](?=\\p{N})|_(?=${WORD}))${WORD}+)*`,
	'gu'
);
// Vocabularies of big corpora stay well under this; the cap only bounds memory on adversarial input.
const CACHE_LIMIT = 500_000;

// Ends in "'s" or "’s" after at least one character (a token never starts with an apostrophe).
function isPossessive(surface: string): boolean {
	const n = surface.length;
	if (n < 3 || surface.charCodeAt(n - 1) !== 0x73) return false;
	const apostrophe = surface.charCodeAt(n - 2);
	return apostrophe === 0x27 || apostrophe === 0x2019;
}

/**
 * A configured analyzer. Reuse one instance: it caches stems.
 * @example
 * new Analyzer().analyze("The cat's HTTP/2 logs")
 * // [{ term: 'cat', start: 4, end: 7, position: 1 }, { term: 'http', start: 10, end: 14, position: 2 },
 * //  { term: '2', start: 15, end: 16, position: 3 }, { term: 'log', start: 17, end: 21, position: 4 }]
 */
export class Analyzer {
	readonly options: Required<AnalyzerOptions>;
	private readonly stopSet: Set<string>;
	// surface form -> indexed term, or null for a stop word: one hash lookup per token.
	private readonly cache = new Map<string, string | null>();

	constructor(options: AnalyzerOptions = {}) {
		this.options = resolveAnalyzerOptions(options);
		const { stopwords } = this.options;
		const list = stopwords === true ? LUCENE_ENGLISH_STOP_WORDS : stopwords === false ? [] : stopwords;
		this.stopSet = new Set(list.map((word) => normalizeText(word).text));
	}

	/** Tokens with offsets into `text`, in text order. */
	analyze(text: string): Token[] {
		const tokens: Token[] = [];
		this.scan(text, (term, start, end, position) => tokens.push({ term, start, end, position }));
		return tokens;
	}

	/** Just the terms, in text order (what the index stores). */
	terms(text: string): string[] {
		const terms: string[] = [];
		this.scan(text, (term) => terms.push(term));
		return terms;
	}

	private scan(text: string, emit: (term: string, start: number, end: number, position: number) => void): void {
		const { text: normalized, starts, ends } = normalizeText(text);
		let position = 0;
		TOKEN.lastIndex = 0;
		for (let match = TOKEN.exec(normalized); match !== null; match = TOKEN.exec(normalized)) {
			let surface = match[0];
			const from = match.index;
			if (isPossessive(surface)) surface = surface.slice(0, -2);
			const to = from + surface.length;
			const current = position++;
			const term = this.term(surface);
			if (term !== null) emit(term, starts ? starts[from] : from, ends ? ends[to - 1] : to, current);
		}
	}

	private term(surface: string): string | null {
		let term = this.cache.get(surface);
		if (term === undefined) {
			term = this.stopSet.has(surface) ? null : this.options.stem ? stemmer(surface) : surface;
			if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
			this.cache.set(surface, term);
		}
		return term;
	}
}

/**
 * One-off analysis with a fresh analyzer; build an `Analyzer` once when analysing many texts.
 * @example analyze('Running CVE-2021-44228', { stopwords: false }).map((t) => t.term) // ['run', 'cve', '2021', '44228']
 */
export function analyze(text: string, options: AnalyzerOptions = {}): Token[] {
	return new Analyzer(options).analyze(text);
}
