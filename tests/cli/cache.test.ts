import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { metaFolder } from '../../src/lib/engine/store/disk-budget';
import { NodeDiskStore } from '../../src/lib/engine/store/node-disk-store';
import { storeKeyString, type StoreKey } from '../../src/lib/engine/store/store';
import { FIXTURE_MODELS, fixtureModelDir } from '../fixtures/generate';
import { removeTempDirs, runCli } from './helpers';

let base = '';
let env: Record<string, string> = {};
const bases: string[] = [];
beforeEach(() => {
	base = mkdtempSync(join(tmpdir(), 'latelab-cache-cli-'));
	bases.push(base);
	env = { LATELAB_CACHE: join(base, 'cache'), LATELAB_MODEL_CACHE: join(base, 'models') };
});
afterAll(() => {
	removeTempDirs();
	for (const b of bases) rmSync(b, { recursive: true, force: true });
});

const key = (corpus: string): StoreKey => ({ kind: 'colbert', modelId: 'org/colbert-model', revision: 'main', dtype: 'fp32', corpus, batchSize: 32 });

/** An entry of `size` bytes last used `agoMs` ago, in the command's cache folder. */
async function entry(corpus: string, size: number, agoMs: number): Promise<string> {
	const store = new NodeDiskStore(join(base, 'cache', 'encoded'), { maxBytes: 1e12 });
	await store.writeBatch(key(corpus), 0, new Uint8Array(size).buffer);
	const name = storeKeyString(key(corpus));
	const when = new Date(Date.now() - agoMs);
	utimesSync(join(metaFolder(store.root), `${name}.used`), when, when);
	return name;
}

function modelFile(id: string, size: number) {
	mkdirSync(join(base, 'models', id, 'onnx'), { recursive: true });
	writeFileSync(join(base, 'models', id, 'onnx', 'model.onnx'), new Uint8Array(size));
}

