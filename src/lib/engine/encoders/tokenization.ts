/**
 * Building model inputs from word pieces, with truncation done the way Hugging Face's Python
 * tokenizers do it: special tokens are kept and only word pieces are cut. (transformers.js truncates
 * the finished sequence, which drops the final [SEP]; that is why latelab does not use it.)
 *
 * The special-token layout is learnt once per tokenizer from a probe (`learnTemplate`), so nothing
 * here hard-codes BERT: `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` for BERT, `<s> A </s></s> B </s>`
 * for RoBERTa-style models.
 *
 * @example
 * // BERT, max length 6: "[CLS] a b c d [SEP]"
 * encodeSingle(template, [1037, 1038, 1039, 1040, 1041], 6).ids // [101, 1037, 1038, 1039, 1040, 102]
 */

/** What the encoders need from a tokenizer (the runtime wraps transformers.js' tokenizer in this). */
export interface PieceTokenizer {
	/** Word-piece ids of `text`, without special tokens. */
	pieces(text: string): number[];
	/** ids and token type ids with the model's special tokens (used only to learn the template). */
	withSpecialTokens(text: string, pair?: string): { ids: number[]; types: number[] };
	/** The id of a vocabulary entry, or undefined. */
	tokenToId(token: string): number | undefined;
	idToToken(id: number): string;
	padId: number;
	unkId: number | undefined;
	maskId: number | undefined;
	/** The tokenizer's own limit (`model_max_length`), Infinity when unset. */
	modelMaxLength: number;
}

/** Special tokens around one text or a pair, with their token type ids. */
export interface SequenceTemplate {
	single: { prefix: number[]; suffix: number[] };
	pair: { prefix: number[]; middle: number[]; suffix: number[]; typeIds: { prefix: number[]; a: number; middle: number[]; b: number; suffix: number[] } };
}

/** Model inputs for one text: ids, attention mask, token type ids (same length). */
export interface EncodedText {
	ids: number[];
	mask: number[];
	types: number[];
}

function indexOfRun(haystack: number[], needle: number[], from: number): number {
	for (let i = from; i + needle.length <= haystack.length; i++) {
		if (needle.every((v, j) => haystack[i + j] === v)) return i;
	}
	return -1;
}

/** Learns where the special tokens go by encoding two probe words with and without them. */
export function learnTemplate(tokenizer: PieceTokenizer): SequenceTemplate {
	const a = tokenizer.pieces('a');
	const b = tokenizer.pieces('b');
	const single = tokenizer.withSpecialTokens('a');
	const at = indexOfRun(single.ids, a, 0);
	const pair = tokenizer.withSpecialTokens('a', 'b');
	const pa = indexOfRun(pair.ids, a, 0);
	const pb = indexOfRun(pair.ids, b, pa + a.length);
	if (a.length === 0 || at < 0 || pa < 0 || pb < 0) {
		throw new Error('cannot learn the special-token template of this tokenizer (probe words "a"/"b" not found)');
	}
	const types = pair.types.length ? pair.types : pair.ids.map(() => 0);
	return {
		single: { prefix: single.ids.slice(0, at), suffix: single.ids.slice(at + a.length) },
		pair: {
			prefix: pair.ids.slice(0, pa),
			middle: pair.ids.slice(pa + a.length, pb),
			suffix: pair.ids.slice(pb + b.length),
			typeIds: { prefix: types.slice(0, pa), a: types[pa], middle: types.slice(pa + a.length, pb), b: types[pb], suffix: types.slice(pb + b.length) }
		}
	};
}

/** `prefix pieces suffix`, keeping at most `maxLength` ids in all. */
export function encodeSingle(template: SequenceTemplate, pieces: number[], maxLength: number): EncodedText {
	const { prefix, suffix } = template.single;
	const kept = pieces.slice(0, Math.max(0, maxLength - prefix.length - suffix.length));
	const ids = [...prefix, ...kept, ...suffix];
	return { ids, mask: ids.map(() => 1), types: ids.map(() => 0) };
}

