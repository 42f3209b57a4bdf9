import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder } from '../../src/lib/engine/encoders/load-encoder';
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../fixtures/generate';
import { runCli } from './helpers';

let dir: string;
const DOCS = ['Mars is known as the red planet.', 'Venus is the hottest planet.', 'Apples grow on trees.'];

beforeAll(async () => {
	await generateFixtures();
	dir = mkdtempSync(join(tmpdir(), 'latelab-score-'));
	// Input order deliberately not sorted by id.
	writeFileSync(join(dir, 'docs.jsonl'), [`{"_id": "z", "text": "${DOCS[0]}"}`, `{"id": "a", "text": "${DOCS[1]}"}`, `{"id": "m", "text": "${DOCS[2]}"}`].join('\n') + '\n');
	writeFileSync(join(dir, 'docs.txt'), DOCS.join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const colbertDir = () => fixtureModelDir(FIXTURE_MODELS.colbertFolded);

describe('latelab score', () => {
	it('latelab score --pipeline colbert --json --explain prints MaxSim scores in input order with token ids, strings and argmax', async () => {
		const r = await runCli(['score', '--pipeline', 'colbert', '--model', colbertDir(), '--query', 'red planet', '--docs', 'docs.jsonl', '--json', '--explain'], { cwd: dir });
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.pipeline).toBe('colbert');
		expect(out.scores.map((s: { id: string }) => s.id)).toEqual(['z', 'a', 'm']);
		const enc = await loadEncoder('colbert', { id: colbertDir(), localDir: colbertDir() });
		const q = await enc.encodeQuery('red planet');
		const d = await enc.encodeDocuments(DOCS);
		out.scores.forEach((s: { score: number; explain: { queryIds: number[]; queryTokens: string[]; docIds: number[]; docTokens: string[]; argmax: number[] } }, i: number) => {
			expect(Math.abs(s.score - maxSim(q.matrix, d[i].matrix))).toBeLessThan(1e-4);
			expect(s.explain.queryIds).toEqual(q.ids);
			expect(s.explain.queryTokens).toEqual(q.tokens);
			expect(s.explain.docIds).toEqual(d[i].ids);
			expect(s.explain.docTokens).toEqual(d[i].tokens);
			expect(s.explain.argmax).toHaveLength(q.ids.length);
			for (const j of s.explain.argmax) expect(j).toBeGreaterThanOrEqual(0), expect(j).toBeLessThan(d[i].ids.length);
		});
		expect(out.scores[0].explain.docTokens[out.scores[0].explain.argmax[2]]).toBe('red');
		await enc.dispose();
	});

	it('latelab score --pipeline dense reads a .txt (one document per line) and prints a table in input order', async () => {
		const r = await runCli(['score', '--pipeline', 'dense', '--model', fixtureModelDir(FIXTURE_MODELS.biEncoder), '--query', 'red planet', '--docs', 'docs.txt'], { cwd: dir });
		expect(r.code).toBe(0);
		const lines = r.stdout.trim().split('\n');
		expect(lines[0]).toMatch(/^id\s+score$/);
		expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['doc-1', 'doc-2', 'doc-3']);
		for (const l of lines.slice(1)) expect(Math.abs(Number(l.split(/\s+/)[1]))).toBeLessThanOrEqual(1.0001);
	});

	it('latelab score --pipeline cross --json gives the cross-encoder logits, and --explain their occlusion drops', async () => {
		const model = fixtureModelDir(FIXTURE_MODELS.crossEncoder);
		const r = await runCli(['score', '-p', 'cross', '--model', model, '--query', 'red planet', '--docs', 'docs.jsonl', '--json', '--explain'], { cwd: dir });
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		const enc = await loadEncoder('cross-encoder', { id: model, localDir: model });
		const logits = await enc.score('red planet', DOCS);
		out.scores.forEach((s: { score: number; explain: { words: string[]; drops: number[] } }, i: number) => {
			expect(s.score).toBeCloseTo(logits[i], 4);
			expect(s.explain.words).toEqual(DOCS[i].split(' '));
			expect(s.explain.drops).toHaveLength(s.explain.words.length);
		});
		await enc.dispose();
	});

	it('latelab score with a bad pipeline, a missing option or a missing file exits 2 with one line', async () => {
		const bad = await runCli(['score', '--pipeline', 'bm25', '--model', 'x', '--query', 'q', '--docs', 'docs.txt'], { cwd: dir });
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/unknown score pipeline "bm25"; expected one of: dense, cross, colbert/);
		const missing = await runCli(['score', '--pipeline', 'colbert', '--model', colbertDir(), '--query', 'q'], { cwd: dir });
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/--docs is required/);
		const nofile = await runCli(['score', '--pipeline', 'colbert', '--model', colbertDir(), '--query', 'q', '--docs', 'nope.jsonl'], { cwd: dir });
		expect(nofile.code).toBe(2);
		expect(nofile.stderr).toMatch(/not found.*nope\.jsonl/);
		const dtype = await runCli(['score', '--pipeline', 'colbert', '--model', colbertDir(), '--query', 'q', '--docs', 'docs.txt', '--dtype', 'fp64'], { cwd: dir });
		expect(dtype.code).toBe(2);
		expect(dtype.stderr).toMatch(/unknown dtype "fp64"/);
	});
});

describe('latelab search / eval with neural pipelines', () => {
	it('latelab search --pipeline colbert-rerank --model <dir> --json ranks with MaxSim and names the kernel on stderr', async () => {
		const beir = mkdtempSync(join(tmpdir(), 'latelab-score-beir-'));
		try {
			writeFileSync(join(beir, 'corpus.jsonl'), DOCS.map((t, i) => JSON.stringify({ _id: `d${i}`, title: '', text: t })).join('\n') + '\n');
			const env = { LATELAB_CACHE: join(beir, 'cache') };
			const r = await runCli(['search', '--data', beir, '--pipeline', 'colbert-rerank', '--model', colbertDir(), '--query', 'red planet', '--depth', '2', '--json'], { env });
			expect(r.code).toBe(0);
			const out = JSON.parse(r.stdout);
			expect(out.hits).toHaveLength(2);
			expect(Object.keys(out.timings.stages)).toEqual(expect.arrayContaining(['encode-corpus', 'first-stage', 'encode-query', 'maxsim']));
			expect(r.stderr).toMatch(/MaxSim kernel (js|wasm|webgpu) \(/);
			// The encoded corpus went to the command's LATELAB_CACHE, one entry with one batch, beside the BM25 first stage's index.
			const all = readdirSync(join(beir, 'cache', 'encoded'));
			expect(all.filter((name) => name.startsWith('bm25__'))).toHaveLength(1);
			const entries = all.filter((name) => !name.startsWith('bm25__'));
			expect(entries).toHaveLength(1);
			expect(readdirSync(join(beir, 'cache', 'encoded', entries[0]))).toEqual(['batch-000000.bin']);
		} finally {
			rmSync(beir, { recursive: true, force: true });
		}
	});
});