describe('latelab cache', () => {
	it('latelab cache list --json gives each entry (model, corpus, format, size, last used), the total, the budget and the model files', async () => {
		await entry('corpus-old', 300, 60_000);
		await entry('corpus-new', 500, 1_000);
		modelFile('org/bi-model', 1_234);
		const r = await runCli(['cache', 'list', '--json'], { env: { ...env, LATELAB_CACHE_MAX: '500MB' } });
		expect(r.code, r.stderr).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.budget).toBe(500_000_000);
		expect(out.total).toBe(800);
		expect(out.entries.map((e: { corpus: string; bytes: number; model: string; format: string }) => [e.corpus, e.bytes, e.model, e.format])).toEqual([
			['corpus-new', 500, 'org/colbert-model', 'fp32'],
			['corpus-old', 300, 'org/colbert-model', 'fp32']
		]);
		expect(Date.parse(out.entries[0].lastUsed)).toBeGreaterThan(Date.parse(out.entries[1].lastUsed));
		expect(out.models).toEqual({ dir: join(base, 'models'), bytes: 1_234, entries: [{ id: 'org/bi-model', bytes: 1_234 }] });
	});

	it('latelab cache list prints a table with sizes and the total of the budget', async () => {
		await entry('corpus-a', 1_500, 0);
		const r = await runCli(['cache', 'list'], { env });
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/entry\s+model\s+corpus\s+format\s+size\s+last used/);
		expect(r.stdout).toMatch(/colbert-[0-9a-f]{8}\s+org\/colbert-model\s+corpus-a\s+fp32\s+1\.5 kB/);
		expect(r.stdout).toContain('total 1.5 kB of 2.0 GB in 1 entry');
	});

	it('latelab cache prune --max 900 removes the least recently used entries until the rest fits', async () => {
		await entry('a', 400, 30_000);
		await entry('b', 400, 20_000);
		await entry('c', 400, 10_000);
		const r = await runCli(['cache', 'prune', '--max', '900', '--json'], { env });
		expect(r.code, r.stderr).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.removed.map((e: { corpus: string }) => e.corpus)).toEqual(['a']);
		expect(out.total).toBe(800);
		const left = await runCli(['cache', 'list', '--json'], { env });
		expect(JSON.parse(left.stdout).entries.map((e: { corpus: string }) => e.corpus)).toEqual(['c', 'b']);
	});

	it('latelab cache prune without --max prunes to LATELAB_CACHE_MAX', async () => {
		await entry('a', 600, 20_000);
		await entry('b', 600, 10_000);
		const r = await runCli(['cache', 'prune'], { env: { ...env, LATELAB_CACHE_MAX: '1KB' } });
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toContain('removed 1 entry (600 B); 600 B left');
	});

	it('latelab cache clear --corpora keeps the model files; --models keeps the corpora; plain clear removes both', async () => {
		await entry('a', 100, 0);
		modelFile('org/m', 50);
		expect((await runCli(['cache', 'clear', '--corpora'], { env })).code).toBe(0);
		expect(readdirSync(join(base, 'cache', 'encoded'))).toEqual([]);
		expect(existsSync(join(base, 'models', 'org/m/onnx/model.onnx'))).toBe(true);
		await entry('b', 100, 0);
		const models = await runCli(['cache', 'clear', '--models'], { env });
		expect(models.stdout).toContain(`removed model files (50 B) from ${join(base, 'models')}`);
		expect(readdirSync(join(base, 'models'))).toEqual([]);
		expect(readdirSync(join(base, 'cache', 'encoded'))).toHaveLength(1);
		modelFile('org/m', 50);
		const both = await runCli(['cache', 'clear', '--json'], { env });
		expect(JSON.parse(both.stdout)).toMatchObject({ corpora: { removed: 1, bytes: 100 }, models: { bytes: 50 } });
		expect(readdirSync(join(base, 'cache', 'encoded'))).toEqual([]);
	});

	it('latelab cache with a bad subcommand, size or option exits 2 with one line', async () => {
		const bad = await runCli(['cache', 'frob'], { env });
		expect(bad.code).toBe(2);
		expect(bad.stderr).toBe('latelab: unknown cache subcommand "frob"; expected one of: list, prune, clear\n');
		const size = await runCli(['cache', 'prune', '--max', 'lots'], { env });
		expect(size.code).toBe(2);
		expect(size.stderr).toContain('--max: expected a size such as 500MB');
		const misplaced = await runCli(['cache', 'list', '--models'], { env });
		expect(misplaced.code).toBe(2);
		const budget = await runCli(['cache', 'list'], { env: { ...env, LATELAB_CACHE_MAX: 'huge' } });
		expect(budget.code).toBe(2);
		expect(budget.stderr).toContain('LATELAB_CACHE_MAX: expected a size');
	});
});

describe('the cache budget before encoding', () => {
	it('latelab search --pipeline dense says the expected size, and refuses (exit 2, one line) a corpus that cannot fit LATELAB_CACHE_MAX', async () => {
		const beir = join(base, 'beir');
		mkdirSync(beir);
		writeFileSync(join(beir, 'corpus.jsonl'), ['Mars is red.', 'Venus is hot.', 'Apples grow.'].map((t, i) => JSON.stringify({ _id: `d${i}`, text: t })).join('\n') + '\n');
		const model = fixtureModelDir(FIXTURE_MODELS.biEncoder);
		const args = ['search', '--data', beir, '--pipeline', 'dense', '--model', model, '--query', 'red planet', '--json'];
		// The store reads the budget from the process environment (the CLI's disk store is created per process).
		process.env.LATELAB_CACHE_MAX = '100B';
		try {
			const refused = await runCli(args, { env });
			expect(refused.code).toBe(2);
			// The expected size is information, a plain line, not a warning.
			expect(refused.stderr).toMatch(/(^|\n)latelab: 3 documents encoded with .* take about 448 B \(3 vectors x 128 B: 32 dims, fp32\) in disk /);
			expect(refused.stderr).not.toContain('warning: encoding');
			expect(refused.stderr).toMatch(/latelab: does not fit the cache budget: this entry will take about 448 B, more than LATELAB_CACHE_MAX = 100 B .*--opt cache=false/);
		} finally {
			delete process.env.LATELAB_CACHE_MAX;
		}
		// The CLI keeps one store per cache folder per process, so the healthy run uses another folder.
		const ok = await runCli(args, { env: { ...env, LATELAB_CACHE: join(base, 'cache-2') } });
		expect(ok.code, ok.stderr).toBe(0);
		expect(JSON.parse(ok.stdout).hits).toHaveLength(3);
	});
});
