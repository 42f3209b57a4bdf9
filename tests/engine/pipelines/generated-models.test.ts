/**
 * The neural pipelines on the generated tiny models (tests/fixtures), loaded through the mock Hub
 * (Hub ids) or from their folders: rankings and scores are checked against the encoders called
 * directly (cosine, logits, maxSim), for both bi-encoder poolings, the cross-encoder and all three
 * ColBERT layouts (projection folded, PyLate 1_Dense, Stanford root linear.weight).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCorpus } from '../../../src/lib/engine/corpus/demo';
import type { ColbertEncoder } from '../../../src/lib/engine/encoders/encoder';
import { loadEncoder } from '../../../src/lib/engine/encoders/load-encoder';
import { configureRuntime } from '../../../src/lib/engine/encoders/runtime';
import { explainColbertPair } from '../../../src/lib/engine/explain/maxsim-matrix';
import { occlusion } from '../../../src/lib/engine/explain/occlusion';
import { explainBiEncoderPair } from '../../../src/lib/engine/explain/pooled-contributions';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { createPipeline } from '../../../src/lib/engine/pipelines/registry';
import { registerNeuralPipelines } from '../../../src/lib/engine/pipelines/neural';
import { registerPipeline, pipelineNames } from '../../../src/lib/engine/pipelines/registry';
import { createBm25Pipeline } from '../../../src/lib/engine/pipelines/bm25';
import { documentText, type NeuralDeps } from '../../../src/lib/engine/pipelines/neural-context';
import { NodeDiskStore } from '../../../src/lib/engine/store/node-disk-store';
import type { Corpus } from '../../../src/lib/engine/types';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../../fixtures/generate';
import { startMockHub, type MockHub } from '../../fixtures/mock-hub';

const demo = loadDemoCorpus();
// 40 documents keep each encoding well under a second on the tiny models.
const corpus: Corpus = { ...demo, docs: demo.docs.slice(0, 40) };
const texts = corpus.docs.map(documentText);
const QUERY = 'planets of the solar system';

let hub: MockHub;
let cacheDir: string;
let storeDir: string;

beforeAll(async () => {
	const { dir } = await generateFixtures();
	hub = await startMockHub({ root: dir });
	cacheDir = mkdtempSync(join(tmpdir(), 'latelab-pipeline-models-'));
	storeDir = mkdtempSync(join(tmpdir(), 'latelab-pipeline-store-'));
	configureRuntime({ remoteHost: hub.url, cacheDir, allowRemoteModels: true });
	if (!pipelineNames().includes('bm25')) registerPipeline('bm25', createBm25Pipeline, 'bm25');
	registerNeuralPipelines({});
});

afterAll(async () => {
	await hub?.close();
	rmSync(cacheDir, { recursive: true, force: true });
	rmSync(storeDir, { recursive: true, force: true });
});

const local = (id: string) => fixtureModelDir(id);

describe('dense on the generated bi-encoders', () => {
	it.each([
		['mean pooling, via the mock Hub', FIXTURE_MODELS.biEncoder],
		['CLS pooling, from its folder', local(FIXTURE_MODELS.biEncoderCls)]
	])('createPipeline("dense") (%s) ranks by the cosine of the encoder vectors', async (_, model) => {
		const dense = await createPipeline('dense', { corpus, options: { models: { 'bi-encoder': model } } });
		const result = await dense.search(QUERY, 5);
		const enc = await loadEncoder('bi-encoder', model.startsWith('/') ? { id: model, localDir: model } : { id: model });
		const q = await enc.encode([QUERY], 'query');
		const d = await enc.encode(texts, 'document');
		const cos = texts.map((_, i) => [...q.data].reduce((s, x, k) => s + x * d.data[i * d.dim + k], 0));
		const order = cos.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s || a.i - b.i);
		expect(result.hits.map((h) => h.id)).toEqual(order.slice(0, 5).map((o) => corpus.docs[o.i].id));
		result.hits.forEach((h, r) => expect(h.score).toBeCloseTo(order[r].s, 5));
		const e = await explainBiEncoderPair(enc, QUERY, texts[order[0].i]);
		if (enc.pooling.mode === 'mean') {
			expect(e.applicable).toBe(true);
			if (e.applicable) expect(Math.abs(e.values.reduce((a, b) => a + b, 0) - order[0].s)).toBeLessThan(1e-5);
		} else expect(e.applicable).toBe(false);
		await enc.dispose();
		await dense.dispose?.();
	});
});

describe('cross on the generated cross-encoder', () => {
	it('createPipeline("cross") returns the first-stage top depth ordered by the cross-encoder logits', async () => {
		const cross = await createPipeline('cross', { corpus, options: { models: { 'cross-encoder': FIXTURE_MODELS.crossEncoder }, depth: 8 } });
		const result = await cross.search(QUERY, 8);
		const bm25 = await createBm25Pipeline({ corpus, options: {} });
		const candidates = (await bm25.search(QUERY, 8)).hits.map((h) => h.id);
		expect(result.hits.map((h) => h.id).sort()).toEqual([...candidates].sort());
		const enc = await loadEncoder('cross-encoder', { id: FIXTURE_MODELS.crossEncoder });
		const byId = new Map(corpus.docs.map((d, i) => [d.id, texts[i]]));
		const logits = await enc.score(QUERY, result.hits.map((h) => byId.get(h.id)!));
		result.hits.forEach((h, i) => expect(h.score).toBeCloseTo(logits[i], 4));
		const o = await occlusion(enc, QUERY, byId.get(result.hits[0].id)!, { maxVariants: 8 });
		expect(o.score).toBeCloseTo(result.hits[0].score, 4);
		expect(o.units.length).toBeLessThanOrEqual(8);
		await enc.dispose();
		await cross.dispose?.();
	});
});

describe.each([
	['folded projection', FIXTURE_MODELS.colbertFolded],
	['PyLate 1_Dense', FIXTURE_MODELS.colbertPylate],
	['Stanford linear.weight', FIXTURE_MODELS.colbertStanford]
])('colbert pipelines, %s', (_, model) => {
	let enc: ColbertEncoder;
	let expected: { id: string; score: number }[];
	beforeAll(async () => {
		enc = await loadEncoder('colbert', { id: model });
		const q = await enc.encodeQuery(QUERY);
		const d = await enc.encodeDocuments(texts);
		expected = d.map((doc, i) => ({ id: corpus.docs[i].id, score: maxSim(q.matrix, doc.matrix) }));
	});
	afterAll(() => enc?.dispose());

	it('createPipeline("colbert") equals brute-force maxSim over all documents, on the selected kernel', async () => {
		const pipeline = await createPipeline('colbert', { corpus, options: { models: { colbert: model } } });
		const result = (await pipeline.search(QUERY, 5)) as Awaited<ReturnType<typeof pipeline.search>> & { kernel?: { backend: string } };
		const order = [...expected].sort((a, b) => b.score - a.score);
		expect(result.hits.map((h) => h.id)).toEqual(order.slice(0, 5).map((o) => o.id));
		result.hits.forEach((h, r) => expect(Math.abs(h.score - order[r].score)).toBeLessThan(1e-3));
		expect(['js', 'wasm', 'webgpu']).toContain(result.kernel?.backend);
		const top = corpus.docs.findIndex((d) => d.id === result.hits[0].id);
		const e = await explainColbertPair(enc, QUERY, texts[top]);
		expect(Math.abs(e.contributions.reduce((a, b) => a + b, 0) - order[0].score)).toBeLessThan(1e-4);
		await pipeline.dispose?.();
	});

	it('createPipeline("colbert-rerank") scores the BM25 top depth with MaxSim, and reads the corpus back from the disk store', async () => {
		let encoded = 0;
		const deps: NeuralDeps = {
			store: new NodeDiskStore(storeDir),
			load: async (role, ref) => {
				const inner = (await loadEncoder(role, ref)) as ColbertEncoder;
				return { ...inner, kind: 'colbert', modelId: inner.modelId, settings: inner.settings, encodeQuery: (t) => inner.encodeQuery(t), dispose: () => inner.dispose(), encodeDocuments: (t, o) => ((encoded += t.length), inner.encodeDocuments(t, o)) } as ColbertEncoder;
			}
		};
		const { createColbertRerankPipeline } = await import('../../../src/lib/engine/pipelines/late-interaction');
		const ctx = { corpus, options: { models: { colbert: model }, depth: 10, maxsimBackend: 'js' as const } };
		const first = await createColbertRerankPipeline(ctx, deps);
		expect(encoded).toBe(40);
		await first.dispose?.();
		const pipeline = await createColbertRerankPipeline(ctx, deps);
		expect(encoded).toBe(40);
		const result = await pipeline.search(QUERY, 10);
		const candidates = (await (await createBm25Pipeline({ corpus, options: {} })).search(QUERY, 10)).hits.map((h) => h.id);
		expect(result.hits.map((h) => h.id).sort()).toEqual([...candidates].sort());
		const score = new Map(expected.map((e) => [e.id, e.score]));
		for (const h of result.hits) expect(Math.abs(h.score - score.get(h.id)!)).toBeLessThan(1e-3);
		expect(result.timings.map((t) => t.stage)).toEqual(['first-stage', 'encode-query', 'maxsim']);
		await pipeline.dispose?.();
	});
});
