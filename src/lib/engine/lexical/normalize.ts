/**
 * Text normalisation for the analyzer: Unicode NFKC, then lowercase, keeping a map from every
 * UTF-16 unit of the normalised string back to the original text, so tokens found in the
 * normalised string can be shaded in the text the user sees.
 */

/** A normalised string and, per normalised UTF-16 unit `i`, the original span `[starts[i], ends[i])`. */
export interface NormalizedText {
	text: string;
	/** `null` when the normalised string has the same length and layout as the input (pure ASCII). */
	starts: Int32Array | null;
	ends: Int32Array | null;
}

const NON_ASCII = /[^\x00-\x7f]/;
// A piece is normalised on its own: an ASCII run not followed by a combining mark, or one base
// character with its combining marks (NFKC composes within such a cluster), or stray marks.
const PIECE = /([\x00-\x7f]+(?!\p{M}))|\P{M}\p{M}*|\p{M}+/gu;

/**
 * NFKC + lowercase with an offset map. Pieces are normalised one at a time (a base character plus
 * its combining marks), which equals whole-string NFKC except for sequences that compose across
 * base characters (conjoining Hangul jamo), and lowercases each piece alone as Lucene's
 * `LowerCaseFilter` does per code point (so a word-final capital sigma becomes "σ", not "ς").
 *
 * Shapes: `starts.length === ends.length === text.length` (normalised length) when not null.
 * @example
 * const n = normalizeText('ＡＢ ﬁx');  // full-width letters and the "fi" ligature
 * n.text                             // 'ab fix'
 * [n.starts![3], n.ends![4]]         // [3, 4]: "f" and "i" both come from the ligature at 3
 */
export function normalizeText(input: string): NormalizedText {
	if (!NON_ASCII.test(input)) return { text: input.toLowerCase(), starts: null, ends: null };
	const parts: string[] = [];
	// Plain Int32Array: `grow` replaces them (TS >= 5.7 would otherwise pin the literal's ArrayBuffer type).
	let starts: Int32Array = new Int32Array(input.length + 16);
	let ends: Int32Array = new Int32Array(input.length + 16);
	let length = 0;
	PIECE.lastIndex = 0;
	for (let match = PIECE.exec(input); match !== null; match = PIECE.exec(input)) {
		const piece = match[0];
		const start = match.index;
		const end = start + piece.length;
		const ascii = match[1] !== undefined;
		const normalized = ascii ? piece.toLowerCase() : piece.normalize('NFKC').toLowerCase();
		if (length + normalized.length > starts.length) {
			const capacity = Math.max(starts.length * 2, length + normalized.length);
			starts = grow(starts, capacity);
			ends = grow(ends, capacity);
		}
		for (let i = 0; i < normalized.length; i++) {
			// ASCII keeps a one-to-one layout; anything else maps each output unit to the whole piece.
			starts[length + i] = ascii ? start + i : start;
			ends[length + i] = ascii ? start + i + 1 : end;
		}
		length += normalized.length;
		parts.push(normalized);
	}
	return { text: parts.join(''), starts: starts.subarray(0, length), ends: ends.subarray(0, length) };
}

function grow(array: Int32Array, capacity: number): Int32Array {
	const next = new Int32Array(capacity);
	next.set(array);
	return next;
}
