import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectionDir, missingCollectionReason } from '../support/data';
import { removeTempDirs, tinyBeir, TINY_EXPECTED } from './helpers';

// The executable caches indexes; keep them out of the user's ~/.cache.
const CACHE = mkdtempSync(join(tmpdir(), 'latelab-bin-cache-'));
afterAll(() => {
	removeTempDirs();
	rmSync(CACHE, { recursive: true, force: true });
});

const BIN = resolve(import.meta.dirname, '../../bin/latelab.js');

/** Runs the real executable as a user would, without a TTY. */
function latelab(args: string[], env: Record<string, string> = {}) {
	const r = spawnSync(process.execPath, [BIN, ...args], {
		encoding: 'utf8',
		env: { ...process.env, LATELAB_DEBUG: '', LATELAB_CACHE: CACHE, ...env },
		timeout: 120_000
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const { port } = server.address() as { port: number };
	await new Promise<void>((done) => server.close(() => done()));
	return port;
}

describe('bin/latelab.js', () => {
	it('latelab --frob exits 2 with one stderr line and no stack', () => {
		const r = latelab(['eval', '--frob']);
		expect(r.code).toBe(2);
		expect(r.stdout).toBe('');
		expect(r.stderr).toBe('latelab: eval: unknown option --frob; see latelab eval --help\n');
	});

	it('latelab eval --json prints one parseable object', () => {
		const r = latelab(['eval', '--data', tinyBeir(), '--json']);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(Object.keys(out)).toEqual(expect.arrayContaining(['pipeline', 'data', 'split', 'judgedQueries', 'metrics', 'perQuery', 'timings']));
		expect(out.metrics['ndcg@10']).toBeCloseTo(TINY_EXPECTED['ndcg@10'], 10);
	});

	it('latelab data fetch fails fast with one line and exit 1 when the server cannot be reached', async () => {
		const port = await closedPort();
		const started = Date.now();
		const r = latelab(['data', 'fetch', 'scifact', '--to', tinyBeir(), '--base-url', `http://127.0.0.1:${port}`]);
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(r.stderr).toMatch(/^latelab: .*127\.0\.0\.1.*scifact\.zip/);
		expect(Date.now() - started).toBeLessThan(20_000);
	});

	const scifact = collectionDir('scifact');
	it.skipIf(!scifact)(`latelab eval --data scifact --pipeline bm25 --json gives nDCG@10 in [0.655, 0.690] over 300 queries ${scifact ? '' : missingCollectionReason('scifact')}`, () => {
		const r = latelab(['eval', '--data', scifact!, '--pipeline', 'bm25', '--json']);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.judgedQueries).toBe(300);
		expect(Object.keys(out.perQuery)).toHaveLength(300);
		expect(out.metrics['ndcg@10']).toBeGreaterThanOrEqual(0.655);
		expect(out.metrics['ndcg@10']).toBeLessThanOrEqual(0.69);
		expect(out.metrics['recall@100']).toBeGreaterThan(0.85);
		expect(out.timings.queriesPerSecond).toBeGreaterThan(0);
	});
});
