import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, hashFromState, stateFromHash, type UrlState } from '../../src/lib/state/url-state';
import { panelTitles, shortModelName, titleIn } from '../../src/lib/state/panels';
import { defaultOptions, isPanelId, panelKind, type PanelOptions } from '../../src/lib/engine/panels';

const opts = (o: Partial<PanelOptions> = {}): PanelOptions => ({ ...defaultOptions(), ...o });

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
				colbert: opts({ kernel: 'wasm' }),
				'colbert@2': opts({ kernel: 'js' }),
				'colbert-two-stage': opts({ firstStage: 'dense', depth: 20 }),
				bm25: opts({ stem: false })
			}
		};
		expect(stateFromHash(hashFromState(state).hash)).toEqual(state);
	});

	it('stateFromHash(hashFromState(s)) keeps a PLAID panel\'s Centroids; a link written before the option opens at auto', () => {
		const state: UrlState = { ...base(), options: { colbert: opts({ candidates: 'plaid', centroids: 1024 }) } };
		const { hash } = hashFromState(state);
		const compact = JSON.parse(decompressFromEncodedURIComponent(hash.slice('#s='.length))!);
		expect(compact.p.colbert).toEqual({ cs: 'plaid', ce: 1024 });
		expect(stateFromHash(hash)).toEqual(state);
		const old = `#s=${compressToEncodedURIComponent(JSON.stringify({ ...compact, p: { colbert: { cs: 'plaid' } } }))}`;
		expect(stateFromHash(old).options!.colbert).toEqual(opts({ candidates: 'plaid' }));
		expect(stateFromHash(old).options!.colbert!.centroids).toBe('auto');
	});

	it('hashFromState(s) leaves default options out of the link', () => {
		const plain = hashFromState(base()).hash;
		const withDefaults = hashFromState({ ...base(), options: { colbert: opts(), bm25: opts() } }).hash;
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
		expect(s.options).toEqual({ 'colbert@2': opts(), colbert: opts({ kernel: 'webgpu' }) });
	});

	it('stateFromHash(h) opens a version-1 link (options as [kernel, firstStage, depth] tuples) in the same state as the new format', () => {
		// Written by the encoder before the option schema (version 1).
		const oldRaw = { v: 1, q: 'heart attack', x: [['colbert@2', folded.spec, 'fp32', 'wasm']], p: { colbert: ['wasm', 'bm25', 100], 'cross-encoder': ['auto', 'dense', 20], 'colbert@2': ['js', 'bm25', 50] } };
		const old = stateFromHash(`#s=${compressToEncodedURIComponent(JSON.stringify(oldRaw))}`);
		// Options that never applied to a kind (a depth on full ColBERT) had no effect then and are not kept.
		expect(old.options).toEqual({ colbert: opts({ kernel: 'wasm' }), 'cross-encoder': opts({ firstStage: 'dense', depth: 20 }), 'colbert@2': opts({ kernel: 'js' }) });
		// Written again, the link uses the schema's keys and still opens the same state.
		const again = hashFromState(old).hash;
		expect(stateFromHash(again)).toEqual(old);
		const raw = JSON.parse(decompressFromEncodedURIComponent(again.slice(3)) ?? '{}');
		expect(raw.p).toEqual({ colbert: { k: 'wasm' }, 'cross-encoder': { f: 'dense', d: 20 }, 'colbert@2': { k: 'js' } });
	});

	it('hashFromState(s) writes only the options that apply to a panel kind: a kernel on BM25 or stemming on ColBERT stays out', () => {
		const raw = (state: UrlState) => JSON.parse(decompressFromEncodedURIComponent(hashFromState(state).hash.slice(3)) ?? '{}');
		expect(raw({ ...base(), options: { bm25: opts({ kernel: 'js', stem: false }), colbert: opts({ stem: false, depth: 5 }) } }).p).toEqual({ bm25: { st: false } });
	});
});

describe('panel titles', () => {
	it('panelTitles(added, options, _, precomputed) names ColBERT panels after the corpus vectors they score, not a model they never load; other kinds keep their model', () => {
		const added = [
			{ id: 'colbert@2', kind: 'colbert', model: { ...folded } },
			{ id: 'bi-encoder@2', kind: 'bi-encoder', model: { ...cls } }
		] as const;
		// Every ColBERT panel scores the same vectors, so its differing option names it too.
		const titles = panelTitles([...added], { 'colbert@2': opts({ storage: 'binary' }) }, () => false, 'synthetic pages vectors');
		expect(titles['colbert@2']).toBe('ColBERT (synthetic pages vectors, storage binary)');
		expect(titles['bi-encoder@2']).toBe('Bi-encoder (tiny-bi-encoder-cls)');
	});

	it('panelTitles(added, options) names added panels after their model, then what differs (options, dtype), distinct from every other panel', () => {
		const added = [
			{ id: 'bi-encoder@2', kind: 'bi-encoder', model: { ...cls } },
			{ id: 'bi-encoder@3', kind: 'bi-encoder', model: { ...cls } },
			{ id: 'bi-encoder@4', kind: 'bi-encoder', model: { ...cls, dtype: 'q8' } },
			{ id: 'colbert@2', kind: 'colbert', model: { ...folded } },
			{ id: 'colbert@3', kind: 'colbert', model: { ...folded } }
		] as const;
		const titles = panelTitles([...added], { 'colbert@3': opts({ kernel: 'js' }) });
		expect(titles['bi-encoder@2']).toBe('Bi-encoder (tiny-bi-encoder-cls)');
		expect(titles['bi-encoder@3']).toBe('Bi-encoder (tiny-bi-encoder-cls, fp32)');
		expect(titles['bi-encoder@4']).toBe('Bi-encoder (tiny-bi-encoder-cls, q8)');
		expect(titles['colbert@3']).toBe('ColBERT (tiny-colbert-folded, kernel js)');
		expect(titles['bi-encoder']).toBe('Bi-encoder');
		expect(new Set(Object.values(titles)).size).toBe(Object.values(titles).length);
		// An unknown added id falls back to its kind instead of throwing.
		expect(titleIn(titles, 'colbert@7')).toBe('ColBERT');
	});

	it('isPanelId(v) accepts the default ids and <kind>@<tag>, nothing else', () => {
		expect(['bm25', 'colbert-two-stage', 'colbert@2', 'cross-encoder@a1'].every(isPanelId)).toBe(true);
		expect(['', 'colbert@', 'colbert@<b>', 'dense', 'colbert@2@3', 42].some(isPanelId)).toBe(false);
		expect(panelKind('colbert-two-stage@3')).toBe('colbert-two-stage');
		expect(shortModelName('/models/my-model/')).toBe('my-model');
	});
});
