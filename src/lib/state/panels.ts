/**
 * The panels of the playground: one entry per ranker, with the accessible name its `<section>` gets
 * and the model role it needs. The five default panels have their kind as id; more panels of a kind
 * (another model to compare) are added as instances `{ id: '<kind>@<tag>', kind, model }` and
 * registered here, so `PANELS[id]` names any panel on the page. Adding a kind starts here (see README.md).
 */
import type { ModelRole } from '../engine/pipelines/registry';
import { PANEL_IDS, panelKind, type PanelId, type PanelKind } from '../worker/protocol';
import type { ModelChoice } from '../worker/neural/protocol';

export interface PanelDefinition {
	id: PanelId;
	/** Heading and `aria-label` of the panel's `<section>`. */
	title: string;
	/** One line under the heading. */
	blurb: string;
	/** Model needed before the panel can search; absent for BM25. */
	role?: ModelRole;
}

/** An added panel: a kind and its own model (the default panels use the model bar's model of their role). */
export interface PanelInstance {
	id: PanelId;
	kind: PanelKind;
	model: ModelChoice;
}

const KINDS: Record<PanelKind, PanelDefinition> = {
	bm25: { id: 'bm25', title: 'BM25', blurb: 'Exact terms, weighted by rarity. No model.' },
	'bi-encoder': { id: 'bi-encoder', title: 'Bi-encoder', blurb: 'One vector per text; cosine similarity.', role: 'bi-encoder' },
	'cross-encoder': { id: 'cross-encoder', title: 'Cross-encoder', blurb: 'Reads query and document together; reranks a first stage.', role: 'cross-encoder' },
	colbert: { id: 'colbert', title: 'ColBERT', blurb: 'One vector per token; MaxSim over all documents.', role: 'colbert' },
	'colbert-two-stage': { id: 'colbert-two-stage', title: 'ColBERT two-stage', blurb: 'First-stage candidates, reranked by MaxSim.', role: 'colbert' }
};

/** Kinds a user can add (BM25 has one setting, shared: a second BM25 panel would be identical). */
export const ADDABLE_KINDS: readonly PanelKind[] = ['bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'];

const added = new Map<PanelId, PanelDefinition>();

/**
 * Every panel's definition by id: the default kinds and the registered added panels (an unknown
 * `<kind>@<tag>` falls back to its kind's entry, so a stale id never throws).
 * @example PANELS['colbert'].title // 'ColBERT'
 */
export const PANELS: Record<PanelId, PanelDefinition> = new Proxy(KINDS as Record<PanelId, PanelDefinition>, {
	get(target, key) {
		if (typeof key !== 'string') return undefined;
		return added.get(key as PanelId) ?? target[key as PanelKind] ?? (isPanelId(key) ? { ...KINDS[panelKind(key)], id: key } : undefined);
	}
});

/** The definition of a kind. */
export const KIND_DEFINITIONS: Readonly<Record<PanelKind, PanelDefinition>> = KINDS;

/** A model spec's short name: its last path segment. @example shortModelName('latelab-test/tiny-bi-encoder-cls') // 'tiny-bi-encoder-cls' */
export function shortModelName(spec: string): string {
	const parts = spec.split('/').filter(Boolean);
	return parts[parts.length - 1] ?? spec;
}

/**
 * Registers an added panel under a title no other panel has: `Kind (model)`, then `Kind (model, dtype)`,
 * then `Kind (model) #tag`. Returns the definition.
 * @example registerPanel({ id: 'bi-encoder@2', kind: 'bi-encoder', model }).title // 'Bi-encoder (tiny-bi-encoder-cls)'
 */
export function registerPanel(instance: PanelInstance): PanelDefinition {
	const base = KINDS[instance.kind];
	const taken = new Set([...Object.values(KINDS), ...added.values()].filter((d) => d.id !== instance.id).map((d) => d.title));
	const name = shortModelName(instance.model.spec);
	const tag = instance.id.slice(instance.id.indexOf('@') + 1);
	const candidates = [`${base.title} (${name})`, `${base.title} (${name}, ${instance.model.dtype})`, `${base.title} (${name}) #${tag}`];
	const title = candidates.find((t) => !taken.has(t)) ?? candidates[2];
	const def: PanelDefinition = { ...base, id: instance.id, title };
	added.set(instance.id, def);
	return def;
}

/** Forgets an added panel. */
export function unregisterPanel(id: PanelId): void {
	added.delete(id);
}

/** How a model role is named in prose. */
export const ROLE_NAMES: Record<ModelRole, string> = { 'bi-encoder': 'bi-encoder', 'cross-encoder': 'cross-encoder', colbert: 'ColBERT' };

/** The default order. */
export const DEFAULT_PANEL_ORDER: readonly PanelId[] = PANEL_IDS;

const ID_PATTERN = new RegExp(`^(${PANEL_IDS.join('|')})(@[a-z0-9]{1,8})?$`);

/** True for a default panel id or a well-formed added one (`<kind>@<tag>`; URL input is untrusted). */
export function isPanelId(value: unknown): value is PanelId {
	return typeof value === 'string' && ID_PATTERN.test(value);
}
