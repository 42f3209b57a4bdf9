/**
 * Where each word piece of a model's tokenisation sits in the original text, so token-level weights
 * (MaxSim choices, pooled contributions) can be shaded on the text people read. The tokenizer's own
 * offsets are not available through the encoders, so pieces are found again: both sides are
 * lower-cased and stripped of accents (as BERT-uncased does), then each piece is searched left to
 * right from the end of the previous one. Specials (`[CLS]`, `[D]`, `[unused1]`, `[UNK]`) and pieces
 * not found nearby get no span; nothing is ever placed out of order.
 */

/** Characters between two consecutive pieces beyond which a match is treated as a mismatch. */
const MAX_GAP = 48;

interface Folded {
	/** Lower-cased, accent-stripped text. */
	text: string;
	/** For each character of `text`, its index in the original text. */
	origin: number[];
}

function fold(text: string): Folded {
	let out = '';
	const origin: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		// Keep surrogate pairs together: they fold to themselves.
		const ch = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? text.slice(i, i + 2) : text[i];
		const folded = ch.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
		for (const c of folded) {
			out += c;
			for (let k = 0; k < c.length; k++) origin.push(i);
		}
		if (ch.length === 2) i++;
	}
	return { text: out, origin };
}

/** True for tokens that have no characters in the text (`[CLS]`, `[Q]`, `[unused0]`, `<s>`, `[UNK]`). */
export function isSpecialToken(token: string): boolean {
	return /^\[[^\]]*\]$/.test(token) || /^<\/?[a-z]*>$/.test(token);
}

/**
 * Character span `[start, end)` of every token in `text`, or null when the token has none.
 * @example tokenSpans('Mars, the red planet', ['[CLS]', 'mars', 'the', 're', '##d', 'planet'])
 * // [null, [0, 4], [6, 9], [10, 12], [12, 13], [14, 20]]
 */
export function tokenSpans(text: string, tokens: readonly string[]): ([number, number] | null)[] {
	const { text: folded, origin } = fold(text);
	const out: ([number, number] | null)[] = [];
	let cursor = 0;
	for (const token of tokens) {
		if (isSpecialToken(token)) {
			out.push(null);
			continue;
		}
		const piece = (token.startsWith('##') ? token.slice(2) : token).normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
		const at = piece ? folded.indexOf(piece, cursor) : -1;
		if (at < 0 || at - cursor > MAX_GAP) {
			out.push(null);
			continue;
		}
		const end = at + piece.length;
		out.push([origin[at], origin[end - 1] + 1]);
		cursor = end;
	}
	return out;
}
