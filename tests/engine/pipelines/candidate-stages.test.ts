import { describe, expect, it } from 'vitest';
import type { MultiVectorCollection, MultiVectorCorpus } from '../../../src/lib/engine/corpus/multivector-folder';
import { generateSyntheticCollection } from '../../../src/lib/engine/corpus/synthetic-multivector';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { documentSampleSize } from '../../../src/lib/engine/compress/kmeans';
import { checkFdeIndexSize, createMuveraPipeline, createPlaidPipeline, MAX_FDE_INDEX_BYTES } from '../../../src/lib/engine/pipelines/candidate-stages';
import { createColbertPipeline } from '../../../src/lib/engine/pipelines/late-interaction';
import type { NeuralPipelineOptions } from '../../../src/lib/engine/pipelines/neural-context';
import { randomUnitRows, uniformRandom } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';
import { ToyColbert } from './toy-encoders';
import { TOY_CORPUS, TOY_TEXTS } from '../../support/toy-corpus';

const texts = TOY_TEXTS;
const corpus = TOY_CORPUS;
const ctx = (options: NeuralPipelineOptions = {}) => ({ corpus, options: { maxsimBackend: 'js' as const, ...options } });
const codeOf = async (f: () => Promise<unknown>) => f().then(() => 'no error', (e: { code?: string }) => e.code);

async function exactRanking(colbert: ToyColbert, query: string): Promise<string[]> {
	const q = await colbert.encodeQuery(query);
	const d = await colbert.encodeDocuments(texts);
	return d.map((doc, i) => ({ id: `d${i}`, s: maxSim(q.matrix, doc.matrix) })).sort((a, b) => b.s - a.s).map((x) => x.id);
}

/** A precomputed collection (as a vectors folder gives), built in memory. */
function precomputedCorpus(n: number, dim: number): MultiVectorCorpus {
	const r = uniformRandom(5);
	const unitRows = (rows: number): TokenMatrix => randomUnitRows(rows, dim, r);
	const vectors = Array.from({ length: n }, (_, i) => unitRows(3 + (i % 7)));
	const queryVectors = new Map([['q1', unitRows(4)]]);
	const records = vectors.map((_, i) => ({ id: `p${i}`, title: '', text: `doc ${i}` }));
	const collection = {
		label: 'memory',
		dim,
		kind: 'text',
		documents: records,
		queries: [{ id: 'q1', title: '', text: 'first query' }],
		docVectors: (i: number) => vectors[i],
		queryVectors: (id: string) => queryVectors.get(id),
		tokenCount: (i: number) => vectors[i].rows,
		totalVectors: vectors.reduce((s, v) => s + v.rows, 0)
	} as unknown as MultiVectorCollection;
	const c: MultiVectorCorpus = { name: 'memory', docs: records, queries: [{ id: 'q1', text: 'first query' }], qrels: new Map(), warnings: [], multivector: collection };
	(collection as { corpus: MultiVectorCorpus }).corpus = c;
	return c;
}

