/**
 * The one owner of explanations: the BM25 terms of the selected document and each neural panel's
 * view of it (MaxSim matrix, per-token shares, occlusion). `Playground.select` and every new search
 * call `open`, which asks for the BM25 terms and for the chosen ColBERT and bi-encoder panels' views;
 * occlusion (slow: one model call per word group) is asked for on demand. An explanation is keyed by
 * (document, query, extra), so asking again for the one on screen costs nothing.
 */
import { KINDS, panelKind, type PanelId } from '../engine/panels';
import type { EngineFailure, EngineProgress, EngineResponse } from '../worker/protocol';
import type { NeuralExplanationView } from '../worker/neural/protocol';
import type { EngineClient } from './engine-client.svelte';

export type Bm25Explanation = Extract<EngineResponse, { type: 'bm25-explanation' }>;

export type DetailStatus =
	| { kind: 'none' }
	| { kind: 'loading'; docId: string }
	| { kind: 'ready'; docId: string; bm25: Bm25Explanation }
	| { kind: 'error'; docId: string; failure: EngineFailure };

export type ExplainStatus =
	| { kind: 'none' }
	| { kind: 'loading'; key: string; progress?: EngineProgress }
	| { kind: 'ready'; key: string; view: NeuralExplanationView }
	| { kind: 'error'; key: string; failure: EngineFailure };

/** The groups of neural explanations: one chosen panel each. */
export type ExplainGroup = 'colbert' | 'dense' | 'cross';

/** The group of a panel, from its kind. @example explainGroup('colbert-two-stage@2') // 'colbert' */
export function explainGroup(panel: PanelId): ExplainGroup | undefined {
	const kind = KINDS[panelKind(panel)];
	if (kind.lateInteraction) return 'colbert';
	if (kind.pipeline === 'dense') return 'dense';
	if (kind.pipeline === 'cross') return 'cross';
	return undefined;
}

/** The key an explanation belongs to. */
export const explainKey = (docId: string, query: string, extra = '') => `${docId}\u0000${query}\u0000${extra}`;

const NONE: ExplainStatus = { kind: 'none' };

export class Explanations {
	readonly #client: EngineClient;
	/** The selected document's BM25 terms. */
	bm25 = $state.raw<DetailStatus>({ kind: 'none' });
	/** Each neural panel's explanation. */
	neural = $state.raw<Record<PanelId, ExplainStatus>>({} as Record<PanelId, ExplainStatus>);
	/** The panel chosen per group when several can explain. */
	chosen = $state.raw<Partial<Record<ExplainGroup, PanelId>>>({});

	constructor(client: EngineClient) {
		this.#client = client;
	}

	/** The panel of `group` to explain among `ready` ones: the chosen one if ready, else the first. */
	pick(group: ExplainGroup, ready: readonly PanelId[]): PanelId | undefined {
		const list = ready.filter((p) => explainGroup(p) === group);
		const chosen = this.chosen[group];
		return chosen && list.includes(chosen) ? chosen : list[0];
	}

	choose(group: ExplainGroup, panel: PanelId): void {
		this.chosen = { ...this.chosen, [group]: panel };
	}

	/** Explains `docId` for `query`: BM25 terms and the automatic neural views (ColBERT, bi-encoder) of the `ready` panels. */
	async open(docId: string, query: string, ready: readonly PanelId[]): Promise<void> {
		const neural = (['colbert', 'dense'] as const).map((g) => this.pick(g, ready)).filter((p): p is PanelId => p !== undefined);
		await Promise.all([this.#bm25(docId, query), ...(query ? neural.map((p) => this.explainNeural(p, docId, query)) : [])]);
	}

	async #bm25(docId: string, query: string): Promise<void> {
		this.bm25 = { kind: 'loading', docId };
		const r = await this.#client.explainBm25(query, docId);
		const now = this.bm25 as DetailStatus;
		// Another document was selected meanwhile: its own request sets the status.
		if (r.type === 'cancelled' || (now.kind !== 'none' && now.docId !== docId)) return;
		if (r.type === 'error') this.bm25 = { kind: 'error', docId, failure: r.error };
		else if (r.type === 'bm25-explanation') this.bm25 = { kind: 'ready', docId, bm25: r };
	}

	of(panel: PanelId): ExplainStatus {
		return this.neural[panel] ?? NONE;
	}

	/** Asks the worker for one panel's explanation of `docId` for `query` (occlusion: `maxVariants`). */
	async explainNeural(panel: PanelId, docId: string, query: string, maxVariants?: number): Promise<void> {
		const key = explainKey(docId, query, maxVariants ? String(maxVariants) : '');
		const current = this.of(panel);
		if (current.kind !== 'none' && current.kind !== 'error' && current.key === key) return;
		const set = (s: ExplainStatus) => (this.neural = { ...this.neural, [panel]: s });
		set({ kind: 'loading', key });
		const r = await this.#client.send(`explain:${panel}`, { type: 'explain-neural', panel, docId, query, ...(maxVariants ? { maxVariants } : {}) }, (progress) =>
			set({ kind: 'loading', key, progress })
		);
		if (r.type === 'cancelled') {
			if ((this.of(panel) as { key?: string }).key === key) set(NONE);
			return;
		}
		if (r.type === 'error') set({ kind: 'error', key, failure: r.error });
		else if (r.type === 'neural-explanation') set({ kind: 'ready', key, view: r.view });
	}

	cancelNeural(panel: PanelId): void {
		this.#client.cancelChannel(`explain:${panel}`);
	}

	/** Forgets the BM25 terms (selection closed). */
	close(): void {
		this.bm25 = { kind: 'none' };
	}

	/** Forgets every neural explanation (the corpus changed). */
	forgetNeural(): void {
		this.neural = {} as Record<PanelId, ExplainStatus>;
	}
}
