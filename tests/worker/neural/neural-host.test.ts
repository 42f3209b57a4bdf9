/**
 * NeuralHost in Node on the generated tiny models behind the mock Hub: what the browser worker does,
 * minus the browser (MemoryStore instead of IndexedDB, cpu instead of wasm). Scores and explanations
 * are checked against each other (an explanation must add up to the score the panel showed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectType, nodeNeuralHost } from '../helpers';
import { MemoryStore } from '../../../src/lib/engine/store/store';
import { EngineCore } from '../../../src/lib/worker/engine-core';
import { defaultOptions } from '../../../src/lib/engine/panels';
import type { EngineProgress, EngineResponse } from '../../../src/lib/worker/protocol';
import { FIXTURE_MODELS, startHubContext, type HubContext } from '../../engine/encoders/helpers';

let ctx: HubContext;
let core: EngineCore;
const store = new MemoryStore();
let nextId = 1;
const QUERY = 'heart attack symptoms';
const options = { ...defaultOptions(), kernel: 'js' as const, depth: 50 };

function send(body: Record<string, unknown>, onProgress?: (p: EngineProgress) => void): Promise<EngineResponse> {
	return core.handle({ ...body, id: nextId++ } as never, onProgress);
}


beforeAll(async () => {
	ctx = await startHubContext();
	core = new EngineCore({
		extensions: [
			(c) =>
				nodeNeuralHost(c, store)
		]
	});
	await send({ type: 'configure-hub', hub: { remoteHost: ctx.hub.url } });
	expectType(await send({ type: 'load-corpus', source: { kind: 'demo' } }), 'corpus-loaded');
}, 60_000);

afterAll(async () => {
	await ctx?.close();
});

describe('NeuralHost', () => {
	it('load-model reports per-file and total download progress and describes the model', async () => {
		const events: EngineProgress[] = [];
		const r = expectType(await send({ type: 'load-model', role: 'colbert', choice: { spec: FIXTURE_MODELS.colbertPylate, dtype: 'fp32', device: 'wasm' } }, (p) => events.push(p)), 'model-loaded');
		expect(r.info.details).toContain('query 32 tokens with [MASK] augmentation');
		const downloads = events.filter((e) => e.unit === 'bytes' && e.file);
		expect(new Set(downloads.map((e) => e.file))).toContain('onnx/model.onnx');
		const last = downloads[downloads.length - 1];
		expect(last.done).toBe(last.total);
		expect(last.total).toBeGreaterThan(0);
	});

	it('prepare-panel encodes the corpus once: the second ColBERT panel reads every batch from the store', async () => {
		const progress: EngineProgress[] = [];
		const first = expectType(await send({ type: 'prepare-panel', panel: 'colbert', options }, (p) => progress.push(p)), 'panel-prepared');
		expect(first.stats.batchesEncoded).toBe(Math.ceil(first.stats.docs / 32));
		expect(first.stats.batchesFromStore).toBe(0);
		// The expected size is said before encoding as information, not as a warning.
		expect(first.stats.info).toEqual([expect.stringMatching(new RegExp(`^${first.stats.docs} documents encoded with .* take about .* in `))]);
		expect(first.stats.warnings.filter((w) => w.includes('documents encoded with'))).toEqual([]);
		expect(first.stats.kernel).toMatch(/^js/);
		const docs = progress.filter((p) => p.unit === 'docs');
		expect(docs[docs.length - 1].done).toBe(first.stats.docs);
		expect(docs.some((p) => (p.rate ?? 0) > 0)).toBe(true);
		const second = expectType(await send({ type: 'prepare-panel', panel: 'colbert-two-stage', options }), 'panel-prepared');
		expect(second.stats.batchesEncoded).toBe(0);
		expect(second.stats.batchesFromStore).toBe(first.stats.batchesEncoded);
		expect(second.stats.info).toEqual([]);
	}, 60_000);

	it('search on a prepared ColBERT panel names its kernel, and the explanation adds up to the shown score', async () => {
		const r = expectType(await send({ type: 'search', panel: 'colbert', query: QUERY, k: 5 }), 'search-result');
		expect(r.hits).toHaveLength(5);
		expect(r.kernel).toMatch(/^js/);
		expect(r.timings.map((t) => t.stage)).toEqual(expect.arrayContaining(['encode-query', 'maxsim']));
		const e = expectType(await send({ type: 'explain-neural', panel: 'colbert', query: QUERY, docId: r.hits[0].id }), 'neural-explanation');
		if (e.view.kind !== 'colbert') throw new Error('expected a colbert view');
		expect(e.view.score).toBeCloseTo(r.hits[0].score, 4);
		expect(e.view.contributions.reduce((s, v) => s + v, 0)).toBeCloseTo(r.hits[0].score, 4);
		expect(e.view.augmentation.filter(Boolean).length).toBeGreaterThan(0);
		expect(e.view.scores.length).toBe(e.view.nq * e.view.nd);
		const two = expectType(await send({ type: 'search', panel: 'colbert-two-stage', query: QUERY, k: 5 }), 'search-result');
		expect(two.kernel).toContain('bm25 top 50');
	}, 60_000);

	it('prepare-panel gives a BM25 first stage the BM25 panel\'s k1 and b, so the two-stage panel reranks exactly its list', async () => {
		const bm25 = { k1: 2, b: 1, stem: true };
		expectType(await send({ type: 'configure-bm25', params: bm25 }), 'bm25-configured');
		expectType(await send({ type: 'prepare-panel', panel: 'colbert-two-stage', options: { ...options, depth: 3 }, bm25 }), 'panel-prepared');
		// On this query k1 2, b 1 changes BM25's top 3 (astro-04 drops out, wild-09 comes in) against the defaults.
		const query = 'planets of the solar system';
		const lexical = expectType(await send({ type: 'search', panel: 'bm25', query, k: 3 }), 'search-result');
		expect(lexical.hits.map((h) => h.id)).toContain('wild-09');
		const two = expectType(await send({ type: 'search', panel: 'colbert-two-stage', query, k: 3 }), 'search-result');
		expect(new Set(two.hits.map((h) => h.id))).toEqual(new Set(lexical.hits.map((h) => h.id)));
		expectType(await send({ type: 'configure-bm25', params: { k1: 0.9, b: 0.4, stem: true } }), 'bm25-configured');
		expectType(await send({ type: 'prepare-panel', panel: 'colbert-two-stage', options }), 'panel-prepared');
	}, 60_000);

	it('the bi-encoder explanation splits the cosine exactly, and cross-encoder occlusion reports its progress', async () => {
		expectType(await send({ type: 'load-model', role: 'bi-encoder', choice: { spec: FIXTURE_MODELS.biEncoder, dtype: 'fp32', device: 'wasm' } }), 'model-loaded');
		expectType(await send({ type: 'prepare-panel', panel: 'bi-encoder', options }), 'panel-prepared');
		const dense = expectType(await send({ type: 'search', panel: 'bi-encoder', query: QUERY, k: 3 }), 'search-result');
		const de = expectType(await send({ type: 'explain-neural', panel: 'bi-encoder', query: QUERY, docId: dense.hits[0].id }), 'neural-explanation');
		if (de.view.kind !== 'dense' || !de.view.applicable) throw new Error('expected an applicable dense view');
		expect(de.view.values.reduce((s, v) => s + v, 0)).toBeCloseTo(dense.hits[0].score, 4);

		expectType(await send({ type: 'load-model', role: 'cross-encoder', choice: { spec: FIXTURE_MODELS.crossEncoder, dtype: 'fp32', device: 'wasm' } }), 'model-loaded');
		const prepared = expectType(await send({ type: 'prepare-panel', panel: 'cross-encoder', options: { ...options, firstStage: 'dense' } }), 'panel-prepared');
		expect(prepared.stats.batchesEncoded).toBe(0);
		const cross = expectType(await send({ type: 'search', panel: 'cross-encoder', query: QUERY, k: 3 }), 'search-result');
		expect(cross.kernel).toBe('cross-encoder over dense top 50');
		const events: EngineProgress[] = [];
		const oe = expectType(await send({ type: 'explain-neural', panel: 'cross-encoder', query: QUERY, docId: cross.hits[0].id, maxVariants: 8 }, (p) => events.push(p)), 'neural-explanation');
		if (oe.view.kind !== 'occlusion') throw new Error('expected occlusion');
		expect(oe.view.score).toBeCloseTo(cross.hits[0].score, 4);
		expect(oe.view.evaluations).toBeLessThanOrEqual(9);
		expect(events[events.length - 1]).toMatchObject({ stage: 'occlusion', done: oe.view.evaluations, total: oe.view.evaluations });
	}, 90_000);

	it('reloading a role drops its panels until they are prepared again', async () => {
		expectType(await send({ type: 'load-model', role: 'bi-encoder', choice: { spec: FIXTURE_MODELS.biEncoder, dtype: 'fp32', device: 'wasm' } }), 'model-loaded');
		const r = expectType(await send({ type: 'search', panel: 'bi-encoder', query: QUERY, k: 3 }), 'error');
		expect(r.error.message).toContain('not ready yet');
		// The cross-encoder used the bi-encoder as its first stage, so it is dropped too.
		expectType(await send({ type: 'search', panel: 'cross-encoder', query: QUERY, k: 3 }), 'error');
	}, 60_000);

	it('load-model from an unreachable Hub fails with OFFLINE and the fix, and BM25 keeps answering', async () => {
		await send({ type: 'configure-hub', hub: { remoteHost: 'http://127.0.0.1:9/' } });
		const r = expectType(await send({ type: 'load-model', role: 'cross-encoder', choice: { spec: 'latelab-test/not-cached', dtype: 'fp32', device: 'wasm' } }), 'error');
		expect(r.error.code).toBe('OFFLINE');
		expect(r.error.fix).toContain('Cannot reach 127.0.0.1:9 — connect, or use a local model folder');
		expect(r.error.fix).toContain('static/models/');
		expect(expectType(await send({ type: 'search', panel: 'bm25', query: QUERY, k: 3 }), 'search-result').hits.length).toBeGreaterThan(0);
		await send({ type: 'configure-hub', hub: { remoteHost: ctx.hub.url } });
	}, 30_000);

	it('a new corpus makes prepared panels refuse to search until prepared for it', async () => {
		expectType(await send({ type: 'load-corpus', source: { kind: 'pasted', text: 'one document\n\nanother document' } }), 'corpus-loaded');
		const r = expectType(await send({ type: 'search', panel: 'colbert', query: 'document', k: 2 }), 'error');
		expect(r.error.message).toContain('corpus changed');
		const p = expectType(await send({ type: 'prepare-panel', panel: 'colbert', options }), 'panel-prepared');
		expect(p.stats.docs).toBe(2);
		expect(expectType(await send({ type: 'search', panel: 'colbert', query: 'document', k: 2 }), 'search-result').hits).toHaveLength(2);
	}, 60_000);
});

describe('NeuralHost cancel', () => {
	it('cancel(id) stops a corpus encoding after a batch; preparing again reuses the finished batches', async () => {
		const own = new MemoryStore();
		const fresh = new EngineCore({ extensions: [(c) => nodeNeuralHost(c, own)] });
		await fresh.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		await fresh.handle({ type: 'load-model', id: 2, role: 'bi-encoder', choice: { spec: FIXTURE_MODELS.biEncoder, dtype: 'fp32', device: 'wasm' } } as never);
		const r = await fresh.handle({ type: 'prepare-panel', id: 3, panel: 'bi-encoder', options } as never, (p) => {
			if (p.unit === 'docs' && p.done > 0) fresh.cancel(3);
		});
		expect(r.type).toBe('cancelled');
		const again = expectType(await fresh.handle({ type: 'prepare-panel', id: 4, panel: 'bi-encoder', options } as never), 'panel-prepared');
		expect(again.stats.batchesFromStore).toBeGreaterThanOrEqual(1);
		expect(again.stats.batchesFromStore + again.stats.batchesEncoded).toBe(Math.ceil(again.stats.docs / 32));
	}, 60_000);
});
