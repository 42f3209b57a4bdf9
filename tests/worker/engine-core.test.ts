import { describe, expect, it } from 'vitest';
import { expectType } from './helpers';
import { EngineCore, queryKey } from '../../src/lib/worker/engine-core';


describe('EngineCore', () => {
	it('core.handle(load-corpus demo) summarises the demo corpus with example queries and their purpose', async () => {
		const core = new EngineCore();
		const r = expectType(await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } }), 'corpus-loaded');
		expect(r.corpus.nDocs).toBeGreaterThan(100);
		expect(r.corpus.examples.length).toBe(r.corpus.nQueries);
		const q01 = r.corpus.examples.find((e) => e.id === 'q01')!;
		expect(q01.text).toBe('heart attack symptoms');
		expect(q01.purpose).toMatch(/myocardial/);
		expect(q01.judged).toBeGreaterThan(0);
	});

	it('core.handle(search bm25) ranks, marks judged hits and reports timings and the kernel', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const r = expectType(await core.handle({ type: 'search', id: 2, panel: 'bm25', query: '  Heart   attack symptoms ', k: 10 }), 'search-result');
		expect(r.hits.length).toBeGreaterThan(0);
		expect(r.hits.map((h) => h.rank)).toEqual(r.hits.map((_, i) => i + 1));
		for (let i = 1; i < r.hits.length; i++) expect(r.hits[i].score).toBeLessThanOrEqual(r.hits[i - 1].score);
		expect(r.queryId).toBe('q01');
		expect(r.judged).toBeGreaterThan(0);
		expect(r.hits.some((h) => h.relevance !== undefined)).toBe(true);
		expect(r.kernel).toMatch(/^BM25/);
		expect(r.timings.map((t) => t.stage)).toContain('bm25 search');
	});

	it('core.handle(explain-bm25) returns term contributions summing to the search score, with offsets on the text', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const s = expectType(await core.handle({ type: 'search', id: 2, panel: 'bm25', query: 'panic attack', k: 3 }), 'search-result');
		const top = s.hits[0];
		const e = expectType(await core.handle({ type: 'explain-bm25', id: 3, query: 'panic attack', docId: top.id }), 'bm25-explanation');
		expect(e.score).toBeCloseTo(top.score, 4);
		const spans = e.terms.flatMap((t) => t.offsets);
		expect(spans.length).toBeGreaterThan(0);
		for (const [a, b] of spans) expect(e.text.slice(a, b).toLowerCase()).toMatch(/^(panic|attack)/);
	});

	it('core.handle(load-corpus pasted) keeps markup in documents as plain text', async () => {
		const core = new EngineCore();
		const text = 'A note about <script>alert(1)</script> scripts\nAn image <img src=x onerror=alert(2)> tag';
		const r = expectType(await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'pasted', text } }), 'corpus-loaded');
		expect(r.corpus.nDocs).toBe(2);
		expect(r.corpus.examples).toEqual([]);
		const s = expectType(await core.handle({ type: 'search', id: 2, panel: 'bm25', query: 'script', k: 5 }), 'search-result');
		expect(s.hits[0].snippet).toContain('<script>alert(1)</script>');
		expect(s.judged).toBe(0);
	});

	it('core.handle(load-corpus empty paste) fails with EMPTY_CORPUS and a fix, keeping the old corpus', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const r = expectType(await core.handle({ type: 'load-corpus', id: 2, source: { kind: 'pasted', text: '\n  \n' } }), 'error');
		expect(r.error.code).toBe('EMPTY_CORPUS');
		expect(r.error.fix).toMatch(/document/);
		expect(core.corpus?.docs.length).toBeGreaterThan(100);
	});

	it('core.handle(search) before a corpus or on an unwired panel answers an error, not a throw', async () => {
		const core = new EngineCore();
		expect(expectType(await core.handle({ type: 'search', id: 1, panel: 'bm25', query: 'x', k: 5 }), 'error').error.code).toBe('BAD_ARGUMENT');
		await core.handle({ type: 'load-corpus', id: 2, source: { kind: 'demo' } });
		const e = expectType(await core.handle({ type: 'search', id: 3, panel: 'colbert', query: 'x', k: 5 }), 'error');
		expect(e.error.message).toMatch(/colbert panel is not wired/);
	});

	it('queryKey(text) ignores case and extra spaces', () => {
		expect(queryKey('  Heart   ATTACK ')).toBe('heart attack');
	});
});

