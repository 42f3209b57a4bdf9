/**
 * The panels of the playground: one entry per ranker, with the accessible name its `<section>` gets
 * and the model role it needs. Adding a panel starts here (see README.md beside this file).
 */
import type { ModelRole } from '../engine/pipelines/registry';
import { PANEL_IDS, type PanelId } from '../worker/protocol';

export interface PanelDefinition {
	id: PanelId;
	/** Heading and `aria-label` of the panel's `<section>`. */
	title: string;
	/** One line under the heading. */
	blurb: string;
	/** Model needed before the panel can search; absent for BM25. */
	role?: ModelRole;
}

export const PANELS: Record<PanelId, PanelDefinition> = {
	bm25: { id: 'bm25', title: 'BM25', blurb: 'Exact terms, weighted by rarity. No model.' },
	'bi-encoder': { id: 'bi-encoder', title: 'Bi-encoder', blurb: 'One vector per text; cosine similarity.', role: 'bi-encoder' },
	'cross-encoder': { id: 'cross-encoder', title: 'Cross-encoder', blurb: 'Reads query and document together; reranks a first stage.', role: 'cross-encoder' },
	colbert: { id: 'colbert', title: 'ColBERT', blurb: 'One vector per token; MaxSim over all documents.', role: 'colbert' },
	'colbert-two-stage': { id: 'colbert-two-stage', title: 'ColBERT two-stage', blurb: 'BM25 candidates, reranked by MaxSim.', role: 'colbert' }
};

/** How a model role is named in prose. */
export const ROLE_NAMES: Record<ModelRole, string> = { 'bi-encoder': 'bi-encoder', 'cross-encoder': 'cross-encoder', colbert: 'ColBERT' };

/** The default order. */
export const DEFAULT_PANEL_ORDER: readonly PanelId[] = PANEL_IDS;

/** True for a known panel id (URL input is untrusted). */
export function isPanelId(value: unknown): value is PanelId {
	return typeof value === 'string' && (PANEL_IDS as readonly string[]).includes(value);
}