describe('candidate pipelines', () => {
	it('colbert-muvera.search(q, k) with depth >= documents equals exhaustive ColBERT and reports its stages', async () => {
		const colbert = new ToyColbert({ dim: 12 });
		const p = await createMuveraPipeline(ctx({ depth: 10, k_sim: 2, dim_proj: 4, r_reps: 3 }), { encoders: { colbert } });
		const r = await p.search('red planet', 10);
		expect(r.hits.map((h) => h.id)).toEqual(await exactRanking(colbert, 'red planet'));
		expect(r.candidates).toBe(10);
		expect(r.touched).toBe(10);
		expect(r.timings.map((t) => t.stage)).toEqual(['encode-query', 'fde-encode-query', 'fde-search', 'maxsim']);
		expect(r.stages.map((s) => s.documents)).toEqual([0, 10, 10]);
		const vectors = (await colbert.encodeDocuments(texts)).reduce((s, d) => s + d.matrix.rows, 0);
		expect(p.indexStats).toMatchObject({ documents: 10, vectors, format: 'fp32+fde', parts: { fdes: 10 * 3 * 4 * 4 * 4, vectors: vectors * 12 * 4 } });
		expect(p.indexStats.bytes).toBe(p.indexStats.parts.fdes + p.indexStats.parts.vectors);
		expect(p.buildTimings!.map((t) => t.stage)).toEqual(['load-model', 'encode-corpus', 'fde-encode', 'collect']);
		await p.dispose?.();
	});

	it('colbert-muvera.search(q, k) with --depth 3 scores only three documents exactly; candidateShares() averages', async () => {
		const p = await createMuveraPipeline(ctx({ depth: 3, k_sim: 2, dim_proj: 4 }), { encoders: { colbert: new ToyColbert({ dim: 12 }) } });
		const r = await p.search('red apple', 10);
		expect(r.hits.length).toBe(3);
		expect(r.touched).toBe(3);
		await p.search('cold planet', 10);
		expect(p.candidateShares()).toEqual({ queries: 2, candidateShare: 1, touchedShare: 0.3 });
		expect((await p.searchVectors(await p.source.queryVectors('red apple'), 10, { depth: 5 })).touched).toBe(5);
	});

	it('colbert-plaid with nprobe = all centroids, ndocs >= 4 N and rerank=exact equals exhaustive ColBERT', async () => {
		const colbert = new ToyColbert({ dim: 12 });
		const p = await createPlaidPipeline(ctx({ centroids: 8, nprobe: 8, ndocs: 40, threshold: -1, rerank: 'exact' }), { encoders: { colbert } });
		const r = await p.search('red planet', 10);
		expect(r.hits.map((h) => h.id)).toEqual(await exactRanking(colbert, 'red planet'));
		expect(r.timings.map((t) => t.stage)).toEqual(['encode-query', 'plaid-probe', 'plaid-pruned-interaction', 'plaid-interaction', 'plaid-maxsim']);
		expect(r.candidates).toBe(10);
		expect(p.indexStats.parts.vectors).toBeGreaterThan(0);
		// The fp32 vectors it keeps for the exact last stage count in its bytes, as MUVERA's do.
		const { codes, ivf, vectors } = p.indexStats.parts;
		expect(p.indexStats.bytes).toBe(codes + ivf + vectors);
		await p.dispose?.();
	});

	it('colbert-plaid warns when it trains fewer centroids than asked (the sample holds fewer vectors)', async () => {
		const warnings: string[] = [];
		const p = await createPlaidPipeline({ ...ctx({ centroids: 100_000 }), onWarning: (w: string) => warnings.push(w) }, { encoders: { colbert: new ToyColbert({ dim: 12 }) } });
		expect(warnings).toEqual([expect.stringMatching(/^centroids 100000 asked for, \d+ trained: k-means had only \d+ sampled vectors$/)]);
		await p.dispose?.();
	});

	it('colbert-plaid prunes with few centroids probed and reports documents per stage and index bytes', async () => {
		const colbert = new ToyColbert({ dim: 16 });
		const p = await createPlaidPipeline(ctx({ centroids: 32, nprobe: 1, ndocs: 8, bits: 1 }), { encoders: { colbert } });
		const r = await p.search('red apple', 10);
		const [probe, pruned, full, final] = r.stages.map((s) => s.documents);
		expect(probe).toBe(r.candidates);
		expect(pruned).toBe(Math.min(8, probe));
		expect(full).toBe(Math.min(2, pruned));
		expect(final).toBe(full);
		expect(r.touched).toBe(full);
		expect(r.hits.length).toBe(full);
		const s = p.indexStats;
		expect(s.format).toBe('residual-1bit');
		expect(s.parts.codes).toBe(s.vectors * (2 + 4)); // dim 16 at 1 bit: 2 bytes + int32 centroid id
		expect(s.parts.centroids).toBe(4 * (32 * 16 + 1 + 2));
		expect(s.bytes).toBe(s.parts.codes + s.parts.ivf);
		expect(p.buildTimings!.map((t) => t.stage)).toEqual(['load-model', 'encode-corpus', 'plaid-collect', 'plaid-train', 'plaid-encode']);
		// searchVectors overrides the settings for one call: everything probed, nothing cut.
		const q = (await colbert.encodeQuery('red apple')).matrix;
		const all = await p.searchVectors(q, 10, { nprobe: 32, ndocs: 40, threshold: -1 });
		expect(all.candidates).toBe(10);
		expect(all.touched).toBe(10);
		expect(p.candidateShares().queries).toBe(1);
	});

	it('colbert-plaid and colbert-muvera compose with --opt pool (fewer stored vectors)', async () => {
		const colbert = new ToyColbert({ dim: 12 });
		const plain = await createPlaidPipeline(ctx({ centroids: 8 }), { encoders: { colbert } });
		const pooled = await createPlaidPipeline(ctx({ centroids: 8, pool: 2 }), { encoders: { colbert } });
		expect(pooled.indexStats.vectors).toBeLessThan(plain.indexStats.vectors);
		const muvera = await createMuveraPipeline(ctx({ pool: 2, k_sim: 2, dim_proj: 4 }), { encoders: { colbert } });
		expect(muvera.indexStats.vectors).toBe(pooled.indexStats.vectors);
	});

	it('colbert-plaid and colbert-muvera search precomputed vectors (no model)', async () => {
		const c = precomputedCorpus(40, 8);
		const exact = await createColbertPipeline({ corpus: c, options: { maxsimBackend: 'js' } });
		const want = (await exact.search('q1', 5)).hits.map((h) => h.id);
		const muvera = await createMuveraPipeline({ corpus: c, options: { maxsimBackend: 'js', depth: 40, k_sim: 3, dim_proj: 4 } });
		expect((await muvera.search('q1', 5)).hits.map((h) => h.id)).toEqual(want);
		const plaid = await createPlaidPipeline({ corpus: c, options: { maxsimBackend: 'js', centroids: 16, nprobe: 16, ndocs: 160, threshold: -1, rerank: 'exact' } });
		expect((await plaid.search('first query', 5)).hits.map((h) => h.id)).toEqual(want);
	});

	it('on the WASM kernels (FDE scan, MaxSim of passed documents), a synthetic collection with 32-vector queries: depth / ndocs >= documents equal exhaustive ColBERT', async () => {
		const c = generateSyntheticCollection({ docs: 60, queries: 3, dim: 32, tokensPerDoc: 20, seed: 11 }).corpus;
		const exact = await createColbertPipeline({ corpus: c, options: { maxsimBackend: 'js' } });
		const muvera = await createMuveraPipeline({ corpus: c, options: { maxsimBackend: 'wasm', depth: 60, k_sim: 3, dim_proj: 8, r_reps: 4 } });
		const plaid = await createPlaidPipeline({ corpus: c, options: { maxsimBackend: 'wasm', centroids: 16, nprobe: 16, ndocs: 240, threshold: -1, rerank: 'exact' } });
		expect(muvera.kernel).toMatch(/FDE scan: wasm SIMD128; MaxSim: wasm/);
		expect(plaid.kernel).toMatch(/16 centroids; MaxSim: wasm/);
		for (const q of c.queries) {
			const want = (await exact.search(q.id, 10)).hits;
			expect(want).toHaveLength(10);
			for (const p of [muvera, plaid]) {
				const got = (await p.search(q.id, 10)).hits;
				expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
				got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 4));
			}
		}
		await Promise.all([exact.dispose?.(), muvera.dispose?.(), plaid.dispose?.()]);
	});

	it('the candidate pipelines reject options out of range with BAD_ARGUMENT (UNKNOWN_OPTION for rerank)', async () => {
		const encoders = { colbert: new ToyColbert({ dim: 12 }) };
		expect(await codeOf(() => createMuveraPipeline(ctx({ k_sim: 11 }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createMuveraPipeline(ctx({ dim_proj: 13 }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createMuveraPipeline(ctx({ r_reps: 0 }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createMuveraPipeline(ctx({ depth: 0 }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createPlaidPipeline(ctx({ bits: 3 }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createPlaidPipeline(ctx({ centroids: 8, nprobe: 9 }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createPlaidPipeline(ctx({ ndocs: 3 }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createPlaidPipeline(ctx({ threshold: 'high' }), { encoders }))).toBe('BAD_ARGUMENT');
		expect(await codeOf(() => createPlaidPipeline(ctx({ rerank: 'fp16' }), { encoders }))).toBe('UNKNOWN_OPTION');
	});

	it('colbert-plaid checks nprobe, ndocs and threshold before training, and a sample smaller than the centroids is BAD_ARGUMENT (not a collapsed codec)', async () => {
		const encoders = { colbert: new ToyColbert({ dim: 12 }) };
		const stages: string[] = [];
		const early = { ...ctx({ centroids: 8, nprobe: 0 }), onProgress: (p: { stage: string }) => stages.push(p.stage) };
		expect(await codeOf(() => createPlaidPipeline(early, { encoders }))).toBe('BAD_ARGUMENT');
		expect(stages.filter((s) => /residual|kmeans|plaid/.test(s))).toEqual([]);
		await expect(createPlaidPipeline(ctx({ centroids: 8, sample: 4 }), { encoders })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/sample 4 is fewer vectors than the 8 centroids/) });
	});

	it('colbert-plaid with a k far beyond the collection returns every candidate it ranks instead of allocating 4k slots', async () => {
		const colbert = new ToyColbert({ dim: 12 });
		const p = await createPlaidPipeline(ctx({ centroids: 8, nprobe: 8, threshold: -1 }), { encoders: { colbert } });
		const r = await p.search('apple banana', 2_000_000_000);
		expect(r.hits.length).toBeGreaterThan(0);
		expect(r.hits.length).toBeLessThanOrEqual(corpus.docs.length);
		await p.dispose?.();
	});

	it('checkFdeIndexSize refuses an FDE shape whose index would pass MAX_FDE_INDEX_BYTES before any encoding, and announces a large one', () => {
		const info: string[] = [];
		checkFdeIndexSize(100_000, 10_240, { kSim: 5, dimProj: 16, rReps: 20 }, (m) => info.push(m));
		expect(info).toEqual([expect.stringMatching(/^MUVERA's FDEs will take 4\.1 GB in memory: 100,000 documents x 10,240 floats/)]);
		expect(() => checkFdeIndexSize(300, 256 * 1024 * 96, { kSim: 10, dimProj: 96, rReps: 256 })).toThrow(
			expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/FDEs would take 30\.2 GB: 300 documents x 25,165,824 floats \(r_reps 256 x 2\^10 buckets x dim_proj 96\).*lower r_reps, k_sim or dim_proj/) })
		);
		expect(MAX_FDE_INDEX_BYTES).toBeGreaterThan(100_000 * 10_240 * 4);
	});

	it('documentSampleSize(n) is ColBERTv2s document sample: 1 + 16 sqrt(120 n), at most n', () => {
		expect(documentSampleSize(10)).toBe(10);
		expect(documentSampleSize(100_000)).toBe(1 + Math.floor(16 * Math.sqrt(12_000_000)));
	});
});
