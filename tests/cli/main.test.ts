import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createError } from '../../src/lib/engine/errors';
import { registerPipeline } from '../../src/lib/engine/pipelines/registry';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../fixtures/generate';
import { removeTempDirs, runCli, tinyBeir, TINY_EXPECTED } from './helpers';

let dir: string;
beforeAll(() => {
	dir = tinyBeir();
});
afterAll(removeTempDirs);

/** A user error: exit 2, nothing on stdout, exactly one `latelab: ` line on stderr. */
function expectUsageError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
	expect(result.code).toBe(2);
	expect(result.stdout).toBe('');
	expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
	expect(result.stderr).toMatch(/^latelab: /);
	expect(result.stderr).toMatch(pattern);
}

describe('main(argv) usage', () => {
	it('main(["--version"]) prints the package version', async () => {
		const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
		expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
	});

	it('main(["--help"]) lists the commands and the registered pipelines', async () => {
		const r = await runCli(['--help']);
		expect(r.code).toBe(0);
		for (const word of ['search', 'eval', 'compare', 'data fetch', 'bm25']) expect(r.stdout).toContain(word);
	});

	it('main([command, "--help"]) prints that command\'s options', async () => {
		for (const [cmd, flag] of [['search', '--query'], ['eval', '--run-out'], ['compare', '--qrels'], ['data', '--to']]) {
			const r = await runCli([cmd, '--help']);
			expect(r.code, cmd).toBe(0);
			expect(r.stdout, cmd).toContain(flag);
		}
	});

	it('main(argv) exits 2 with one line for no command, unknown commands and unknown flags', async () => {
		expectUsageError(await runCli([]), /name a command/);
		expectUsageError(await runCli(['serch']), /unknown command "serch"/);
		expectUsageError(await runCli(['--frob']), /unknown option "--frob"/);
		expectUsageError(await runCli(['search', '--data', dir, '--query', 'x', '--frob']), /unknown option --frob.*latelab search --help/);
		expectUsageError(await runCli(['eval', '--data']), /--data needs a value/);
		expectUsageError(await runCli(['search', '--data', dir, '--query', '-fig']), /value of --query starts with "-"; write it as --query="-\.\.\."/);
		expectUsageError(await runCli(['eval', '--data', dir, '--json=yes']), /--json takes no value/);
		expectUsageError(await runCli(['search', '--data', dir, 'loose words']), /unexpected argument "loose words".*--query/);
		expectUsageError(await runCli(['data']), /name a subcommand/);
		expectUsageError(await runCli(['data', 'pull', 'scifact']), /unknown data subcommand "pull"/);
	});

	it('main(argv) exits 2 for missing or malformed values', async () => {
		expectUsageError(await runCli(['search', '--query', 'x']), /--data is required/);
		expectUsageError(await runCli(['search', '--data', dir]), /--query is required/);
		expectUsageError(await runCli(['search', '--data', dir, '--query', 'x', '--k', 'ten']), /--k expects a positive integer, got "ten"/);
		expectUsageError(await runCli(['search', '--data', dir, '--query', 'x', '--k', '0']), /--k expects a positive integer/);
		expectUsageError(await runCli(['eval', '--data', dir, '--b', '1.5']), /--b expects a number between 0 and 1/);
		expectUsageError(await runCli(['eval', '--data', dir, '--metrics', 'ndcg@10,bleu']), /unknown metric "bleu"/);
		expectUsageError(await runCli(['eval', '--data', dir, '--pipeline', 'nope']), /unknown pipeline "nope"; expected one of: .*bm25/);
		expectUsageError(await runCli(['eval', '--data', dir, '--model', 'some/model']), /pipeline "bm25" uses no model/);
		expectUsageError(await runCli(['eval', '--data', dir, '--model', 'dense=x']), /unknown model role "dense"/);
		expectUsageError(await runCli(['eval', '--data', join(dir, 'missing')]), /file not found: .*missing/);
		expectUsageError(await runCli(['eval', '--data', dir, '--split', 'dev']), /dev\.tsv/);
		expectUsageError(await runCli(['eval', '--data', join(dir, 'corpus.jsonl')]), /BEIR/);
	});

	it('main(argv) reports a bug in one line with a hint, and the stack only with LATELAB_DEBUG=1', async () => {
		registerPipeline('test-crash', async () => {
			throw new Error('kaput\nsecond line');
		}, 'always fails');
		const args = ['search', '--data', dir, '--query', 'x', '--pipeline', 'test-crash', '--quiet'];
		const r = await runCli(args);
		expect(r.code).toBe(1);
		expect(r.stderr).toBe('latelab: unexpected error: kaput second line (run with LATELAB_DEBUG=1 for the stack)\n');
		const debug = await runCli(args, { env: { LATELAB_DEBUG: '1' } });
		expect(debug.code).toBe(1);
		expect(debug.stderr).toMatch(/^latelab: unexpected error: kaput second line\nError: kaput\nsecond line\n\s+at /);
	});

	it('main(argv) exits 130 when Ctrl-C cancels the work (CANCELLED) and says it stopped', async () => {
		// Builds until the CLI's SIGINT handler aborts the signal, then stops as the encoders do.
		registerPipeline('test-interrupted', (ctx) => new Promise((_, reject) => {
			ctx.signal?.addEventListener('abort', () => reject(createError('CANCELLED', { detail: ' after 0 of 5 documents' })));
			setTimeout(() => process.emit('SIGINT'), 5);
		}), 'stops at the first Ctrl-C');
		const r = await runCli(['search', '--data', dir, '--query', 'fig', '--pipeline', 'test-interrupted']);
		expect(r.code).toBe(130);
		expect(r.stdout).toBe('');
		expect(r.stderr).toMatch(/interrupted: stopping after the current batch/);
		expect(r.stderr).toMatch(/\nlatelab: cancelled after 0 of 5 documents\n$/);
	});
});