/**
 * Lengths after "longest_first" truncation of a pair to `budget` pieces, as in huggingface/tokenizers
 * `utils/truncation.rs`: cut only the longer side if that suffices, else split the budget in halves.
 * @example longestFirst(3, 10, 8) // [3, 5]
 */
export function longestFirst(n1: number, n2: number, budget: number): [number, number] {
	if (n1 + n2 <= budget) return [n1, n2];
	const swap = n1 > n2;
	let short = swap ? n2 : n1;
	let long: number;
	long = short > budget ? short : Math.max(short, budget - short);
	if (short + long > budget) {
		short = Math.floor(budget / 2);
		long = short + (budget % 2);
	}
	return swap ? [long, short] : [short, long];
}

/** `[CLS] a [SEP] b [SEP]` (or the model's layout) with token type ids, at most `maxLength` ids. */
export function encodePair(template: SequenceTemplate, a: number[], b: number[], maxLength: number): EncodedText {
	const { prefix, middle, suffix, typeIds } = template.pair;
	const budget = Math.max(0, maxLength - prefix.length - middle.length - suffix.length);
	const [na, nb] = longestFirst(a.length, b.length, budget);
	const ka = a.slice(0, na);
	const kb = b.slice(0, nb);
	const ids = [...prefix, ...ka, ...middle, ...kb, ...suffix];
	const types = [...typeIds.prefix, ...ka.map(() => typeIds.a), ...typeIds.middle, ...kb.map(() => typeIds.b), ...typeIds.suffix];
	return { ids, mask: ids.map(() => 1), types };
}

/**
 * ColBERT input (Stanford ColBERT `QueryTokenizer`/`DocTokenizer`, PyLate `ColBERT.tokenize`): the
 * marker id inserted right after the first special token, pieces truncated so the whole sequence has
 * at most `length` ids; with `padTo`, padded with `padId` ([MASK] for query augmentation) to exactly
 * `length`, attention `padMask` on the padding.
 * @example // BERT query "a b", length 6, [MASK] padding with attention 0:
 * encodeColbert(t, [1037, 1038], 1, 6, { padId: 103, padMask: 0 }) // ids [101, 1, 1037, 1038, 102, 103], mask [1,1,1,1,1,0]
 */
export function encodeColbert(
	template: SequenceTemplate,
	pieces: number[],
	markerId: number,
	length: number,
	pad?: { padId: number; padMask: number }
): EncodedText {
	const { prefix, suffix } = template.single;
	const head = prefix.length ? [prefix[0], markerId, ...prefix.slice(1)] : [markerId];
	const kept = pieces.slice(0, Math.max(0, length - head.length - suffix.length));
	const ids = [...head, ...kept, ...suffix];
	const mask = ids.map(() => 1);
	if (pad) {
		while (ids.length < length) {
			ids.push(pad.padId);
			mask.push(pad.padMask);
		}
	}
	return { ids, mask, types: ids.map(() => 0) };
}

/** Python's `string.punctuation`, one character each: the default ColBERT skiplist words. */
export const PUNCTUATION_CHARS: readonly string[] = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];

/**
 * The skiplist of a ColBERT model: ids of the given words (default: each character of Python's
 * `string.punctuation`) through the model's own tokenizer, as Stanford ColBERT does
 * (`encode(symbol, add_special_tokens=False)[0]`). Words the tokenizer maps to [UNK] are left out:
 * skipping [UNK] would silently drop every unknown word from documents.
 */
export function skiplistIds(tokenizer: PieceTokenizer, words: readonly string[]): Set<number> {
	const ids = new Set<number>();
	for (const word of words) {
		const direct = tokenizer.tokenToId(word);
		const id = direct ?? tokenizer.pieces(word)[0];
		if (id !== undefined && id !== tokenizer.unkId) ids.add(id);
	}
	return ids;
}
