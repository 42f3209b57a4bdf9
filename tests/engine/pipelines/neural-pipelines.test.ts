import { describe, expect, it } from 'vitest';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { createCrossPipeline } from '../../../src/lib/engine/pipelines/rerank';
import { createDensePipeline } from '../../../src/lib/engine/pipelines/dense';
import { createColbertPipeline, createColbertRerankPipeline } from '../../../src/lib/engine/pipelines/late-interaction';
import { createBm25Pipeline } from '../../../src/lib/engine/pipelines/bm25';
import { modelRefFromSpec, type NeuralPipelineOptions } from '../../../src/lib/engine/pipelines/neural-context';
import { MemoryStore } from '../../../src/lib/engine/store/store';
import { ToyBiEncoder, ToyColbert, ToyCrossEncoder } from './toy-encoders';
import { TOY_CORPUS, TOY_DOCS, TOY_TEXTS } from '../../support/toy-corpus';

const texts = TOY_TEXTS;
const docs = TOY_DOCS;
const corpus = TOY_CORPUS;
const ctx = (options: NeuralPipelineOptions = {}) => ({ corpus, options });

const stages = (r: { timings: { stage: string; ms: number }[] }) => r.timings.map((t) => t.stage);

describe('dense pipeline', () => {
	it('dense.search(q, k) ranks by the exact cosine of the encoded vectors, ranks 1..k', async () => {
		const model = new ToyBiEncoder({ dim: 16 });
		const dense = await createDensePipeline(ctx(), { encoders: { 'bi-encoder': model } });
		const result = await dense.search('red planet', 4);
		const q = await model.encode(['red planet'], 'query');
		const d = await model.encode(texts, 'document');
		const expected = texts
			.map((_, i) => ({ id: `d${i}`, score: [...q.data].reduce((s, x, k) => s + x * d.data[i * 16 + k], 0) }))
			.sort((a, b) => b.score - a.score)
			.slice(0, 4);
		expect(result.hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
		result.hits.forEach((h, i) => {
			expect(h.rank).toBe(i + 1);
			expect(h.score).toBeCloseTo(expected[i].score, 5);
		});
		expect(stages(result)).toEqual(['encode-query', 'search']);
		expect(dense.buildTimings!.map((t) => t.stage)).toEqual(['load-model', 'encode-corpus', 'index']);
	});

	it('createDensePipeline(ctx, { store }) encodes the corpus once and reuses the stored batches', async () => {
		const store = new MemoryStore();
		const first = new ToyBiEncoder({ dim: 16 });
		await createDensePipeline(ctx({ batchSize: 4 }), { encoders: { 'bi-encoder': first }, store });
		expect(first.encodedTexts).toBe(10);
		const second = new ToyBiEncoder({ dim: 16 });
		const dense = await createDensePipeline(ctx({ batchSize: 4 }), { encoders: { 'bi-encoder': second }, store });
		expect(second.encodedTexts).toBe(0);
		expect((await dense.search('red planet', 1)).hits).toHaveLength(1);
	});

	it('createDensePipeline(ctx with metric l2) ranks by negated distance', async () => {
		const model = new ToyBiEncoder({ dim: 16 });
		const cos = await createDensePipeline(ctx(), { encoders: { 'bi-encoder': model } });
		const l2 = await createDensePipeline(ctx({ metric: 'l2' }), { encoders: { 'bi-encoder': model } });
		const a = await cos.search('orchard apples', 10);
		const b = await l2.search('orchard apples', 10);
		// Unit vectors: |q - d|^2 = 2 - 2 cos, so the order is the same and the scores map exactly.
		expect(b.hits.map((h) => h.id)).toEqual(a.hits.map((h) => h.id));
		b.hits.forEach((h, i) => expect(h.score).toBeCloseTo(-Math.sqrt(Math.max(0, 2 - 2 * a.hits[i].score)), 4));
	});

	it('createDensePipeline(ctx, { signal }) stops with CANCELLED, keeps finished batches, and resumes', async () => {
		const store = new MemoryStore();
		const controller = new AbortController();
		const model = new ToyBiEncoder({ dim: 16 });
		const progress: number[] = [];
		const run = createDensePipeline(
			{ ...ctx({ batchSize: 3 }), signal: controller.signal, onProgress: (p) => (progress.push(p.done), p.done >= 6 && controller.abort()) },
			{ encoders: { 'bi-encoder': model }, store }
		);
		await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
		expect(model.encodedTexts).toBe(6);
		const again = new ToyBiEncoder({ dim: 16 });
		await createDensePipeline(ctx({ batchSize: 3 }), { encoders: { 'bi-encoder': again }, store });
		expect(again.encodedTexts).toBe(4);
	});
});

describe('cross pipeline', () => {
	it('cross.search(q, k) rescores exactly the first stage top depth and orders by logit', async () => {
		const cross = new ToyCrossEncoder();
		const pipeline = await createCrossPipeline(ctx({ depth: 4 }), { encoders: { 'cross-encoder': cross } });
		const bm25 = await createBm25Pipeline(ctx());
		const candidates = (await bm25.search('red planet', 4)).hits.map((h) => h.id);
		const result = await pipeline.search('red planet', 10);
		expect(cross.scored.sort()).toEqual(candidates.map((id) => texts[Number(id.slice(1))]).sort());
		expect(result.hits.map((h) => h.id).sort()).toEqual([...candidates].sort());
		const logits = await new ToyCrossEncoder().score('red planet', result.hits.map((h) => texts[Number(h.id.slice(1))]));
		result.hits.forEach((h, i) => expect(h.score).toBeCloseTo(logits[i], 6));
		for (let i = 1; i < result.hits.length; i++) expect(result.hits[i - 1].score).toBeGreaterThanOrEqual(result.hits[i].score);
		expect(stages(result)).toEqual(['first-stage', 'rerank']);
	});

	it('createCrossPipeline(ctx with firstStage dense) takes candidates from the bi-encoder', async () => {
		const cross = new ToyCrossEncoder();
		const bi = new ToyBiEncoder({ dim: 16 });
		const pipeline = await createCrossPipeline(ctx({ depth: 3, firstStage: 'dense' }), { encoders: { 'cross-encoder': cross, 'bi-encoder': bi } });
		await pipeline.search('cold blue planet', 2);
		const dense = await createDensePipeline(ctx(), { encoders: { 'bi-encoder': bi } });
		const top3 = (await dense.search('cold blue planet', 3)).hits.map((h) => texts[Number(h.id.slice(1))]);
		expect(cross.scored.sort()).toEqual(top3.sort());
		await expect(createCrossPipeline(ctx({ firstStage: 'splade' }), { encoders: { 'cross-encoder': cross } })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
	});
});

describe('colbert pipelines', () => {
	it('colbert.search(q, k) equals a brute-force maxSim ranking and reports the kernel', async () => {
		const colbert = new ToyColbert({ dim: 12 });
		const pipeline = await createColbertPipeline(ctx({ maxsimBackend: 'js' }), { encoders: { colbert } });
		const result = await pipeline.search('red planet', 5);
		const q = await colbert.encodeQuery('red planet');
		const d = await colbert.encodeDocuments(texts);
		const expected = d.map((doc, i) => ({ id: `d${i}`, score: maxSim(q.matrix, doc.matrix) })).sort((a, b) => b.score - a.score || Number(a.id.slice(1)) - Number(b.id.slice(1)));
		expect(result.hits.map((h) => h.id)).toEqual(expected.slice(0, 5).map((e) => e.id));
		result.hits.forEach((h, i) => expect(Math.abs(h.score - expected[i].score)).toBeLessThan(1e-4));
		expect(stages(result)).toEqual(['encode-query', 'maxsim']);
		expect(result.kernel).toEqual({ backend: 'js', reason: 'js: requested' });
	});

	it('colbert.search on the auto-selected kernel (wasm here) gives the js ranking', async () => {
		const colbert = new ToyColbert({ dim: 16 });
		const js = await createColbertPipeline(ctx({ maxsimBackend: 'js' }), { encoders: { colbert } });
		const auto = await createColbertPipeline(ctx(), { encoders: { colbert } });
		const a = await js.search('ice rings saturn', 10);
		const b = await auto.search('ice rings saturn', 10);
		expect(b.kernel?.reason).toMatch(/^(wasm|js|webgpu):/);
		expect(b.hits.map((h) => h.id)).toEqual(a.hits.map((h) => h.id));
		await auto.dispose?.();
	});

	it('colbert-rerank.search(q, k) scores only the first-stage subset with MaxSim', async () => {
		const colbert = new ToyColbert({ dim: 12 });
		const pipeline = await createColbertRerankPipeline(ctx({ depth: 3, maxsimBackend: 'js' }), { encoders: { colbert } });
		const candidates = (await (await createBm25Pipeline(ctx())).search('red apple', 3)).hits.map((h) => h.id);
		const result = await pipeline.search('red apple', 10);
		expect(result.hits.map((h) => h.id).sort()).toEqual([...candidates].sort());
		const q = await colbert.encodeQuery('red apple');
		for (const h of result.hits) {
			const [d] = await colbert.encodeDocuments([texts[Number(h.id.slice(1))]]);
			expect(Math.abs(h.score - maxSim(q.matrix, d.matrix))).toBeLessThan(1e-4);
		}
		for (let i = 1; i < result.hits.length; i++) expect(result.hits[i - 1].score).toBeGreaterThanOrEqual(result.hits[i].score);
		expect(stages(result)).toEqual(['first-stage', 'encode-query', 'maxsim']);
		expect(result.kernel?.backend).toBe('js');
	});

	it('colbert-rerank with firstStage dense reranks the bi-encoder top depth and sums both build timings', async () => {
		const colbert = new ToyColbert({ dim: 12 });
		const bi = new ToyBiEncoder({ dim: 16 });
		const pipeline = await createColbertRerankPipeline(ctx({ depth: 4, firstStage: 'dense', maxsimBackend: 'js' }), { encoders: { colbert, 'bi-encoder': bi } });
		const dense = await createDensePipeline(ctx(), { encoders: { 'bi-encoder': bi } });
		const top4 = (await dense.search('blue planet sun', 4)).hits.map((h) => h.id);
		const result = await pipeline.search('blue planet sun', 10);
		expect(result.hits.map((h) => h.id).sort()).toEqual([...top4].sort());
		expect(pipeline.buildTimings!.map((t) => t.stage)).toEqual(['load-model', 'load-model', 'encode-corpus', 'index', 'encode-corpus', 'maxsim-pack']);
	});

	it('createColbertPipeline(ctx, { store }) resumes from the store and rebuilds a corrupt batch with a warning', async () => {
		const store = new MemoryStore();
		const first = new ToyColbert({ dim: 8 });
		await createColbertPipeline(ctx({ batchSize: 4, maxsimBackend: 'js' }), { encoders: { colbert: first }, store });
		expect(first.encodedDocs).toBe(10);
		// Damage batch 1 (documents 4..7) in place.
		const key = { modelId: 'toy-colbert', revision: 'main', dtype: 'default', kind: 'colbert' as const, batchSize: 4 };
		const { corpusFingerprint } = await import('../../../src/lib/engine/corpus/fingerprint');
		const full = { ...key, corpus: await corpusFingerprint(docs), variant: 'd64-8-folded' };
		const bytes = new Uint8Array((await store.readBatch(full, 1))!);
		bytes[bytes.length - 5] ^= 1;
		await store.writeBatch(full, 1, bytes.buffer);
		const warnings: string[] = [];
		const second = new ToyColbert({ dim: 8 });
		const pipeline = await createColbertPipeline(ctx({ batchSize: 4, maxsimBackend: 'js' }), { encoders: { colbert: second }, store, onWarning: (w) => warnings.push(w) });
		expect(second.encodedDocs).toBe(4);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/corrupt.*checksum/);
		const fresh = await createColbertPipeline(ctx({ maxsimBackend: 'js' }), { encoders: { colbert: new ToyColbert({ dim: 8 }) } });
		expect((await pipeline.search('red planet', 10)).hits).toEqual((await fresh.search('red planet', 10)).hits);
	});
});

describe('pipeline.explain(query, docId)', () => {
	it('colbert.explain / dense.explain / cross.explain sum to (or start from) the score the pipeline reported', async () => {
		const colbert = await createColbertPipeline(ctx({ maxsimBackend: 'js' }), { encoders: { colbert: new ToyColbert({ dim: 12 }) } });
		const [top] = (await colbert.search('red planet', 1)).hits;
		const m = await colbert.explain('red planet', top.id);
		expect(Math.abs(m.contributions.reduce((a, b) => a + b, 0) - top.score)).toBeLessThan(1e-4);
		const dense = await createDensePipeline(ctx(), { encoders: { 'bi-encoder': new ToyBiEncoder({ dim: 16 }) } });
		const [d] = (await dense.search('red planet', 1)).hits;
		const e = await dense.explain('red planet', d.id);
		expect(e.applicable && Math.abs(e.values.reduce((a, b) => a + b, 0) - d.score)).toBeLessThan(1e-5);
		const cross = await createCrossPipeline(ctx({ depth: 3 }), { encoders: { 'cross-encoder': new ToyCrossEncoder() } });
		const [c] = (await cross.search('red planet', 1)).hits;
		expect((await cross.explain('red planet', c.id)).score).toBeCloseTo(c.score, 6);
		await expect(colbert.explain('x', 'nope')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});
});

describe('modelRefFromSpec', () => {
	it('modelRefFromSpec(spec) treats paths as local folders and owner/name as Hub ids', () => {
		expect(modelRefFromSpec('Xenova/all-MiniLM-L6-v2')).toEqual({ id: 'Xenova/all-MiniLM-L6-v2' });
		expect(modelRefFromSpec('./m')).toEqual({ id: './m', localDir: './m' });
		expect(modelRefFromSpec('/abs/m')).toMatchObject({ localDir: '/abs/m' });
		expect(modelRefFromSpec('tests/fixtures/generated/latelab-test/tiny-colbert-folded')).toMatchObject({ localDir: expect.any(String) });
	});
});
