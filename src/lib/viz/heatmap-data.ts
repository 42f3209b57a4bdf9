/** Pure helpers behind the similarity heatmap, kept apart so tests and lessons can call them. */

/** What a query row is: an ordinary token, a marker ([CLS], [Q]) or a ColBERT augmentation [MASK]. */
export type QueryTokenKind = 'token' | 'marker' | 'mask';

/**
 * Index of the largest value in each row of a row-major `nq` x `nd` matrix (first one on ties,
 * -1 for an empty row or a row without finite values): the document token MaxSim picks per query token.
 * @example argmaxPerRow([0.1, 0.9, 0.8, 0.2], 2, 2) // Int32Array [1, 0]
 */
export function argmaxPerRow(scores: ArrayLike<number>, nq: number, nd: number): Int32Array {
	const out = new Int32Array(nq).fill(-1);
	for (let i = 0; i < nq; i++) {
		let best = -Infinity;
		for (let j = 0; j < nd; j++) {
			const v = Number(scores[i * nd + j]);
			if (v > best) {
				best = v;
				out[i] = j;
			}
		}
	}
	return out;
}

/**
 * Guesses row kinds from ColBERT token strings: `[MASK]` rows are augmentation, bracketed specials
 * (`[CLS]`, `[Q]`, `[unused0]`, `<s>`) are markers.
 * @example queryKindsFromTokens(['[CLS]', '[Q]', 'cat', '[MASK]']) // ['marker', 'marker', 'token', 'mask']
 */
export function queryKindsFromTokens(tokens: string[]): QueryTokenKind[] {
	return tokens.map((t) => (t === '[MASK]' ? 'mask' : /^\[[^\]]+\]$|^<\/?s>$/.test(t) ? 'marker' : 'token'));
}
