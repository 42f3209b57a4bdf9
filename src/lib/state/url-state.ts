/**
 * The playground's shareable state in the URL fragment (`#s=…`), compressed with lz-string so a query,
 * the panel layout, the selection and even a few pasted documents fit in a link. The fragment never
 * reaches a server, and decoding is tolerant: anything unknown or malformed falls back to a default,
 * because links are user input.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { DEFAULT_PANEL_ORDER, isPanelId, type PanelInstance } from './panels';
import { panelKind, type Bm25Params, type PanelId } from '../worker/protocol';
import { DEVICES, DTYPES, FIRST_STAGE_CHOICES, KERNELS, type Device, type Dtype, type FirstStageChoice, type KernelChoice } from '../worker/neural/protocol';

/** The settings of a neural panel that the link keeps (kernel of ColBERT panels, first stage and depth of rerankers). */
export interface PanelOptions {
	kernel: KernelChoice;
	firstStage: FirstStageChoice;
	depth: number;
}

export const DEFAULT_PANEL_OPTIONS: Readonly<PanelOptions> = Object.freeze({ kernel: 'auto', firstStage: 'bm25', depth: 100 });

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
	/** Added panels (more models of a kind), each with its model. */
	added?: PanelInstance[];
	/** Neural panels' options that differ from `DEFAULT_PANEL_OPTIONS`. */
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
	if (state.added?.length) compact.x = state.added.map((p) => [p.id, p.model.spec, p.model.dtype, p.model.device]);
	const options = Object.entries(state.options ?? {}).filter(([, o]) => o && !sameOptions(o, DEFAULT_PANEL_OPTIONS));
	if (options.length) compact.p = Object.fromEntries(options.map(([id, o]) => [id, [o!.kernel, o!.firstStage, o!.depth]]));
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
	const added = Array.isArray(o.x) ? addedFrom(o.x) : [];
	if (added.length) state.added = added;
	const known: PanelId[] = [...DEFAULT_PANEL_ORDER, ...added.map((p) => p.id)];
	const listed = (Array.isArray(o.o) ? o.o : []).filter((p): p is PanelId => isPanelId(p) && known.includes(p)).filter((p, i, a) => a.indexOf(p) === i);
	if (Array.isArray(o.o) || added.length) state.order = [...listed, ...known.filter((p) => !listed.includes(p))];
	if (Array.isArray(o.h)) state.hidden = o.h.filter((p): p is PanelId => isPanelId(p) && known.includes(p)).filter((p, i, a) => a.indexOf(p) === i);
	if (o.p && typeof o.p === 'object' && !Array.isArray(o.p)) {
		const options: Partial<Record<PanelId, PanelOptions>> = {};
		for (const [id, v] of Object.entries(o.p as Record<string, unknown>)) {
			if (!isPanelId(id) || !known.includes(id) || !Array.isArray(v)) continue;
			const [kernel, firstStage, depth] = v;
			options[id] = {
				kernel: (KERNELS as readonly unknown[]).includes(kernel) ? (kernel as KernelChoice) : DEFAULT_PANEL_OPTIONS.kernel,
				firstStage: (FIRST_STAGE_CHOICES as readonly unknown[]).includes(firstStage) ? (firstStage as FirstStageChoice) : DEFAULT_PANEL_OPTIONS.firstStage,
				depth: typeof depth === 'number' && Number.isInteger(depth) && depth >= 1 && depth <= 1000 ? depth : DEFAULT_PANEL_OPTIONS.depth
			};
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

function sameOptions(a: PanelOptions, b: PanelOptions): boolean {
	return a.kernel === b.kernel && a.firstStage === b.firstStage && a.depth === b.depth;
}

/** Added panels from `x`: `[id, spec, dtype, device]` entries; malformed or repeated ones are dropped. */
function addedFrom(list: unknown[]): PanelInstance[] {
	const out: PanelInstance[] = [];
	for (const entry of list.slice(0, 32)) {
		if (!Array.isArray(entry)) continue;
		const [id, spec, dtype, device] = entry;
		if (!isPanelId(id) || !id.includes('@') || out.some((p) => p.id === id)) continue;
		if (typeof spec !== 'string' || !spec.trim() || spec.length > 300) continue;
		if (!(DTYPES as readonly unknown[]).includes(dtype) || !(DEVICES as readonly unknown[]).includes(device)) continue;
		const kind = panelKind(id);
		if (kind === 'bm25') continue;
		out.push({ id, kind, model: { spec, dtype: dtype as Dtype, device: device as Device } });
	}
	return out;
}