describe('EngineCore files', () => {
	it('core.handle(load-corpus file) reads a BEIR zip with queries and qrels, and a .jsonl file', async () => {
		const { zipSync, strToU8 } = await import('fflate');
		const zip = zipSync({
			'mini/corpus.jsonl': strToU8('{"_id":"d1","title":"Cats","text":"cats purr softly"}\n{"_id":"d2","title":"Dogs","text":"dogs bark loudly"}\n'),
			'mini/queries.jsonl': strToU8('{"_id":"q1","text":"purring cats"}\n'),
			'mini/qrels/test.tsv': strToU8('query-id\tcorpus-id\tscore\nq1\td1\t2\n')
		});
		const core = new EngineCore();
		const r = expectType(await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'file', file: new File([zip], 'mini.zip') } }), 'corpus-loaded');
		expect(r.corpus).toMatchObject({ name: 'mini', nDocs: 2, nQueries: 1, nJudgedQueries: 1 });
		const s = expectType(await core.handle({ type: 'search', id: 2, panel: 'bm25', query: 'purring cats', k: 5 }), 'search-result');
		expect(s.hits[0]).toMatchObject({ id: 'd1', relevance: 2 });
		const j = expectType(await core.handle({ type: 'load-corpus', id: 3, source: { kind: 'file', file: new File(['{"id":"x","text":"hello"}\n'], 'notes.jsonl') } }), 'corpus-loaded');
		expect(j.corpus).toMatchObject({ name: 'notes', nDocs: 1, source: 'file' });
	});

	it('core.handle(load-corpus bad jsonl) names the file and line and gives a fix', async () => {
		const core = new EngineCore();
		const r = expectType(await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'file', file: new File(['{"_id":"a","text":"ok"}\n{"_id": "b", "text": \n'], 'bad.jsonl') } }), 'error');
		expect(r.error.code).toBe('MALFORMED_JSON');
		expect(r.error.message).toMatch(/^bad\.jsonl:2: /);
		expect(r.error.fix.length).toBeGreaterThan(10);
	});
});

describe('EngineCore cancellation', () => {
	it('core.cancel(id) stops a file load between chunks and keeps the previous corpus', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const lines = Array.from({ length: 20000 }, (_, i) => `document number ${i} about nothing much`).join('\n');
		const pending = core.handle({ type: 'load-corpus', id: 2, source: { kind: 'file', file: new File([lines], 'big.txt') } }, () => core.cancel(2));
		expect(await pending).toEqual({ type: 'cancelled', id: 2 });
		expect(core.corpus?.name).toBe('latelab-demo');
	});
});

describe('EngineCore BM25 parameters', () => {
	it('core.handle(configure-bm25) rebuilds the index: b = 0 removes length normalisation and changes scores', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const before = expectType(await core.handle({ type: 'search', id: 2, panel: 'bm25', query: 'heart rate', k: 5 }), 'search-result');
		const r = expectType(await core.handle({ type: 'configure-bm25', id: 3, params: { k1: 1.2, b: 0 } }), 'bm25-configured');
		expect(r.params).toEqual({ k1: 1.2, b: 0, stem: true });
		const after = expectType(await core.handle({ type: 'search', id: 4, panel: 'bm25', query: 'heart rate', k: 5 }), 'search-result');
		expect(after.kernel).toBe('BM25 (k1 1.2, b 0)');
		expect(after.hits[0].score).not.toBeCloseTo(before.hits[0].score, 3);
	});

	it('core.handle(configure-bm25 { stem: false }) indexes surface forms: "planets" no longer matches "planet" and the kernel line says so', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const query = 'planets';
		const stemmed = expectType(await core.handle({ type: 'search', id: 2, panel: 'bm25', query, k: 20 }), 'search-result');
		expectType(await core.handle({ type: 'configure-bm25', id: 3, params: { k1: 0.9, b: 0.4, stem: false } }), 'bm25-configured');
		const surface = expectType(await core.handle({ type: 'search', id: 4, panel: 'bm25', query, k: 20 }), 'search-result');
		expect(surface.kernel).toBe('BM25 (k1 0.9, b 0.4, no stemming)');
		expect(core.bm25?.options.analyzer.stem).toBe(false);
		// Every unstemmed hit contains the exact word; stemming also finds "planet" alone, so it finds more.
		for (const hit of surface.hits) expect(`${hit.title} ${hit.snippet}`.toLowerCase()).toContain('planets');
		expect(stemmed.hits.length).toBeGreaterThan(surface.hits.length);
	});

	it('core.handle(configure-bm25) refuses b > 1 with BAD_ARGUMENT and keeps the old index', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const e = expectType(await core.handle({ type: 'configure-bm25', id: 2, params: { k1: 1, b: 2 } }), 'error');
		expect(e.error.code).toBe('BAD_ARGUMENT');
		expect(core.bm25?.options.b).toBe(0.4);
	});

	it('core.handle(configure-bm25) takes the BM25 panel options by their pipeline names: a bad stem is BAD_ARGUMENT, keys the panel does not have are dropped', async () => {
		const core = new EngineCore();
		await core.handle({ type: 'load-corpus', id: 1, source: { kind: 'demo' } });
		const e = expectType(await core.handle({ type: 'configure-bm25', id: 2, params: { k1: 1, b: 0.5, stem: 'no' } }), 'error');
		expect(e.error.code).toBe('BAD_ARGUMENT');
		expect(core.bm25?.options.b).toBe(0.4);
		const r = expectType(await core.handle({ type: 'configure-bm25', id: 3, params: { k1: 1, b: 0.5, maxsimBackend: 'js' } }), 'bm25-configured');
		expect(r.params).toEqual({ k1: 1, b: 0.5, stem: true });
	});
});
