/**
 * Each corpus's last evaluation saved in this browser (src/lib/worker/saved-evaluations.ts) and brought
 * back by a new worker, as after a page reload: the archive in IndexedDB (fake-indexeddb, one factory
 * shared by the "before" and "after" workers), the corpus key, and the Evaluator's restore, export and
 * baseline switch on restored runs. Expected values come from the first worker's own answers.
 */
// idb wraps the IDB* globals; each test still opens its own factory.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectType, nodeNeuralHost } from './helpers';
import { loadDemoCorpus } from '../../src/lib/engine/corpus/demo';
import { defaultOptions } from '../../src/lib/engine/panels';
import { withIndexedDb } from '../../src/lib/engine/store/idb-docs';
import { IndexedDbStore } from '../../src/lib/engine/store/indexeddb-store';
import { corpusFingerprint } from '../../src/lib/engine/corpus/fingerprint';
import { MemoryStore } from '../../src/lib/engine/store/store';
import type { Corpus } from '../../src/lib/engine/types';
import { EngineCore } from '../../src/lib/worker/engine-core';
import { Evaluator, judgedQueries } from '../../src/lib/worker/evaluate';
import type { EvaluationReport } from '../../src/lib/worker/evaluate-protocol';
import { NeuralHost } from '../../src/lib/worker/neural/neural-host';
import type { EngineRequest } from '../../src/lib/worker/protocol';
import { evaluationCorpusKey, IndexedDbEvaluationArchive, MAX_SAVED_EVALUATIONS, type SavedEvaluation } from '../../src/lib/worker/saved-evaluations';
import { FIXTURE_MODELS, startHubContext, type HubContext } from '../engine/encoders/helpers';

let nextId = 1;

/** A worker as engine.worker.ts wires it, its evaluations saved through `factory`. */
function worker(factory: IDBFactory, neural?: (core: EngineCore) => NeuralHost) {
	const core = new EngineCore({ extensions: [(c) => new Evaluator(c, { archive: new IndexedDbEvaluationArchive(factory) }), ...(neural ? [neural] : [])] });
	const send = (body: Record<string, unknown>) => core.handle({ ...body, id: nextId++ } as EngineRequest);
	return { core, send };
}

/** What of a report must survive a reload (everything but the worker's handle). */
function contentOf(report: EvaluationReport) {
	const { evaluation: _id, ...rest } = report;
	return rest;
}

describe('IndexedDbEvaluationArchive', () => {
	const record = (corpusKey: string, savedAt: number): SavedEvaluation => ({
		corpusKey,
		savedAt,
		report: { corpus: corpusKey } as EvaluationReport,
		runs: new Map([['bm25', new Map([['q1', [{ id: 'd1', score: 1.5, rank: 1 }]]])]])
	});

	it('keeps the runs as Maps, the newest MAX_SAVED_EVALUATIONS corpora, and forgets one on delete', async () => {
		const archive = new IndexedDbEvaluationArchive(new IDBFactory());
		for (let i = 0; i <= MAX_SAVED_EVALUATIONS; i++) await archive.save(record(`c${i}`, 1000 + i));
		// The oldest went when the ninth arrived.
		expect(await archive.load('c0')).toBeUndefined();
		const newest = await archive.load(`c${MAX_SAVED_EVALUATIONS}`);
		expect(newest?.runs.get('bm25')?.get('q1')).toEqual([{ id: 'd1', score: 1.5, rank: 1 }]);
		// Saving a corpus again replaces its record rather than adding one.
		await archive.save(record('c1', 5000));
		expect(await archive.load('c2')).toBeDefined();
		await archive.delete('c1');
		expect(await archive.load('c1')).toBeUndefined();
		expect(await archive.load('c2')).toBeDefined();
	});

	it('does not hand back a record written in another shape (an older version)', async () => {
		const factory = new IDBFactory();
		const archive = new IndexedDbEvaluationArchive(factory, 'versions');
		await archive.save(record('c1', 1));
		expect(await archive.load('c1')).toBeDefined();
		const db = await withIndexedDb(factory, () => openDB('versions', 1));
		await db.put('evaluations', { ...record('c1', 2), version: 0 });
		db.close();
		expect(await archive.load('c1')).toBeUndefined();
	});
});

