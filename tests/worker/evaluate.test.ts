/**
 * The worker's evaluation (src/lib/worker/evaluate.ts) in Node, wired to `EngineCore` as the browser
 * worker wires it. Expected values are computed here with the engine directly (a BM25 index built
 * from the demo corpus, `evaluateRun`, `compareRuns`, `runOverlap`, `formatTrecRun`), never hard-coded.
 * The neural part loads the generated tiny bi-encoder through the mock Hub, as the browser does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectType, nodeNeuralHost } from './helpers';
import { loadDemoCorpus } from '../../src/lib/engine/corpus/demo';
import { compareRuns, evaluateRun, formatTrecRun, judgedQueryIds, runOverlap, type Run } from '../../src/lib/engine/eval';
import { Bm25Index, DEFAULT_BM25_OPTIONS } from '../../src/lib/engine/lexical';
import { MemoryStore } from '../../src/lib/engine/store/store';
import { EngineCore } from '../../src/lib/worker/engine-core';
import { Evaluator, judgedQueries, PERMUTATIONS, SEED } from '../../src/lib/worker/evaluate';
import { EVALUATION_DEPTH, EVALUATION_METRICS } from '../../src/lib/worker/evaluate-protocol';
import { defaultOptions } from '../../src/lib/engine/panels';
import { NeuralHost } from '../../src/lib/worker/neural/neural-host';
import type { EngineProgress, EngineRequest } from '../../src/lib/worker/protocol';
import { FIXTURE_MODELS, startHubContext, type HubContext } from '../engine/encoders/helpers';

const METRICS = [...EVALUATION_METRICS];
let nextId = 1;


/** An EngineCore with the evaluator (and optionally a neural host) attached as engine.worker.ts does. */
function worker(neural?: (core: EngineCore) => NeuralHost) {
	const core = new EngineCore({ extensions: [(c) => new Evaluator(c), ...(neural ? [neural] : [])] });
	const send = (body: Record<string, unknown>, onProgress?: (p: EngineProgress) => void) =>
		core.handle({ ...body, id: nextId++ } as EngineRequest, onProgress);
	return { core, send };
}

/** The BM25 run of every judged demo query, built with the engine directly (top 100, default k1/b). */
function directBm25Run(): Run {
	const corpus = loadDemoCorpus();
	const index = Bm25Index.build(corpus.docs, DEFAULT_BM25_OPTIONS);
	const judged = new Set(judgedQueryIds(corpus.qrels));
	return new Map(corpus.queries.filter((q) => judged.has(q.id)).map((q) => [q.id, index.search(q.text, EVALUATION_DEPTH)]));
}

