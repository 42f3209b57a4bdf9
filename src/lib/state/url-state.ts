/**
 * The playground's shareable state in the URL fragment (`#s=…`), compressed with lz-string so a query,
 * the panel layout, the selection and even a few pasted documents fit in a link. The fragment never
 * reaches a server, and decoding is tolerant: anything unknown or malformed falls back to a default,
 * because links are user input.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { DEFAULT_PANEL_ORDER, isPanelId } from './panels';
import type { Bm25Params, PanelId } from '../worker/protocol';

export interface UrlState {
	query: string;
	corpus: 'demo' | 'pasted';
	/** Pasted documents (when `corpus` is `pasted` and they fit). */
	pasted?: string;
	/** All panels, in display order. */
	order: PanelId[];
	hidden: PanelId[];
	/** Selected document id (its explanation is open). */
	selected?: string;
	/** Results per panel. */
	k: number;
	/** BM25 parameters when not the defaults. */
	bm25?: Bm25Params;
}

export const DEFAULT_STATE: Readonly<UrlState> = Object.freeze({
	query: '',
	corpus: 'demo',
	order: [...DEFAULT_PANEL_ORDER],
	hidden: [],
	k: 10
});

/** Longest fragment we write; longer pasted text stays out of the URL (the page keeps it locally). */
export const MAX_FRAGMENT = 24_000;

const VERSION = 1;

/**
 * `#s=<lz-string>` for a state, leaving out defaults. Pasted text is dropped when the fragment would
 * exceed `MAX_FRAGMENT`; `pastedOmitted` says so.
 * @example hashFromState({ ...DEFAULT_STATE, query: 'cat' }).hash // '#s=N4Ig…'
 */
export function hashFromState(state: UrlState): { hash: string; pastedOmitted: boolean } {
	const compact: Record<string, unknown> = { v: VERSION };
	if (state.query) compact.q = state.query;
	if (state.corpus !== 'demo') compact.c = state.corpus;
	if (state.order.join() !== DEFAULT_PANEL_ORDER.join()) compact.o = state.order;
	if (state.hidden.length) compact.h = state.hidden;
	if (state.selected) compact.s = state.selected;
	if (state.k !== DEFAULT_STATE.k) compact.k = state.k;
	if (state.bm25) compact.b = [state.bm25.k1, state.bm25.b];
	if (state.pasted) {
		const withText = `#s=${compressToEncodedURIComponent(JSON.stringify({ ...compact, t: state.pasted }))}`;
		if (withText.length <= MAX_FRAGMENT) return { hash: withText, pastedOmitted: false };
	}
	return { hash: `#s=${compressToEncodedURIComponent(JSON.stringify(compact))}`, pastedOmitted: Boolean(state.pasted) };
}

/**
 * The state in a fragment (`#s=…`, with or without `#`); defaults for anything missing or invalid.
 * @example stateFromHash('') // DEFAULT_STATE
 */
export function stateFromHash(hash: string): UrlState {
	const fallback: UrlState = { ...DEFAULT_STATE, order: [...DEFAULT_STATE.order], hidden: [] };
	const match = /(?:^|[#&])s=([^&]*)/.exec(hash);
	if (!match) return fallback;
	let raw: unknown;
	try {
		raw = JSON.parse(decompressFromEncodedURIComponent(match[1]) ?? '');
	} catch {
		return fallback;
	}
	if (!raw || typeof raw !== 'object') return fallback;
	const o = raw as Record<string, unknown>;
	const state = fallback;
	if (typeof o.q === 'string') state.query = o.q.slice(0, 2000);
	if (o.c === 'pasted') state.corpus = 'pasted';
	if (typeof o.t === 'string') state.pasted = o.t;
	if (Array.isArray(o.o)) {
		const listed = o.o.filter(isPanelId).filter((p, i, a) => a.indexOf(p) === i);
		state.order = [...listed, ...DEFAULT_PANEL_ORDER.filter((p) => !listed.includes(p))];
	}
	if (Array.isArray(o.h)) state.hidden = o.h.filter(isPanelId).filter((p, i, a) => a.indexOf(p) === i);
	if (typeof o.s === 'string' && o.s) state.selected = o.s;
	if (typeof o.k === 'number' && Number.isInteger(o.k) && o.k >= 1 && o.k <= 100) state.k = o.k;
	if (Array.isArray(o.b) && o.b.length === 2) {
		const [k1, b] = o.b;
		if (typeof k1 === 'number' && typeof b === 'number' && k1 >= 0 && k1 <= 10 && b >= 0 && b <= 1) state.bm25 = { k1, b };
	}
	return state;
}
