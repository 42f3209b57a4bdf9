/**
 * NeuralHost with several models of a role at once (added panels): each panel ranks with the model
 * key it names, added panels get their own runners, and `keep` / `remove-panel` free what the page no
 * longer uses. Tiny generated models behind the mock Hub, in Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectType, nodeNeuralHost } from '../helpers';
import { MemoryStore } from '../../../src/lib/engine/store/store';
import { EngineCore } from '../../../src/lib/worker/engine-core';
import { Evaluator } from '../../../src/lib/worker/evaluate';
import { defaultOptions } from '../../../src/lib/engine/panels';
import { modelKey, type ModelChoice } from '../../../src/lib/worker/neural/protocol';
import type { EngineResponse } from '../../../src/lib/worker/protocol';
import { FIXTURE_MODELS, startHubContext, type HubContext } from '../../engine/encoders/helpers';

let ctx: HubContext;
let core: EngineCore;
let nextId = 1;
const QUERY = 'heart attack symptoms';
const options = { ...defaultOptions(), kernel: 'js' as const, depth: 50 };
const mean: ModelChoice = { spec: FIXTURE_MODELS.biEncoder, dtype: 'fp32', device: 'wasm' };
const cls: ModelChoice = { spec: FIXTURE_MODELS.biEncoderCls, dtype: 'fp32', device: 'wasm' };
const meanKey = modelKey('bi-encoder', mean);
const clsKey = modelKey('bi-encoder', cls);

function send(body: Record<string, unknown>): Promise<EngineResponse> {
	return core.handle({ ...body, id: nextId++ } as never);
}


beforeAll(async () => {
	ctx = await startHubContext();
	core = new EngineCore({
		extensions: [
			(c) =>
				nodeNeuralHost(c, new MemoryStore()),
			(c) => new Evaluator(c)
		]
	});
	await send({ type: 'configure-hub', hub: { remoteHost: ctx.hub.url } });
	expectType(await send({ type: 'load-corpus', source: { kind: 'demo' } }), 'corpus-loaded');
}, 60_000);

afterAll(async () => {
	await ctx?.close();
});

describe('NeuralHost with several models per role', () => {
	it('prepare-panel with a model key ranks each panel with its own bi-encoder; remove-panel and keep free them', async () => {
		expectType(await send({ type: 'load-model', role: 'bi-encoder', choice: mean, keep: [meanKey] }), 'model-loaded');
		expectType(await send({ type: 'load-model', role: 'bi-encoder', choice: cls, keep: [meanKey, clsKey] }), 'model-loaded');
		// Asking again for a loaded key reuses it.
		const again = expectType(await send({ type: 'load-model', role: 'bi-encoder', choice: cls, keep: [meanKey, clsKey] }), 'model-loaded');
		expect(again.info.fromCache).toBe(true);

		expectType(await send({ type: 'prepare-panel', panel: 'bi-encoder', options, model: meanKey }), 'panel-prepared');
		expectType(await send({ type: 'prepare-panel', panel: 'bi-encoder@2', options, model: clsKey }), 'panel-prepared');
		const a = expectType(await send({ type: 'search', panel: 'bi-encoder', query: QUERY, k: 10 }), 'search-result');
		const b = expectType(await send({ type: 'search', panel: 'bi-encoder@2', query: QUERY, k: 10 }), 'search-result');
		expect(a.hits).toHaveLength(10);
		expect(b.hits).toHaveLength(10);
		// Mean and CLS pooling give different vectors, so different scores for the same documents.
		expect(a.hits.map((h) => `${h.id}:${h.score.toFixed(5)}`)).not.toEqual(b.hits.map((h) => `${h.id}:${h.score.toFixed(5)}`));
		// The dense explanation of the added panel adds up to that panel's score (or says why not: CLS pooling).
		const e = expectType(await send({ type: 'explain-neural', panel: 'bi-encoder@2', query: QUERY, docId: b.hits[0].id }), 'neural-explanation');
		expect(e.view.kind).toBe('dense');

		// The evaluation view runs added panels through the same runners.
		const report = expectType(await send({ type: 'evaluate', panels: ['bi-encoder', 'bi-encoder@2'], baseline: 'bi-encoder' }), 'evaluation').report;
		expect(report.panels.map((p) => p.panel)).toEqual(['bi-encoder', 'bi-encoder@2']);

		expectType(await send({ type: 'remove-panel', panel: 'bi-encoder@2' }), 'panel-removed');
		expectType(await send({ type: 'search', panel: 'bi-encoder@2', query: QUERY, k: 3 }), 'error');

		// Preparing it again and then loading with a keep list without its model drops that panel only.
		expectType(await send({ type: 'prepare-panel', panel: 'bi-encoder@2', options, model: clsKey }), 'panel-prepared');
		expectType(await send({ type: 'load-model', role: 'bi-encoder', choice: mean, keep: [meanKey] }), 'model-loaded');
		expectType(await send({ type: 'search', panel: 'bi-encoder@2', query: QUERY, k: 3 }), 'error');
		expectType(await send({ type: 'search', panel: 'bi-encoder', query: QUERY, k: 3 }), 'search-result');
		// A prepare naming a model that is not loaded says what to do.
		const missing = expectType(await send({ type: 'prepare-panel', panel: 'bi-encoder@2', options, model: clsKey }), 'error');
		expect(missing.error.message).toContain('load a bi-encoder model');
	}, 90_000);
});
