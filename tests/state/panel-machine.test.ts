import { describe, expect, it } from 'vitest';
import { initialPanelStatus, panelResultOf, shownResult, transition, type PanelResult, type PanelStatus } from '../../src/lib/state/panel-machine';

const result: PanelResult = { query: 'cat', hits: [{ id: 'a', rank: 1, score: 1.5, title: 'A', snippet: '' }], timings: [], kernel: 'BM25', judged: 0 };
const failure = { code: 'EMPTY_CORPUS', message: 'no documents found', fix: 'Paste a document.' };

describe('panel-machine', () => {
	it('transition(idle, search) -> searching -> ready on result', () => {
		const searching = transition({ kind: 'idle' }, { type: 'search', query: 'cat' });
		expect(searching).toEqual({ kind: 'searching', query: 'cat' });
		expect(transition(searching, { type: 'result', result })).toEqual({ kind: 'ready', result });
	});

	it('transition(ready, search) keeps the previous result on screen while searching', () => {
		const s = transition({ kind: 'ready', result }, { type: 'search', query: 'dog' });
		expect(s).toEqual({ kind: 'searching', query: 'dog', previous: result });
		expect(shownResult(s)).toBe(result);
	});

	it('transition(searching, failed) -> error with cause and fix, keeping the previous result', () => {
		const s = transition({ kind: 'searching', query: 'dog', previous: result }, { type: 'failed', failure });
		expect(s).toEqual({ kind: 'error', failure, previous: result });
	});

	it('transition(needs-model, search) waits for the model; progress -> loading; model-ready -> idle', () => {
		let s: PanelStatus = transition({ kind: 'idle' }, { type: 'model-missing', role: 'colbert', message: 'choose a ColBERT model' });
		expect(s.kind).toBe('needs-model');
		expect(transition(s, { type: 'search', query: 'x' })).toBe(s);
		s = transition(s, { type: 'progress', progress: { stage: 'download', done: 5, total: 10, unit: 'files' } });
		expect(s).toEqual({ kind: 'loading', stage: 'download', done: 5, total: 10, unit: 'files' });
		expect(transition(s, { type: 'model-ready' })).toEqual({ kind: 'idle' });
	});

	it('transition(loading, result) ignores a stray result', () => {
		const loading: PanelStatus = { kind: 'loading', stage: 'download', done: 1, total: 2, unit: 'files' };
		expect(transition(loading, { type: 'result', result })).toBe(loading);
	});

	it('transition(error, search) retries; reset -> idle', () => {
		const s = transition({ kind: 'error', failure }, { type: 'search', query: 'cat' });
		expect(s).toEqual({ kind: 'searching', query: 'cat' });
		expect(transition(s, { type: 'reset' })).toEqual({ kind: 'idle' });
	});

	it('initialPanelStatus: BM25 starts idle, a neural panel (default or added) waits for its model and says how to get one', () => {
		expect(initialPanelStatus('bm25')).toEqual({ kind: 'idle' });
		const colbert = initialPanelStatus('colbert@2');
		expect(colbert).toMatchObject({ kind: 'needs-model', role: 'colbert' });
		expect(colbert.kind === 'needs-model' && colbert.message).toMatch(/ColBERT model.*model bar.*Load/);
		expect(initialPanelStatus('cross-encoder')).toMatchObject({ kind: 'needs-model', role: 'cross-encoder' });
	});

	it('panelResultOf keeps the worker\'s stages and appends the page round trip; optional fields only when given', () => {
		const answer = { type: 'search-result' as const, id: 3, panel: 'bm25' as const, query: 'cat', hits: result.hits, timings: [{ stage: 'bm25', ms: 1.5 }], kernel: 'BM25', judged: 0 };
		const r = panelResultOf(answer, 4.25);
		expect(r.timings).toEqual([{ stage: 'bm25', ms: 1.5 }, { stage: 'round trip (page)', ms: 4.25 }]);
		expect(r).not.toHaveProperty('queryId');
		expect(r).not.toHaveProperty('drift');
		expect(r).not.toHaveProperty('panel');
		expect(panelResultOf({ ...answer, queryId: 'q1' }, 1).queryId).toBe('q1');
	});
});