describe('evaluationCorpusKey', () => {
	const key = (corpus: Corpus) => evaluationCorpusKey(corpus, judgedQueries(corpus));

	it('is the same for the same corpus and changes with a document, a judged query text or a judgment', async () => {
		const base = await key(loadDemoCorpus());
		expect(base).toMatch(/^[0-9a-f]{64}$/);
		expect(await key(loadDemoCorpus())).toBe(base);

		const doc = loadDemoCorpus();
		doc.docs[3] = { ...doc.docs[3], text: `${doc.docs[3].text} more` };
		const query = loadDemoCorpus();
		const qid = judgedQueries(query).queries[0].id;
		query.queries = query.queries.map((q) => (q.id === qid ? { ...q, text: `${q.text} again` } : q));
		const judgment = loadDemoCorpus();
		const [firstQuery, grades] = [...judgment.qrels][0];
		judgment.qrels.set(firstQuery, new Map([...grades, ['a-document-nobody-judged', 1]]));
		const keys = await Promise.all([key(doc), key(query), key(judgment)]);
		for (const k of keys) expect(k).not.toBe(base);
		expect(new Set(keys).size).toBe(3);
	});
});

describe('Evaluator: the last evaluation comes back in a new worker (a reload)', () => {
	it('restores the BM25 report with a new handle, exports the same TREC run, and finds nothing for another corpus or once forgotten', async () => {
		const factory = new IDBFactory();
		const before = worker(factory);
		await before.send({ type: 'load-corpus', source: { kind: 'demo' } });
		// Nothing saved yet.
		expect(expectType(await before.send({ type: 'restore-evaluation' }), 'evaluation-restored').report).toBeUndefined();
		const setups = { bm25: '{"kind":"bm25"}' };
		const evaluated = expectType(await before.send({ type: 'evaluate', panels: ['bm25'], baseline: 'bm25', setups }), 'evaluation').report;
		expect(evaluated.setups).toEqual(setups);
		const exported = expectType(await before.send({ type: 'export-run', evaluation: evaluated.evaluation, panel: 'bm25' }), 'run-export');

		const after = worker(factory);
		await after.send({ type: 'load-corpus', source: { kind: 'demo' } });
		const restore = expectType(await after.send({ type: 'restore-evaluation' }), 'evaluation-restored');
		const restored = restore.report!;
		expect(restored.evaluation).toBe(restore.id);
		expect(contentOf(restored)).toEqual(contentOf(evaluated));
		const again = expectType(await after.send({ type: 'export-run', evaluation: restored.evaluation, panel: 'bm25' }), 'run-export');
		expect(again.text).toBe(exported.text);
		expect(again.lines).toBeGreaterThan(0);

		// Another corpus has no saved evaluation; its own would not be the demo's.
		await after.send({ type: 'load-corpus', source: { kind: 'pasted', text: 'one document\n\nanother one' } });
		expect(expectType(await after.send({ type: 'restore-evaluation' }), 'evaluation-restored').report).toBeUndefined();

		await after.send({ type: 'load-corpus', source: { kind: 'demo' } });
		expectType(await after.send({ type: 'forget-evaluation' }), 'evaluation-forgotten');
		const third = worker(factory);
		await third.send({ type: 'load-corpus', source: { kind: 'demo' } });
		expect(expectType(await third.send({ type: 'restore-evaluation' }), 'evaluation-restored').report).toBeUndefined();
	});

	it('fingerprints the corpus once: the BM25 store and the evaluation key share it', async () => {
		const factory = new IDBFactory();
		const bm25Store = new IndexedDbStore('latelab-encoded', factory);
		const core = new EngineCore({ bm25Store, extensions: [(c) => new Evaluator(c, { archive: new IndexedDbEvaluationArchive(factory) })] });
		try {
			const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
			expectType(await core.handle({ type: 'load-corpus', id: nextId++, source: { kind: 'demo' } }), 'corpus-loaded');
			const afterLoad = digest.mock.calls.length;
			// The demo corpus is one segment: its digest and the final one.
			expect(afterLoad).toBe(2);
			expectType(await core.handle({ type: 'restore-evaluation', id: nextId++ }), 'evaluation-restored');
			// Only the key's own digest is new.
			expect(digest.mock.calls.length).toBe(afterLoad + 1);
			digest.mockRestore();
			expect(await core.fingerprintOf(core.corpus!.docs)).toBe(await corpusFingerprint(loadDemoCorpus().docs));
		} finally {
			await bm25Store.close();
		}
	});

	it('does not replace an evaluation run in this worker with the saved one', async () => {
		const factory = new IDBFactory();
		const w = worker(factory);
		await w.send({ type: 'load-corpus', source: { kind: 'demo' } });
		const evaluated = expectType(await w.send({ type: 'evaluate', panels: ['bm25'], baseline: 'bm25' }), 'evaluation').report;
		expect(expectType(await w.send({ type: 'restore-evaluation' }), 'evaluation-restored').report).toBeUndefined();
		// The evaluation held is still the one run here.
		expectType(await w.send({ type: 'export-run', evaluation: evaluated.evaluation, panel: 'bm25' }), 'run-export');
	});
});

