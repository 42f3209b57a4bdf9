import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanceModules } from '../../src/cli/lance-modules';
import { FIXTURE_MODELS, fixtureModelDir } from '../fixtures/generate';
import { removeTempDirs, runCli } from './helpers';
import { syntheticFolder, textBeir, tmp } from './lancedb-helpers';

/**
 * `latelab index build --store lancedb:<dir>` and `search|eval --store`: the store answers as the
 * in-memory `colbert` pipeline does on the same vectors (top 10 and scores), on a synthetic vectors
 * folder and on a text collection encoded by the tiny generated ColBERT model.
 */

const root = tmp('latelab-lancedb-cli-');
afterAll(() => {
	rmSync(root, { recursive: true, force: true });
	removeTempDirs();
});

let vectors: string;
beforeAll(async () => {
	vectors = await syntheticFolder(join(root, 'synth'), { docs: 60, queries: 6, dim: 16, tokens: 12 });
});

type Hit = { id: string; score: number; rank: number };
const hitsOf = (stdout: string): Hit[] => (JSON.parse(stdout) as { hits: Hit[] }).hits;

function expectSameRanking(store: Hit[], memory: Hit[]) {
	expect(store.map((h) => h.id)).toEqual(memory.map((h) => h.id));
	store.forEach((h, i) => expect(h.score).toBeCloseTo(memory[i].score, 4));
}