describe('Evaluator on the demo corpus (BM25)', () => {
	it('evaluate(bm25) reports the metrics evaluateRun gives a BM25 run built directly with the engine', async () => {
		const { send } = worker();
		await send({ type: 'load-corpus', source: { kind: 'demo' } });
		const progress: EngineProgress[] = [];
		const r = expectType(await send({ type: 'evaluate', panels: ['bm25'], baseline: 'bm25' }, (p) => progress.push(p)), 'evaluation');
		const corpus = loadDemoCorpus();
		const expected = evaluateRun(directBm25Run(), corpus.qrels, METRICS);
		expect(r.report.queries.map((q) => q.id)).toEqual(judgedQueryIds(corpus.qrels));
		expect(r.report.queries).toHaveLength(expected.judgedQueries);
		expect(r.report.panels).toHaveLength(1);
		const bm25 = r.report.panels[0];
		expect(bm25.kernel).toMatch(/^BM25/);
		for (const m of METRICS) expect(bm25.mean[m]).toBeCloseTo(expected.mean[m], 12);
		for (const [qid, values] of Object.entries(expected.perQuery)) {
			for (const m of METRICS) expect(bm25.perQuery[qid][m]).toBeCloseTo(values[m], 12);
		}
		// Only one panel: nothing to compare against.
		expect(r.report.comparison).toBeUndefined();
		const last = progress[progress.length - 1];
		expect(last).toMatchObject({ stage: 'bm25', unit: 'queries', done: expected.judgedQueries, total: expected.judgedQueries });
	});

	it('evaluate(panels) lists a panel without a runner as skipped and still evaluates the others', async () => {
		const { send } = worker();
		await send({ type: 'load-corpus', source: { kind: 'demo' } });
		const skippedByPage = { panel: 'cross-encoder' as const, reason: 'needs a cross-encoder model' };
		const r = expectType(await send({ type: 'evaluate', panels: ['bm25', 'colbert'], baseline: 'bm25', skipped: [skippedByPage] }), 'evaluation');
		expect(r.report.panels.map((p) => p.panel)).toEqual(['bm25']);
		expect(r.report.skipped[0]).toEqual(skippedByPage);
		expect(r.report.skipped[1].panel).toBe('colbert');
		expect(r.report.skipped[1].reason).toMatch(/not wired/);
	});

	it('export-run(bm25) returns the TREC lines formatTrecRun writes for the direct run', async () => {
		const { send } = worker();
		await send({ type: 'load-corpus', source: { kind: 'demo' } });
		const r = expectType(await send({ type: 'evaluate', panels: ['bm25'], baseline: 'bm25' }), 'evaluation');
		const e = expectType(await send({ type: 'export-run', evaluation: r.report.evaluation, panel: 'bm25' }), 'run-export');
		const expected = formatTrecRun(directBm25Run(), 'bm25');
		expect(e.text).toBe(expected);
		expect(e.lines).toBe(expected.trim().split('\n').length);
		expect(e.filename).toMatch(/-bm25\.trec$/);
		expect(e.text.split('\n')[0]).toMatch(/^q\S+ Q0 \S+ 1 [-\d.e]+ bm25$/);
	});

	it('export-run(evaluation) of an evaluation the worker no longer holds fails with BAD_ARGUMENT', async () => {
		const { send } = worker();
		await send({ type: 'load-corpus', source: { kind: 'demo' } });
		const first = expectType(await send({ type: 'evaluate', panels: ['bm25'], baseline: 'bm25' }), 'evaluation');
		await send({ type: 'evaluate', panels: ['bm25'], baseline: 'bm25' });
		const e = expectType(await send({ type: 'export-run', evaluation: first.report.evaluation, panel: 'bm25' }), 'error');
		expect(e.error.code).toBe('BAD_ARGUMENT');
	});

	it('evaluate(...) on a corpus without qrels fails with BAD_ARGUMENT naming the corpus', async () => {
		const { send } = worker();
		await send({ type: 'load-corpus', source: { kind: 'pasted', text: 'one document\nanother document', name: 'notes' } });
		const e = expectType(await send({ type: 'evaluate', panels: ['bm25'], baseline: 'bm25' }), 'error');
		expect(e.error.code).toBe('BAD_ARGUMENT');
		expect(e.error.message).toContain('notes');
	});

	it('core.cancel(id) stops an evaluation before its next query and it answers cancelled', async () => {
		const { core, send } = worker();
		await send({ type: 'load-corpus', source: { kind: 'demo' } });
		const id = nextId++;
		const pending = core.handle({ type: 'evaluate', id, panels: ['bm25'], baseline: 'bm25' });
		core.cancel(id);
		expect((await pending).type).toBe('cancelled');
	});

	it('judgedQueries(corpus) drops judged queries without text and counts them as missing', () => {
		const corpus = loadDemoCorpus();
		const dropped = corpus.queries[0].id;
		corpus.queries = corpus.queries.slice(1);
		const { queries, qrels, missing } = judgedQueries(corpus);
		expect(missing).toBe(1);
		expect(queries.map((q) => q.id)).not.toContain(dropped);
		expect(qrels.has(dropped)).toBe(false);
		expect(qrels.size).toBe(queries.length);
	});
});

