/**
 * The playground's shareable state in the URL fragment (`#s=…`), compressed with lz-string so a query,
 * the panel layout, the selection and even a few pasted documents fit in a link. The fragment never
 * reaches a server, and decoding is tolerant: anything unknown or malformed falls back to a default,
 * because links are user input.
 *
 * Panel options are written per panel as an object keyed by each option's `link` key from the schema
 * (`p: { colbert: { k: 'wasm' }, bm25: { st: false } }`), only the options that apply and differ from
 * their default, so a new schema entry needs nothing here. Links written before the schema kept a
 * positional tuple `[kernel, firstStage, depth]` per panel; `optionsFromOldTuple` still reads them.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { isAddedPanel, isPanelId, KINDS, optionsFromLink, optionsToLink, panelKind, readOptions, type OptionKey, type PanelId, type PanelKind, type PanelOptions } from '../engine/panels';
import type { Bm25Params } from '../worker/protocol';
import { isDevice, isDtype } from '../worker/neural/protocol';
import { DEFAULT_PANEL_ORDER, type PanelInstance } from './panels';
import { isShippedCollectionId, type ShippedCollectionId } from './shipped-collections';

export interface UrlState {
	query: string;
	/**
	 * The demo corpus, pasted text, a collection served with the app (`shipped-collections.ts`), or an
	 * upload (a file or vectors folder only the browser that uploaded it keeps: `saved-upload.ts`).
	 */
	corpus: 'demo' | 'pasted' | 'upload' | ShippedCollectionId;
	/** Pasted documents (when `corpus` is `pasted` and they fit). */
	pasted?: string;
	/** The upload's name (when `corpus` is `upload`), so a reload loads it only if it is the one kept. */
	upload?: string;
	/** All panels, in display order. */
	order: PanelId[];
	hidden: PanelId[];
	/** Selected document id (its explanation is open). */
	selected?: string;
	/** Results per panel. */
	k: number;
	/** BM25 parameters when not the defaults. */
	bm25?: Bm25Params;
	/** Added panels (more models of a kind), each with its model. */
	added?: PanelInstance[];
	/** Panels' options (every key; only those that apply and differ from the default reach the link). */
	options?: Partial<Record<PanelId, PanelOptions>>;
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

/** 1: options as `[kernel, firstStage, depth]` tuples; 2: options as objects keyed by the schema's link keys. */
const VERSION = 2;

/**
 * `#s=<lz-string>` for a state, leaving out defaults. Pasted text is dropped when the fragment would
 * exceed `MAX_FRAGMENT`; `pastedOmitted` says so.
 * @example hashFromState({ ...DEFAULT_STATE, query: 'cat' }).hash // '#s=N4Ig…'
 */
export function hashFromState(state: UrlState): { hash: string; pastedOmitted: boolean } {
	const compact: Record<string, unknown> = { v: VERSION };
	if (state.query) compact.q = state.query;
	if (state.corpus !== 'demo') compact.c = state.corpus;
	if (state.corpus === 'upload' && state.upload) compact.u = state.upload;
	if (state.order.join() !== DEFAULT_PANEL_ORDER.join()) compact.o = state.order;
	if (state.added?.length) compact.x = state.added.map((p) => [p.id, p.model.spec, p.model.dtype, p.model.device]);
	const options = Object.entries(state.options ?? {}).flatMap(([id, o]) => {
		const link = o ? optionsToLink(panelKind(id as PanelId), o) : undefined;
		return link ? [[id, link] as const] : [];
	});
	if (options.length) compact.p = Object.fromEntries(options);
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
	if (o.c === 'pasted' || o.c === 'upload' || isShippedCollectionId(o.c)) state.corpus = o.c;
	if (state.corpus === 'upload' && typeof o.u === 'string' && o.u) state.upload = o.u.slice(0, 500);
	if (typeof o.t === 'string') state.pasted = o.t;
	const added = Array.isArray(o.x) ? addedFrom(o.x) : [];
	if (added.length) state.added = added;
	const known: PanelId[] = [...DEFAULT_PANEL_ORDER, ...added.map((p) => p.id)];
	const listed = (Array.isArray(o.o) ? o.o : []).filter((p): p is PanelId => isPanelId(p) && known.includes(p)).filter((p, i, a) => a.indexOf(p) === i);
	if (Array.isArray(o.o) || added.length) state.order = [...listed, ...known.filter((p) => !listed.includes(p))];
	if (Array.isArray(o.h)) state.hidden = o.h.filter((p): p is PanelId => isPanelId(p) && known.includes(p)).filter((p, i, a) => a.indexOf(p) === i);
	if (o.p && typeof o.p === 'object' && !Array.isArray(o.p)) {
		const options: Partial<Record<PanelId, PanelOptions>> = {};
		for (const [id, v] of Object.entries(o.p as Record<string, unknown>)) {
			if (!isPanelId(id) || !known.includes(id)) continue;
			if (Array.isArray(v)) options[id] = optionsFromOldTuple(panelKind(id), v);
			else if (v && typeof v === 'object') options[id] = optionsFromLink(panelKind(id), v as Record<string, unknown>);
		}
		if (Object.keys(options).length) state.options = options;
	}
	if (typeof o.s === 'string' && o.s) state.selected = o.s;
	if (typeof o.k === 'number' && Number.isInteger(o.k) && o.k >= 1 && o.k <= 100) state.k = o.k;
	if (Array.isArray(o.b) && o.b.length === 2) {
		const [k1, b] = o.b;
		if (typeof k1 === 'number' && typeof b === 'number' && k1 >= 0 && k1 <= 10 && b >= 0 && b <= 1) state.bm25 = { k1, b };
	}
	return state;
}

/** The options a version-1 link's tuple held, in order. */
const OLD_TUPLE: readonly OptionKey[] = ['kernel', 'firstStage', 'depth'];

/**
 * A version-1 link's options tuple `[kernel, firstStage, depth]` (written before the option schema),
 * read as the schema reads a new link: valid values of options that apply to `kind`, defaults for the rest.
 * @example optionsFromOldTuple('colbert-two-stage', ['wasm', 'dense', 20]) // { ...defaultOptions(), kernel: 'wasm', firstStage: 'dense', depth: 20 }
 */
export function optionsFromOldTuple(kind: PanelKind, tuple: readonly unknown[]): PanelOptions {
	return readOptions(kind, (key) => (OLD_TUPLE.includes(key) ? tuple[OLD_TUPLE.indexOf(key)] : undefined));
}

/** Added panels from `x`: `[id, spec, dtype, device]` entries; malformed or repeated ones are dropped. */
function addedFrom(list: unknown[]): PanelInstance[] {
	const out: PanelInstance[] = [];
	for (const entry of list.slice(0, 32)) {
		if (!Array.isArray(entry)) continue;
		const [id, spec, dtype, device] = entry;
		if (!isPanelId(id) || !isAddedPanel(id) || out.some((p) => p.id === id)) continue;
		if (typeof spec !== 'string' || !spec.trim() || spec.length > 300) continue;
		if (!isDtype(dtype) || !isDevice(device)) continue;
		const kind = panelKind(id);
		if (!KINDS[kind].addable) continue;
		out.push({ id, kind, model: { spec, dtype, device } });
	}
	return out;
}
