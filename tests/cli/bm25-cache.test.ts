import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tinyBeir } from './helpers';

const dir = tinyBeir();
let cache = '';
const caches: string[] = [];
beforeEach(() => {
	cache = mkdtempSync(join(tmpdir(), 'latelab-bm25-cache-'));
	caches.push(cache);
});
afterAll(() => {
	removeTempDirs();
	for (const c of caches) rmSync(c, { recursive: true, force: true });
});

const entries = () => (existsSync(join(cache, 'encoded')) ? readdirSync(join(cache, 'encoded')).filter((n) => n.startsWith('bm25__')) : []);

async function search(extra: string[] = [], env: Record<string, string> = { LATELAB_CACHE: cache }) {
	const r = await runCli(['search', '--data', dir, '--query', 'fig banana', '--k', '5', '--json', ...extra], { env });
	expect(r.code, r.stderr).toBe(0);
	const out = JSON.parse(r.stdout) as { hits: unknown[]; timings: { stages: Record<string, number> } };
	return { hits: out.hits, stages: Object.keys(out.timings.stages), stderr: r.stderr };
}

describe('latelab search --pipeline bm25 with the index cache', () => {
	it('search writes the index on the first run and loads it on the second (stage index-load), with identical hits', async () => {
		const first = await search();
		expect(first.stages).toEqual(expect.arrayContaining(['index', 'index-cache', 'search']));
		expect(entries()).toHaveLength(1);
		expect(readdirSync(join(cache, 'encoded', entries()[0]))).toEqual(['batch-000000.bin']);
		const second = await search();
		expect(second.stages).toContain('index-load');
		expect(second.stages).not.toContain('index');
		expect(second.hits).toEqual(first.hits);
		expect(second.stderr).not.toMatch(/warning/);
	});

	it.each([
		['truncated', (b: Buffer) => b.subarray(0, b.length - 7)],
		['with a flipped byte', (b: Buffer) => ((b[b.length >> 1] ^= 0x55), b)]
	])('search with a %s cache file prints one warning, rebuilds, and stays correct', async (_, damage) => {
		const first = await search();
		const file = join(cache, 'encoded', entries()[0], 'batch-000000.bin');
		writeFileSync(file, damage(readFileSync(file)));
		const again = await search();
		expect(again.stderr.match(/latelab: warning: cache entry bm25__\S+ is corrupt: /g)).toHaveLength(1);
		expect(again.stages).toContain('index');
		expect(again.hits).toEqual(first.hits);
		const third = await search();
		expect(third.stages).toContain('index-load');
		expect(third.stderr).not.toMatch(/warning/);
	});

	it('search with another --k1, --b or --opt stem=false uses another cache entry', async () => {
		await search();
		expect((await search(['--k1', '1.2'])).stages).toContain('index');
		expect((await search(['--b', '0.75'])).stages).toContain('index');
		expect((await search(['--opt', 'stem=false'])).stages).toContain('index');
		expect(entries()).toHaveLength(4);
		expect((await search(['--k1', '1.2'])).stages).toContain('index-load');
	});

	it('search with LATELAB_NO_CACHE=1 or --opt cache=false neither reads nor writes the cache', async () => {
		expect((await search([], { LATELAB_CACHE: cache, LATELAB_NO_CACHE: '1' })).stages).toEqual(['index', 'search']);
		expect((await search(['--opt', 'cache=false'])).stages).toEqual(['index', 'search']);
		expect(entries()).toHaveLength(0);
		await search();
		expect((await search(['--opt', 'cache=false'])).stages).toEqual(['index', 'search']);
	});

	it('eval loads the index the first eval wrote and reports the same metrics', async () => {
		const run = async () => {
			const r = await runCli(['eval', '--data', dir, '--json'], { env: { LATELAB_CACHE: cache } });
			expect(r.code, r.stderr).toBe(0);
			return JSON.parse(r.stdout) as { metrics: unknown; timings: { stages: Record<string, number> } };
		};
		const first = await run();
		const second = await run();
		expect(Object.keys(first.timings.stages)).toContain('index');
		expect(Object.keys(second.timings.stages)).toContain('index-load');
		expect(first.metrics).toHaveProperty('ndcg@10');
		expect(second.metrics).toEqual(first.metrics);
	});
});