describe('latelab search', () => {
	it('search --json prints pipeline, query, hits with rank/id/score, and timings', async () => {
		const r = await runCli(['search', '--data', dir, '--query', 'fig banana', '--k', '5', '--json']);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out).toMatchObject({ pipeline: 'bm25', query: 'fig banana', k: 5 });
		expect(out.hits.map((h: { id: string }) => h.id).sort()).toEqual(['d1', 'd3']);
		expect(out.hits.map((h: { rank: number }) => h.rank)).toEqual([1, 2]);
		for (const h of out.hits) expect(Object.keys(h)).toEqual(['rank', 'id', 'score']);
		expect(out.timings).toMatchObject({ indexMs: expect.any(Number), searchMs: expect.any(Number) });
		// Built now (`index`) or read back from the cache an earlier test filled (`index-load`).
		expect(Object.keys(out.timings.stages)).toEqual(expect.arrayContaining([expect.stringMatching(/^index(-load)?$/), 'search']));
	});

	it('search --json adds the MaxSim kernel {backend, reason} for ColBERT, and no kernel key for BM25', async () => {
		await generateFixtures();
		const model = fixtureModelDir(FIXTURE_MODELS.colbertFolded);
		const args = ['search', '--data', dir, '--query', 'fig banana', '--json', '--quiet', '--opt', 'cache=false'];
		const r = await runCli([...args, '--pipeline', 'colbert', '--model', model, '--opt', 'maxsimBackend=js']);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.pipeline).toBe('colbert');
		expect(Object.keys(out.kernel)).toEqual(['backend', 'reason']);
		expect(out.kernel.backend).toBe('js');
		expect(out.kernel.reason).toMatch(/\S/);
		expect(out.hits.length).toBeGreaterThan(0);
		const bm25 = JSON.parse((await runCli(args)).stdout);
		expect(bm25.pipeline).toBe('bm25');
		expect(bm25).not.toHaveProperty('kernel');
	});

	it('search prints a ranked table with a title/text snippet', async () => {
		const r = await runCli(['search', '--data', dir, '--query', 'fig', '--quiet']);
		expect(r.code).toBe(0);
		expect(r.stderr).toBe('');
		const lines = r.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^rank\s+id\s+score\s+document$/);
		expect(lines[1]).toMatch(/^\s*1\s+d3\s+\d+\.\d{4}\s+Figs \| elderberry fig$/);
		expect(lines).toHaveLength(2);
	});

	it('search accepts a plain documents file and says when nothing matches', async () => {
		const file = join(dir, 'notes.txt');
		writeFileSync(file, 'the first note about kernels\nthe second note about \u001b[31mcolour\n');
		const r = await runCli(['search', '--data', file, '--query', 'colour', '--quiet']);
		expect(r.code).toBe(0);
		expect(r.stdout).not.toContain('\u001b');
		expect(r.stdout).toMatch(/colour/);
		const none = await runCli(['search', '--data', file, '--query', 'zebra', '--quiet']);
		expect(none.stdout).toMatch(/^no document matches "zebra"/);
	});
});