describe('Evaluator with a neural panel (tiny bi-encoder through the mock Hub)', () => {
	let ctx: HubContext;
	let w: ReturnType<typeof worker>;

	beforeAll(async () => {
		ctx = await startHubContext();
		w = worker((core) => nodeNeuralHost(core, new MemoryStore()));
		await w.send({ type: 'configure-hub', hub: { remoteHost: ctx.hub.url } });
		expectType(await w.send({ type: 'load-corpus', source: { kind: 'demo' } }), 'corpus-loaded');
		expectType(await w.send({ type: 'load-model', role: 'bi-encoder', choice: { spec: FIXTURE_MODELS.biEncoder, dtype: 'fp32', device: 'wasm' } }), 'model-loaded');
		expectType(await w.send({ type: 'prepare-panel', panel: 'bi-encoder', options: { ...defaultOptions(), kernel: 'js', depth: 50 } }), 'panel-prepared');
	}, 120_000);

	afterAll(async () => {
		await ctx?.close();
	});

	/** The bi-encoder run through the ordinary search request, one judged query at a time. */
	async function searchedRun(panel: 'bi-encoder' | 'bm25'): Promise<Run> {
		const corpus = loadDemoCorpus();
		const run: Run = new Map();
		for (const q of judgedQueries(corpus).queries) {
			const r = expectType(await w.send({ type: 'search', panel, query: q.text, k: EVALUATION_DEPTH }), 'search-result');
			run.set(q.id, r.hits.map(({ id, score, rank }) => ({ id, score, rank })));
		}
		return run;
	}

	it('evaluate(bm25, bi-encoder) compares the bi-encoder with BM25 as compareRuns and runOverlap do on the searched runs', async () => {
		const r = expectType(await w.send({ type: 'evaluate', panels: ['bm25', 'bi-encoder', 'colbert'], baseline: 'bm25' }), 'evaluation');
		expect(r.report.panels.map((p) => p.panel)).toEqual(['bm25', 'bi-encoder']);
		// No ColBERT model was loaded: skipped with the host's own instruction.
		expect(r.report.skipped).toEqual([{ panel: 'colbert', reason: expect.stringMatching(/load a colbert model/i) }]);
		const corpus = loadDemoCorpus();
		const bm25 = await searchedRun('bm25');
		const dense = await searchedRun('bi-encoder');
		const expected = compareRuns(bm25, dense, corpus.qrels, { metrics: METRICS, permutations: PERMUTATIONS, seed: SEED });
		const overlap = runOverlap(bm25, dense, 10, 0.9);
		const cmp = r.report.comparison!;
		expect(cmp.baseline).toBe('bm25');
		expect(cmp.rows.map((row) => row.panel)).toEqual(['bi-encoder']);
		const row = cmp.rows[0];
		for (const m of METRICS) {
			const got = row.byMetric[m];
			const want = expected.byMetric[m];
			expect(got.delta).toBeCloseTo(want.delta, 9);
			expect(got.pRandomization).toBeCloseTo(want.pRandomization, 9);
			expect(got.pTTest).toBeCloseTo(want.pTTest, 9);
			expect([got.wins, got.ties, got.losses]).toEqual([want.wins, want.ties, want.losses]);
		}
		expect(row.overlap.jaccard).toBeCloseTo(overlap.jaccard, 9);
		expect(row.overlap.rbo).toBeCloseTo(overlap.rbo, 9);
		expect(r.report.panels[1].mean['ndcg@10']).toBeCloseTo(evaluateRun(dense, corpus.qrels, METRICS).mean['ndcg@10'], 9);

		// A new baseline needs no rerun: the worker compares the runs it kept, with the signs flipped.
		const flipped = expectType(await w.send({ type: 'compare-evaluation', evaluation: r.report.evaluation, baseline: 'bi-encoder' }), 'evaluation-comparison');
		expect(flipped.comparison.baseline).toBe('bi-encoder');
		expect(flipped.comparison.rows[0].panel).toBe('bm25');
		const back = flipped.comparison.rows[0].byMetric['ndcg@10'];
		expect(back.delta).toBeCloseTo(-row.byMetric['ndcg@10'].delta, 12);
		expect(back.wins).toBe(row.byMetric['ndcg@10'].losses);
	}, 120_000);
});