describe('latelab index build / search --store lancedb (vectors folder)', () => {
	it('index build writes every document; search --store returns the colbert pipeline top 10 with equal scores, exhaustive and two-phase', async () => {
		const store = join(root, 'store-a');
		const built = await runCli(['index', 'build', '--data', vectors, '--store', `lancedb:${store}`, '--opt', 'index=ivf_pq', '--opt', 'partitions=2', '--json', '--quiet']);
		expect(built.stderr).toBe('');
		expect(built.code).toBe(0);
		const report = JSON.parse(built.stdout);
		expect(report).toMatchObject({ documents: 60, written: 60, resumedFrom: 0, model: 'synthetic/test', dim: 16, pool: 1, distance: 'cosine' });
		expect(report.bytes).toBeGreaterThan(60 * 12 * 16 * 4 * 0.5);
		// 60 rows: too few to train PQ on the pooled column, enough vectors for the multivector index.
		expect(report.index).toEqual(['IvfPq(vectors)']);
		for (const q of ['q0', 'q3', 'q5']) {
			const memory = await runCli(['search', '--data', vectors, '--pipeline', 'colbert', '--query-id', q, '--json', '--quiet']);
			const lance = await runCli(['search', '--data', vectors, '--store', `lancedb:${store}`, '--query-id', q, '--json', '--quiet']);
			expect(lance.code).toBe(0);
			expect(JSON.parse(lance.stdout).pipeline).toBe('lancedb');
			expectSameRanking(hitsOf(lance.stdout), hitsOf(memory.stdout));
			const twoPhase = await runCli(['search', '--data', vectors, '--store', `lancedb:${store}`, '--opt', 'mode=two-phase', '--depth', '60', '--query-id', q, '--json', '--quiet']);
			expectSameRanking(hitsOf(twoPhase.stdout), hitsOf(memory.stdout));
		}
	});

	it('eval --store gives the colbert pipeline metrics; a resumed build (tail rows deleted) continues where the table ends', async () => {
		const store = join(root, 'store-b');
		expect((await runCli(['index', 'build', '--data', vectors, '--store', `lancedb:${store}`, '--quiet'])).code).toBe(0);
		// An interrupted build leaves the first rows: drop the last 25 and build again.
		const table = await (await lanceModules().lancedb.connect(store)).openTable('documents');
		const ids = ((await table.query().select(['id']).toArray()) as { id: string }[]).map((r) => r.id);
		await table.delete(`id IN (${ids.slice(35).map((id) => `'${id}'`).join(', ')})`);
		expect(await table.countRows()).toBe(35);
		const search = await runCli(['search', '--data', vectors, '--store', `lancedb:${store}`, '--query-id', 'q0']);
		expect(search.code).toBe(2);
		expect(search.stderr.trim()).toMatch(/^latelab: store .* is unfinished: 35 of 60 documents; run the same latelab index build again to continue$/);
		const resumed = await runCli(['index', 'build', '--data', vectors, '--store', `lancedb:${store}`, '--json', '--quiet']);
		expect(JSON.parse(resumed.stdout)).toMatchObject({ written: 25, resumedFrom: 35, documents: 60 });
		const memory = await runCli(['eval', '--data', vectors, '--pipeline', 'colbert', '--json', '--quiet']);
		const lance = await runCli(['eval', '--data', vectors, '--store', `lancedb:${store}`, '--json', '--quiet']);
		expect(lance.code).toBe(0);
		const a = JSON.parse(memory.stdout).metrics;
		const b = JSON.parse(lance.stdout).metrics;
		for (const m of Object.keys(a)) expect(b[m]).toBeCloseTo(a[m], 6);
	});

	it('--opt pool=2 stores pooled vectors (dot distance) and matches colbert --opt pool=2', async () => {
		const store = join(root, 'store-pool');
		const built = await runCli(['index', 'build', '--data', vectors, '--store', `lancedb:${store}`, '--opt', 'pool=2', '--json', '--quiet']);
		expect(JSON.parse(built.stdout)).toMatchObject({ pool: 2, distance: 'dot' });
		const memory = await runCli(['search', '--data', vectors, '--pipeline', 'colbert', '--opt', 'pool=2', '--query-id', 'q1', '--json', '--quiet']);
		const lance = await runCli(['search', '--data', vectors, '--store', `lancedb:${store}`, '--query-id', 'q1', '--json', '--quiet']);
		expectSameRanking(hitsOf(lance.stdout), hitsOf(memory.stdout));
	});

	it('bad stores exit 2 with one line and change nothing: unwritable, another model or dim, another build without --force', async () => {
		const file = join(root, 'a-file');
		writeFileSync(file, 'x');
		const unwritable = await runCli(['index', 'build', '--data', vectors, '--store', `lancedb:${file}/store`]);
		expect(unwritable.code).toBe(2);
		expect(unwritable.stderr).toMatch(/^latelab: cannot write store .*a-file\/store: .*a-file is a file, not a folder\n$/);

		const store = join(root, 'store-c');
		expect((await runCli(['index', 'build', '--data', vectors, '--store', `lancedb:${store}`, '--quiet'])).code).toBe(0);
		const other = await syntheticFolder(join(root, 'synth-other'), { docs: 20, queries: 2, dim: 8, tokens: 6, model: 'synthetic/other' });
		const wrongModel = await runCli(['search', '--data', other, '--store', `lancedb:${store}`, '--query-id', 'q0']);
		expect(wrongModel.code).toBe(2);
		expect(wrongModel.stderr).toMatch(/^latelab: store .*store-c was built with model synthetic\/test \(dim 16\), not synthetic\/other; .*\n$/);
		const sameName = await syntheticFolder(join(root, 'synth-dim8'), { docs: 20, queries: 2, dim: 8, tokens: 6 });
		const wrongDim = await runCli(['search', '--data', sameName, '--store', `lancedb:${store}`, '--query-id', 'q0']);
		expect(wrongDim.code).toBe(2);
		expect(wrongDim.stderr).toMatch(/^latelab: store .* holds 16-dimensional vectors \(model synthetic\/test\), the query vectors have 8\n$/);
		const before = readdirSync(store, { recursive: true }).length;
		const replace = await runCli(['index', 'build', '--data', other, '--store', `lancedb:${store}`]);
		expect(replace.code).toBe(2);
		expect(replace.stderr).toMatch(/^latelab: store .* already holds another build \(model synthetic\/test, dim 16, pool 1, 60 documents\); add --force to replace it\n$/);
		expect(readdirSync(store, { recursive: true }).length).toBe(before);
		const forced = await runCli(['index', 'build', '--data', other, '--store', `lancedb:${store}`, '--force', '--json', '--quiet']);
		expect(JSON.parse(forced.stdout)).toMatchObject({ model: 'synthetic/other', dim: 8, documents: 20 });
		const missing = await runCli(['search', '--data', vectors, '--store', `lancedb:${join(root, 'nothing-here')}`, '--query-id', 'q0']);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/^latelab: no latelab store in .*nothing-here/);
		expect(existsSync(join(root, 'nothing-here'))).toBe(false);
	});

	it('--store with a non-ColBERT pipeline, or a store value without lancedb:, is a usage error', async () => {
		const bm25 = await runCli(['search', '--data', vectors, '--store', `lancedb:${root}`, '--pipeline', 'bm25', '--query', 'x']);
		expect(bm25.code).toBe(2);
		expect(bm25.stderr).toMatch(/--store serves late interaction only/);
		const bad = await runCli(['index', 'build', '--data', vectors, '--store', root]);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--store expects lancedb:<dir-or-uri>/);
		const storage = await runCli(['index', 'build', '--data', vectors, '--store', `lancedb:${join(root, 'never')}`, '--opt', 'storage=int8']);
		expect(storage.code).toBe(2);
		expect(storage.stderr).toMatch(/^latelab: index build: a LanceDB store holds float32 vectors; --opt storage=int8 has no LanceDB counterpart/);
		expect(existsSync(join(root, 'never'))).toBe(false);
	});
});