describe('latelab eval', () => {
	it('eval --json prints the metrics over judged queries only, per query values and timings', async () => {
		const r = await runCli(['eval', '--data', dir, '--json', '--quiet']);
		expect(r.code).toBe(0);
		expect(r.stderr).toBe('');
		const out = JSON.parse(r.stdout);
		expect(out).toMatchObject({ pipeline: 'bm25', data: dir, split: 'test', judgedQueries: 3 });
		for (const [metric, value] of Object.entries(TINY_EXPECTED)) expect(out.metrics[metric], metric).toBeCloseTo(value, 10);
		expect(Object.keys(out.perQuery)).toEqual(['q1', 'q2', 'q3']);
		expect(out.perQuery.q3).toEqual({ 'ndcg@10': 0, 'recall@100': 0, 'mrr@10': 0, map: 0 });
		expect(out.timings).toMatchObject({
			indexMs: expect.any(Number),
			searchMs: expect.any(Number),
			queriesPerSecond: expect.any(Number)
		});
	});

	it('eval prints the four default metrics and the judged query count', async () => {
		const r = await runCli(['eval', '--data', dir, '--quiet']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/3 judged queries/);
		expect(r.stdout).toMatch(new RegExp(`ndcg@10\\s+${TINY_EXPECTED['ndcg@10'].toFixed(4)}`));
		expect(r.stdout).toMatch(/recall@100\s+0\.5000/);
		expect(r.stdout).toMatch(/mrr@10\s+0\.6667/);
		expect(r.stdout).toMatch(/map\s+0\.5000/);
	});

	it('eval --metrics chooses metrics; --k bounds the run depth', async () => {
		const r = await runCli(['eval', '--data', dir, '--metrics', 'p@1,mrr', '--metrics', 'ndcg@1', '--json', '-q']);
		expect(Object.keys(JSON.parse(r.stdout).metrics)).toEqual(['p@1', 'mrr', 'ndcg@1']);
		expect(JSON.parse(r.stdout).metrics['p@1']).toBeCloseTo(2 / 3, 12);
	});

	it('eval reports warnings on stderr unless --quiet', async () => {
		const warned = tinyBeir();
		writeFileSync(join(warned, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\tghost\t1\n');
		const r = await runCli(['eval', '--data', warned, '--json']);
		expect(r.code).toBe(0);
		expect(r.stderr).toMatch(/^latelab: warning: .*"ghost"/m);
		expect(JSON.parse(r.stdout).metrics['recall@100']).toBeCloseTo(0.5, 12);
		expect((await runCli(['eval', '--data', warned, '--json', '--quiet'])).stderr).toBe('');
	});

	it('eval --run-out writes a TREC run that compare reads back: a run against itself ties everywhere', async () => {
		const runPath = join(dir, 'bm25.trec');
		const e = await runCli(['eval', '--data', dir, '--run-out', runPath, '--tag', 'mine', '-q']);
		expect(e.code).toBe(0);
		const lines = readFileSync(runPath, 'utf8').trimEnd().split('\n');
		expect(lines).toContain(lines.find((l) => /^q1 Q0 d1 1 \S+ mine$/.test(l)));
		const c = await runCli(['compare', runPath, runPath, '--qrels', join(dir, 'qrels', 'test.tsv'), '--json']);
		expect(c.code).toBe(0);
		const out = JSON.parse(c.stdout);
		expect(out.judgedQueries).toBe(3);
		expect(out.metrics['ndcg@10']).toMatchObject({ delta: 0, pRandomization: 1, pTTest: 1, wins: 0, ties: 3, losses: 0 });
		expect(out.overlap).toMatchObject({ jaccard: 1, rbo: 1 });
		expect(out.perQuery.q2['map']).toBe(0);
	});
});

describe('latelab eval --run-out / --tag checked before any work', () => {
	it('eval --run-out into a missing folder, onto a folder, or with a tag holding a space exits 2 with one line before the model is even looked for', async () => {
		// The model does not exist: an error about it would mean the pipeline was built first.
		const base = ['eval', '--data', dir, '-p', 'dense', '--model', join(dir, 'no-such-model'), '-q'];
		const missing = await runCli([...base, '--run-out', join(dir, 'no-such-folder', 'run.trec')]);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/^latelab: cannot write run file .*run\.trec: its folder does not exist \(ENOENT\)\n$/);
		const folder = await runCli([...base, '--run-out', dir]);
		expect(folder.stderr).toMatch(/^latelab: cannot write run file .*: it is a folder\n$/);
		const tag = await runCli([...base, '--run-out', join(dir, 'ok.trec'), '--tag', 'a b']);
		expect(tag.code).toBe(2);
		expect(tag.stderr).toMatch(/^latelab: a TREC run cannot hold the run tag "a b"/);
	});
});

describe('latelab compare', () => {
	function writeRuns(): { a: string; b: string; qrels: string } {
		const a = join(dir, 'a.trec');
		const b = join(dir, 'b.trec');
		// q1: A finds d1 at rank 2, B at rank 1 (B wins); q2: both find d3 first (tie); q3: B finds d2, A nothing (B wins).
		writeFileSync(a, 'q1 Q0 d2 1 2.0 A\nq1 Q0 d1 2 1.0 A\nq2 Q0 d3 1 5 A\n');
		writeFileSync(b, 'q1 Q0 d1 1 3 B\nq2 Q0 d3 1 5 B\nq3 Q0 d2 1 1 B\n');
		return { a, b, qrels: join(dir, 'qrels', 'test.tsv') };
	}

	it('compare prints means, B - A, both p-values and W/T/L per metric, and the overlap', async () => {
		const { a, b, qrels } = writeRuns();
		const r = await runCli(['compare', a, b, '--qrels', qrels, '--metrics', 'mrr@10']);
		expect(r.code).toBe(0);
		// mrr@10: A = (0.5 + 1 + 0) / 3, B = (1 + 1 + 1) / 3.
		expect(r.stdout).toMatch(/mrr@10\s+0\.5000\s+1\.0000\s+\+0\.5000\s+\d\.\d{4}\s+\d\.\d{4}\s+2\/1\/0/);
		expect(r.stdout).toMatch(/3 judged queries/);
		expect(r.stdout).toMatch(/top-10 overlap over 2 shared queries/);
		expect(r.stderr).toMatch(/a\.trec: 1 of 3 judged queries are absent/);
	});

	it('compare --permutations above a million exits 2 with one line instead of running for hours', async () => {
		const { a, b, qrels } = writeRuns();
		const r = await runCli(['compare', a, b, '--qrels', qrels, '--permutations', '100000000000', '-q']);
		expect(r.code).toBe(2);
		expect(r.stderr).toBe('latelab: --permutations must be at most 1,000,000, got 100000000000\n');
	});

	it('compare --json gives metrics with p-values, per-query deltas and settings', async () => {
		const { a, b, qrels } = writeRuns();
		const r = await runCli(['compare', a, b, '--qrels', qrels, '--json', '--permutations', '200', '--seed', '7', '-q']);
		const out = JSON.parse(r.stdout);
		expect(out.metrics['mrr@10']).toMatchObject({ meanA: 0.5, meanB: 1, wins: 2, ties: 1, losses: 0 });
		expect(out.metrics['mrr@10'].delta).toBeCloseTo(0.5, 12);
		expect(out.metrics['mrr@10'].pRandomization).toBeGreaterThan(0);
		expect(out.metrics['mrr@10'].pRandomization).toBeLessThanOrEqual(1);
		expect(out.perQuery).toEqual({
			q1: expect.objectContaining({ 'mrr@10': 0.5 }),
			q2: expect.objectContaining({ 'mrr@10': 0 }),
			q3: expect.objectContaining({ 'mrr@10': 1 })
		});
		expect(out.settings).toEqual({ permutations: 200, seed: 7, tieTolerance: 1e-9 });
		expect(out.overlap).toMatchObject({ queries: 2, k: 10, p: 0.9 });
	});

	it('compare --qrels <beir-dir> scores runs as eval did', async () => {
		const runPath = join(dir, 'for-dir.trec');
		const e = JSON.parse((await runCli(['eval', '--data', dir, '--run-out', runPath, '--json', '-q'])).stdout);
		const c = JSON.parse((await runCli(['compare', runPath, runPath, '--qrels', dir, '--json', '-q'])).stdout);
		for (const metric of Object.keys(TINY_EXPECTED)) expect(c.metrics[metric].meanA, metric).toBeCloseTo(e.metrics[metric], 12);
		expectUsageError(await runCli(['compare', runPath, runPath, '--qrels', join(dir, 'qrels', 'test.tsv'), '--split', 'dev']), /--split needs/);
	});

	it('compare exits 2 naming file and line for a malformed run, a missing file or missing --qrels', async () => {
		const { a, qrels } = writeRuns();
		const bad = join(dir, 'bad.trec');
		writeFileSync(bad, 'q1 Q0 d1 1 1.0 X\nq1 Q0 d2 2 high X\n');
		expectUsageError(await runCli(['compare', a, bad, '--qrels', qrels]), /bad\.trec:2: expected "qid Q0 docid rank score tag", got score "high"/);
		expectUsageError(await runCli(['compare', a, join(dir, 'none.trec'), '--qrels', qrels]), /file not found: .*none\.trec/);
		expectUsageError(await runCli(['compare', a, a]), /--qrels is required/);
		expectUsageError(await runCli(['compare', a, '--qrels', qrels]), /give two run files/);
		expectUsageError(await runCli(['compare', a, a, '--qrels', qrels, '--seed', '-1']), /--seed/);
	});
});

describe('latelab data fetch', () => {
	it('data fetch refuses a bad name or an existing target with exit 2', async () => {
		expectUsageError(await runCli(['data', 'fetch', '../etc', '--to', dir]), /dataset name/);
		expectUsageError(await runCli(['data', 'fetch', 'qrels', '--to', dir]), /already exists/);
		expectUsageError(await runCli(['data', 'fetch', '--to', dir]), /name a dataset/);
	});
});
