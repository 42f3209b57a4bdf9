import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, hashFromState, stateFromHash, type UrlState } from '../../src/lib/state/url-state';
import { isPanelId, PANELS, registerPanel, shortModelName, unregisterPanel } from '../../src/lib/state/panels';
import { panelKind, type PanelId } from '../../src/lib/worker/protocol';

const base = (): UrlState => ({ ...DEFAULT_STATE, order: [...DEFAULT_STATE.order], hidden: [] });
const cls = { spec: 'latelab-test/tiny-bi-encoder-cls', dtype: 'fp32', device: 'wasm' } as const;
const folded = { spec: 'latelab-test/tiny-colbert-folded', dtype: 'fp32', device: 'wasm' } as const;

describe('url-state added panels and options', () => {
	it('stateFromHash(hashFromState(s)) restores added panels with their models, their place in the order, hidden ones and every panel option', () => {
		const state: UrlState = {
			...base(),
			query: 'heart attack',
			order: ['bm25', 'bi-encoder@2', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert@2', 'colbert-two-stage'],
			hidden: ['cross-encoder', 'colbert@2'],
			added: [
				{ id: 'bi-encoder@2', kind: 'bi-encoder', model: { ...cls } },
				{ id: 'colbert@2', kind: 'colbert', model: { ...folded } }
			],
			options: {
				colbert: { kernel: 'wasm', firstStage: 'bm25', depth: 100 },
				'colbert@2': { kernel: 'js', firstStage: 'bm25', depth: 100 },
				'colbert-two-stage': { kernel: 'auto', firstStage: 'dense', depth: 20 }
			}
		};
		expect(stateFromHash(hashFromState(state).hash)).toEqual(state);
	});

	it('hashFromState(s) leaves default options out of the link', () => {
		const plain = hashFromState(base()).hash;
		const withDefaults = hashFromState({ ...base(), options: { colbert: { kernel: 'auto', firstStage: 'bm25', depth: 100 } } }).hash;
		expect(withDefaults).toBe(plain);
		expect(stateFromHash(withDefaults).options).toBeUndefined();
	});

	it('stateFromHash(h) still opens a link made before panels could be added (version 1, no x or p)', () => {
		// Written by the previous encoder: order, hidden, selection, k, BM25 parameters.
		const old = `#s=${compressToEncodedURIComponent(JSON.stringify({ v: 1, q: 'cat', o: ['colbert', 'bm25'], h: ['cross-encoder'], s: 'd1', k: 20, b: [1.2, 0.75] }))}`;
		const s = stateFromHash(old);
		expect(s.query).toBe('cat');
		expect(s.order).toEqual(['colbert', 'bm25', 'bi-encoder', 'cross-encoder', 'colbert-two-stage']);
		expect(s.hidden).toEqual(['cross-encoder']);
		expect(s.selected).toBe('d1');
		expect(s.k).toBe(20);
		expect(s.bm25).toEqual({ k1: 1.2, b: 0.75 });
		expect(s.added).toBeUndefined();
	});

	it('stateFromHash(h) drops malformed added panels, options of unknown panels and out-of-range values', () => {
		const raw = {
			v: 1,
			o: ['colbert@9', 'bm25'],
			x: [
				['colbert@2', folded.spec, 'fp32', 'wasm'],
				['colbert@2', folded.spec, 'fp32', 'wasm'], // repeated
				['bm25@2', 'x/y', 'fp32', 'wasm'], // BM25 has no model
				['bi-encoder@3', cls.spec, 'fp64', 'wasm'], // unknown dtype
				['<img onerror=1>@2', cls.spec, 'fp32', 'wasm'],
				'nonsense'
			],
			p: { 'colbert@2': ['quantum', 'dense', 5000], 'colbert@9': ['js', 'bm25', 10], colbert: ['webgpu', 'bm25', 50] }
		};
		const s = stateFromHash(`#s=${compressToEncodedURIComponent(JSON.stringify(raw))}`);
		expect(s.added).toEqual([{ id: 'colbert@2', kind: 'colbert', model: { ...folded } }]);
		expect(s.order).toEqual(['bm25', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage', 'colbert@2']);
		expect(s.options).toEqual({ 'colbert@2': { kernel: 'auto', firstStage: 'dense', depth: 100 }, colbert: { kernel: 'webgpu', firstStage: 'bm25', depth: 50 } });
	});
});

describe('panels registry', () => {
	it('registerPanel(p) names an added panel after its model, distinct from every other panel', () => {
		const a = registerPanel({ id: 'bi-encoder@2', kind: 'bi-encoder', model: { ...cls } });
		const b = registerPanel({ id: 'bi-encoder@3', kind: 'bi-encoder', model: { ...cls } });
		const c = registerPanel({ id: 'bi-encoder@4', kind: 'bi-encoder', model: { ...cls, dtype: 'q8' } });
		try {
			expect(a.title).toBe('Bi-encoder (tiny-bi-encoder-cls)');
			expect(b.title).toBe('Bi-encoder (tiny-bi-encoder-cls, fp32)');
			expect(c.title).toBe('Bi-encoder (tiny-bi-encoder-cls, q8)');
			expect(PANELS['bi-encoder@2' as PanelId].title).toBe(a.title);
			expect(PANELS['bi-encoder'].title).toBe('Bi-encoder');
			expect(PANELS['bi-encoder@2'].role).toBe('bi-encoder');
		} finally {
			for (const id of ['bi-encoder@2', 'bi-encoder@3', 'bi-encoder@4'] as PanelId[]) unregisterPanel(id);
		}
		// An unregistered added id falls back to its kind instead of throwing.
		expect(PANELS['colbert@7'].title).toBe('ColBERT');
	});

	it('isPanelId(v) accepts the default ids and <kind>@<tag>, nothing else', () => {
		expect(['bm25', 'colbert-two-stage', 'colbert@2', 'cross-encoder@a1'].every(isPanelId)).toBe(true);
		expect(['', 'colbert@', 'colbert@<b>', 'dense', 'colbert@2@3', 42].some(isPanelId)).toBe(false);
		expect(panelKind('colbert-two-stage@3')).toBe('colbert-two-stage');
		expect(shortModelName('/models/my-model/')).toBe('my-model');
	});
});
