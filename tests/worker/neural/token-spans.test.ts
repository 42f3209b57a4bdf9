import { describe, expect, it } from 'vitest';
import { isSpecialToken, tokenSpans } from '../../../src/lib/worker/neural/token-spans';

describe('tokenSpans(text, tokens)', () => {
	it('tokenSpans(text, tokens) places word pieces on the original characters and skips specials', () => {
		const text = 'Mars, the red planet';
		const spans = tokenSpans(text, ['[CLS]', 'mars', 'the', 're', '##d', 'planet', '[SEP]']);
		expect(spans).toEqual([null, [0, 4], [6, 9], [10, 12], [12, 13], [14, 20], null]);
		expect(spans.filter(Boolean).map((s) => text.slice(s![0], s![1]))).toEqual(['Mars', 'the', 're', 'd', 'planet']);
	});

	it('tokenSpans(text, tokens) folds case and accents as BERT-uncased does', () => {
		const text = 'Café AU LAIT';
		expect(tokenSpans(text, ['cafe', 'au', 'lait'])).toEqual([[0, 4], [5, 7], [8, 12]]);
	});

	it('tokenSpans(text, tokens) leaves a piece that is not in the text unplaced and keeps the order', () => {
		const spans = tokenSpans('alpha beta gamma', ['alpha', 'zeta', 'gamma', 'alpha']);
		expect(spans[0]).toEqual([0, 5]);
		expect(spans[1]).toBeNull();
		expect(spans[2]).toEqual([11, 16]);
		// No earlier 'alpha' may be reused after the cursor moved past it.
		expect(spans[3]).toBeNull();
	});

	it('isSpecialToken(token) is true for bracketed markers and false for words and pieces', () => {
		expect(['[CLS]', '[unused0]', '[MASK]', '<s>', '</s>'].every(isSpecialToken)).toBe(true);
		expect(['cat', '##s', '[', 'a]'].some(isSpecialToken)).toBe(false);
	});
});
