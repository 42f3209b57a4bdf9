/**
 * The panels on the page: the five default panels (their kind as id) and added instances
 * `{ id: '<kind>@<tag>', kind, model }` that rank with their own model and options. A panel's title
 * (= its `<section aria-label>`) is derived from the kind table (`engine/panels/schema.ts`) and, for
 * an added panel, from what sets it apart: its model, then its dtype, then its options. Pure functions
 * of the added list: `Playground` holds that list and derives the titles from it.
 */
import { KINDS, optionsDiffer, PANEL_KINDS, panelKind, type PanelId, type PanelKind, type PanelOptions } from '../engine/panels';
import type { ModelChoice } from '../worker/neural/protocol';

/** An added panel: a kind and its own model (the default panels use the model bar's model of their role). */
export interface PanelInstance {
	id: PanelId;
	kind: PanelKind;
	model: ModelChoice;
}

/** Kinds a user can add. */
export const ADDABLE_KINDS: readonly PanelKind[] = PANEL_KINDS.filter((k) => KINDS[k].addable);

/** The default order. */
export const DEFAULT_PANEL_ORDER: readonly PanelId[] = PANEL_KINDS;

/** The id for another panel of `kind`: `<kind>@2`, `@3`, … the first not in `order`. */
export function nextPanelId(order: readonly PanelId[], kind: PanelKind): PanelId {
	let n = 2;
	while (order.includes(`${kind}@${n}`)) n++;
	return `${kind}@${n}`;
}

/**
 * `order` with `id` swapped with its visible neighbour on the left (-1) or right (+1); hidden panels
 * keep their places. Unchanged when there is no such neighbour.
 * @example movedAmongVisible(['a', 'h', 'b'], ['a', 'b'], 'a', 1) // ['b', 'h', 'a']
 */
export function movedAmongVisible(order: readonly PanelId[], visible: readonly PanelId[], id: PanelId, direction: -1 | 1): PanelId[] {
	const at = visible.indexOf(id);
	const other = visible[at + direction];
	if (at < 0 || !other) return [...order];
	const moved = [...order];
	const i = moved.indexOf(id);
	const j = moved.indexOf(other);
	[moved[i], moved[j]] = [moved[j], moved[i]];
	return moved;
}

/** A model spec's short name: its last path segment. @example shortModelName('latelab-test/tiny-bi-encoder-cls') // 'tiny-bi-encoder-cls' */
export function shortModelName(spec: string): string {
	const parts = spec.split('/').filter(Boolean);
	return parts[parts.length - 1] ?? spec;
}

/**
 * The title of every added panel, each distinct from every other panel's: `Kind (model)`, then
 * `Kind (model, <options that differ from the defaults>)`, then `Kind (model, dtype)`, then `Kind (model) #tag`;
 * a panel that shares its kind and model with another (`sharesModel`, or another added panel) is titled
 * by its options first ("ColBERT (model, storage binary, rescore 100)"), since they are what sets it apart;
 * earlier panels keep the shorter titles. Default panels are titled after their kind.
 * @example panelTitles([{ id: 'bi-encoder@2', kind: 'bi-encoder', model }], {})['bi-encoder@2'] // 'Bi-encoder (tiny-bi-encoder-cls)'
 */
export function panelTitles(
	added: readonly PanelInstance[],
	options: Partial<Record<PanelId, PanelOptions>>,
	sharesModel: (p: PanelInstance) => boolean = () => false,
	precomputed?: string
): Record<PanelId, string> {
	const titles = Object.fromEntries(PANEL_KINDS.map((k) => [k, KINDS[k].title])) as Record<PanelId, string>;
	const taken = new Set(Object.values(titles));
	for (const p of added) {
		const base = KINDS[p.kind].title;
		// A corpus that brings its own ColBERT vectors runs no ColBERT model: name the vectors, not the model.
		const ownVectors = precomputed !== undefined && KINDS[p.kind].role === 'colbert';
		const name = ownVectors ? precomputed : shortModelName(p.model.spec);
		const tag = p.id.slice(p.id.indexOf('@') + 1);
		const own = options[p.id];
		const differs = own ? optionsDiffer(p.kind, own) : [];
		const withOptions = differs.length ? [`${base} (${name}, ${differs.join(', ')})`] : [];
		// Over precomputed vectors every ColBERT panel scores the same vectors: only its options tell it apart.
		const twin = ownVectors || sharesModel(p) || added.some((o) => o !== p && o.kind === p.kind && o.model.spec === p.model.spec);
		const candidates = twin
			? [...withOptions, `${base} (${name})`, `${base} (${name}, ${p.model.dtype})`, `${base} (${name}) #${tag}`]
			: [`${base} (${name})`, ...withOptions, `${base} (${name}, ${p.model.dtype})`, `${base} (${name}) #${tag}`];
		const title = candidates.find((t) => !taken.has(t)) ?? candidates[candidates.length - 1];
		titles[p.id] = title;
		taken.add(title);
	}
	return titles;
}

/** A panel's title from a title table; an unknown `<kind>@<tag>` falls back to its kind's title, so a stale id never throws. */
export function titleIn(titles: Partial<Record<PanelId, string>>, id: PanelId): string {
	return titles[id] ?? KINDS[panelKind(id)]?.title ?? id;
}
