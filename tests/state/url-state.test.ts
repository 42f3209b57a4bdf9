import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, hashFromState, MAX_FRAGMENT, stateFromHash, type UrlState } from '../../src/lib/state/url-state';

describe('url-state', () => {
	it('stateFromHash(hashFromState(s)) restores query, corpus, pasted text, panel order, hidden panels, selection and k', () => {
		const state: UrlState = {
			query: 'heart attack symptoms <script>',
			corpus: 'pasted',
			pasted: 'first doc\nsecond doc with <img src=x onerror=alert(1)>',
			order: ['colbert', 'bm25', 'bi-encoder', 'cross-encoder', 'colbert-two-stage'],
			hidden: ['cross-encoder'],
			selected: 'doc-2',
			k: 20
		};
		const { hash, pastedOmitted } = hashFromState(state);
		expect(hash.startsWith('#s=')).toBe(true);
		expect(pastedOmitted).toBe(false);
		expect(stateFromHash(hash)).toEqual(state);
	});

	it('stateFromHash(hashFromState(s)) restores a shipped collection as the corpus; an id the app does not ship falls back to the demo corpus', () => {
		const state: UrlState = { ...DEFAULT_STATE, order: [...DEFAULT_STATE.order], hidden: [], corpus: 'synthetic-pages', query: 'green star' };
		expect(stateFromHash(hashFromState(state).hash)).toEqual(state);
		const forged = hashFromState({ ...state, corpus: 'elsewhere' as UrlState['corpus'] }).hash;
		expect(stateFromHash(forged).corpus).toBe('demo');
	});

	it('stateFromHash(hashFromState(s)) restores an upload with its name; the name is dropped for other corpora', () => {
		const state: UrlState = { ...DEFAULT_STATE, order: [...DEFAULT_STATE.order], hidden: [], corpus: 'upload', upload: 'scifact.zip', query: 'q' };
		expect(stateFromHash(hashFromState(state).hash)).toEqual(state);
		expect(stateFromHash(hashFromState({ ...state, corpus: 'demo' }).hash).upload).toBeUndefined();
	});

	it('hashFromState(default) stays short', () => {
		expect(hashFromState({ ...DEFAULT_STATE, order: [...DEFAULT_STATE.order], hidden: [] }).hash.length).toBeLessThan(20);
	});

	it('hashFromState(s) leaves pasted text that is too long out of the URL and says so', () => {
		let text = '';
		let seed = 1;
		while (text.length < MAX_FRAGMENT * 3) {
			seed = (seed * 48271) % 2147483647;
			text += seed.toString(36);
		}
		const { hash, pastedOmitted } = hashFromState({ ...DEFAULT_STATE, order: [...DEFAULT_STATE.order], hidden: [], corpus: 'pasted', pasted: text, query: 'q' });
		expect(pastedOmitted).toBe(true);
		expect(hash.length).toBeLessThanOrEqual(MAX_FRAGMENT);
		const back = stateFromHash(hash);
		expect(back.corpus).toBe('pasted');
		expect(back.pasted).toBeUndefined();
		expect(back.query).toBe('q');
	});

	it('stateFromHash(garbage) falls back to defaults instead of throwing', () => {
		expect(stateFromHash('#s=%%%not-lz')).toEqual(DEFAULT_STATE);
		expect(stateFromHash('')).toEqual(DEFAULT_STATE);
		expect(stateFromHash('#other=1')).toEqual(DEFAULT_STATE);
	});

	it('stateFromHash(h) drops unknown panels and duplicates and appends missing panels to the order', () => {
		const { hash } = hashFromState({ ...DEFAULT_STATE, hidden: [], order: ['colbert', 'bm25'] as never });
		const back = stateFromHash(hash);
		expect(back.order).toEqual(['colbert', 'bm25', 'bi-encoder', 'cross-encoder', 'colbert-two-stage']);
	});
});

describe('url-state bm25', () => {
	it('stateFromHash(hashFromState(s)) keeps BM25 parameters and drops out-of-range ones', () => {
		const base = { ...DEFAULT_STATE, order: [...DEFAULT_STATE.order], hidden: [] };
		expect(stateFromHash(hashFromState({ ...base, bm25: { k1: 1.2, b: 0.75 } }).hash).bm25).toEqual({ k1: 1.2, b: 0.75 });
		expect(stateFromHash(hashFromState({ ...base, bm25: { k1: 1.2, b: 7 } }).hash).bm25).toBeUndefined();
	});
});