describe('latelab index build / search --store lancedb (text, tiny ColBERT model)', () => {
	it('a store built with the tiny model answers like colbert; --model of another model exits 2', async () => {
		const beir = textBeir(tmp('latelab-lancedb-text-'));
		const model = fixtureModelDir(FIXTURE_MODELS.colbertFolded);
		const store = join(root, 'store-text');
		// 14 short texts hold too few vectors to train PQ: the index step says so (the table is written).
		const tooSmall = await runCli(['index', 'build', '--data', beir, '--model', model, '--store', `lancedb:${store}`, '--opt', 'index=ivf_pq', '--quiet']);
		expect(tooSmall.code).toBe(2);
		expect(tooSmall.stderr).toMatch(/^latelab: index=ivf_pq: PQ training needs at least 256 vectors, store .* holds \d+; search it exhaustively \(no index\)\n$/);
		const built = await runCli(['index', 'build', '--data', beir, '--model', model, '--store', `lancedb:${store}`, '--json', '--quiet']);
		expect(built.stderr).toBe('');
		expect(built.code).toBe(0);
		const report = JSON.parse(built.stdout);
		expect(report).toMatchObject({ documents: 14, written: 0, resumedFrom: 14, model, pool: 1, distance: 'cosine', index: [] });
		for (const query of ['red planet', 'fruit salad', 'the sea']) {
			const memory = await runCli(['search', '--data', beir, '--pipeline', 'colbert', '--model', model, '--query', query, '--json', '--quiet']);
			// No --model: the store's own model encodes the query.
			const lance = await runCli(['search', '--data', beir, '--store', `lancedb:${store}`, '--query', query, '--json', '--quiet']);
			expect(lance.code).toBe(0);
			expectSameRanking(hitsOf(lance.stdout), hitsOf(memory.stdout));
		}
		const other = fixtureModelDir(FIXTURE_MODELS.colbertPylate);
		const wrong = await runCli(['search', '--data', beir, '--store', `lancedb:${store}`, '--model', other, '--query', 'red planet']);
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toMatch(/^latelab: store .* was built with model .*tiny-colbert-folded \(dim 16\), not .*tiny-colbert-pylate; .*\n$/);
		rmSync(beir, { recursive: true, force: true });
	});
});