describe('Evaluator: a restored comparison (tiny bi-encoder through the mock Hub)', () => {
	let ctx: HubContext;

	beforeAll(async () => {
		ctx = await startHubContext();
	}, 60_000);

	afterAll(async () => {
		await ctx?.close();
	});

	it('brings back the baseline last chosen, and compares restored runs without a model loaded', async () => {
		const factory = new IDBFactory();
		const before = worker(factory, (core) => nodeNeuralHost(core, new MemoryStore()));
		await before.send({ type: 'configure-hub', hub: { remoteHost: ctx.hub.url } });
		expectType(await before.send({ type: 'load-corpus', source: { kind: 'demo' } }), 'corpus-loaded');
		expectType(await before.send({ type: 'load-model', role: 'bi-encoder', choice: { spec: FIXTURE_MODELS.biEncoder, dtype: 'fp32', device: 'wasm' } }), 'model-loaded');
		expectType(await before.send({ type: 'prepare-panel', panel: 'bi-encoder', options: { ...defaultOptions(), kernel: 'js' } }), 'panel-prepared');
		const evaluated = expectType(await before.send({ type: 'evaluate', panels: ['bm25', 'bi-encoder'], baseline: 'bm25' }), 'evaluation').report;
		expect(evaluated.comparison?.baseline).toBe('bm25');
		const flipped = expectType(await before.send({ type: 'compare-evaluation', evaluation: evaluated.evaluation, baseline: 'bi-encoder' }), 'evaluation-comparison');

		// The new worker has no bi-encoder: the saved runs are enough to compare and export.
		const after = worker(factory);
		await after.send({ type: 'load-corpus', source: { kind: 'demo' } });
		const restored = expectType(await after.send({ type: 'restore-evaluation' }), 'evaluation-restored').report!;
		expect(restored.comparison).toEqual(flipped.comparison);
		expect(restored.panels).toEqual(evaluated.panels);
		const back = expectType(await after.send({ type: 'compare-evaluation', evaluation: restored.evaluation, baseline: 'bm25' }), 'evaluation-comparison');
		expect(back.comparison).toEqual(evaluated.comparison);
		const dense = expectType(await after.send({ type: 'export-run', evaluation: restored.evaluation, panel: 'bi-encoder' }), 'run-export');
		const original = expectType(await before.send({ type: 'export-run', evaluation: evaluated.evaluation, panel: 'bi-encoder' }), 'run-export');
		expect(dense.text).toBe(original.text);
	}, 120_000);
});
