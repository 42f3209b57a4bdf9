/**
 * Each panel's life as a small state machine, kept pure so every transition is tested:
 *
 *   idle ──query──▶ searching ──result──▶ ready ──query──▶ searching …
 *     │                 └──failed──▶ error (cause + fix) ──query──▶ searching
 *     └─(no model)─▶ needs-model ──load──▶ loading (progress) ──loaded──▶ idle / searching
 *                                              └──failed──▶ error
 *
 * A panel keeps its last result while a new search runs (`searching.previous`) so lists do not flash.
 */
import { kindOf, ROLE_NAMES, type PanelId } from '../engine/panels';
import type { ModelRole } from '../engine/pipelines/registry';
import type { EngineFailure, EngineProgress, EngineResponse } from '../worker/protocol';

/** What a finished search gives a panel: the worker's `search-result` without its envelope. */
export type PanelResult = Pick<Extract<EngineResponse, { type: 'search-result' }>, 'query' | 'hits' | 'timings' | 'kernel' | 'queryId' | 'judged' | 'drift'>;

export type PanelStatus =
	| { kind: 'idle' }
	| { kind: 'needs-model'; role: ModelRole; message: string }
	| { kind: 'loading'; stage: string; done: number; total: number; unit: EngineProgress['unit'] }
	| { kind: 'searching'; query: string; previous?: PanelResult }
	| { kind: 'ready'; result: PanelResult }
	| { kind: 'error'; failure: EngineFailure; previous?: PanelResult };

export type PanelEvent =
	| { type: 'model-missing'; role: ModelRole; message: string }
	| { type: 'progress'; progress: Pick<EngineProgress, 'stage' | 'done' | 'total' | 'unit'> }
	| { type: 'model-ready' }
	| { type: 'search'; query: string }
	| { type: 'result'; result: PanelResult }
	| { type: 'failed'; failure: EngineFailure }
	| { type: 'reset' };

/** A panel's first status: a neural panel waits for its model (loaded from the model bar or the link); BM25 is idle. */
export function initialPanelStatus(id: PanelId): PanelStatus {
	const role = kindOf(id).role;
	return role
		? { kind: 'needs-model', role, message: `Needs a ${ROLE_NAMES[role]} model: choose one in the model bar and press Load. BM25 works without one.` }
		: { kind: 'idle' };
}

/** A panel's result from the worker's answer, with the page's round trip (ask to answer) as a last stage. */
export function panelResultOf(r: Extract<EngineResponse, { type: 'search-result' }>, roundTripMs: number): PanelResult {
	return {
		query: r.query,
		hits: r.hits,
		timings: [...r.timings, { stage: 'round trip (page)', ms: roundTripMs }],
		kernel: r.kernel,
		judged: r.judged,
		...(r.queryId ? { queryId: r.queryId } : {}),
		...(r.drift ? { drift: r.drift } : {})
	};
}

/** The last result a status still shows, if any. */
export function shownResult(status: PanelStatus): PanelResult | undefined {
	if (status.kind === 'ready') return status.result;
	if (status.kind === 'searching' || status.kind === 'error') return status.previous;
	return undefined;
}

/**
 * The next status. Events that make no sense in a state leave it unchanged (e.g. a late `result`
 * while the panel waits for its model), so stray messages cannot corrupt a panel.
 * @example transition({ kind: 'idle' }, { type: 'search', query: 'cat' }) // { kind: 'searching', query: 'cat' }
 */
export function transition(status: PanelStatus, event: PanelEvent): PanelStatus {
	switch (event.type) {
		case 'reset':
			return { kind: 'idle' };
		case 'model-missing':
			return { kind: 'needs-model', role: event.role, message: event.message };
		case 'progress':
			if (status.kind === 'ready' || status.kind === 'searching') return status;
			return { kind: 'loading', ...event.progress };
		case 'model-ready':
			return status.kind === 'loading' || status.kind === 'needs-model' ? { kind: 'idle' } : status;
		case 'search': {
			if (status.kind === 'needs-model' || status.kind === 'loading') return status;
			const previous = shownResult(status);
			return previous ? { kind: 'searching', query: event.query, previous } : { kind: 'searching', query: event.query };
		}
		case 'result':
			if (status.kind !== 'searching') return status;
			return { kind: 'ready', result: event.result };
		case 'failed': {
			const previous = shownResult(status);
			return previous ? { kind: 'error', failure: event.failure, previous } : { kind: 'error', failure: event.failure };
		}
	}
}
