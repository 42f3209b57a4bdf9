import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBigCorpus } from './big-corpus';

/** 100 MB of ASCII JSONL, about 95k documents of ~1 KB, deterministic. */
const TARGET_BYTES = 100_000_000;
/** Old-space cap for the child: 2x the file. Reading the file whole (readFileSync + split + JSON.parse) dies under it. */
const HEAP_CAP_MB = 200;

const dirs: string[] = [];
afterAll(async () => {
	for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('loadCorpusFromPath memory', () => {
	it(`loadCorpusFromPath(100 MB .jsonl) succeeds in a child capped at --max-old-space-size=${HEAP_CAP_MB}`, async () => {
		const dir = await mkdtemp(join(tmpdir(), 'latelab-big-'));
		dirs.push(dir);
		const file = join(dir, 'big.jsonl');
		const docs = await writeBigCorpus(file, TARGET_BYTES);
		const size = (await stat(file)).size;
		const child = spawnSync(
			process.execPath,
			['--import', 'tsx', `--max-old-space-size=${HEAP_CAP_MB}`, resolve(import.meta.dirname, 'memory-child.ts'), file],
			{ encoding: 'utf8', timeout: 60_000 }
		);
		expect(child.status, `child failed (signal ${child.signal}): ${child.stderr.slice(-2000)}`).toBe(0);
		const report = JSON.parse(child.stdout.trim().split('\n').pop()!);
		expect(report.docs).toBe(docs);
		// The loaded text itself is ~95% of the file; the heap may hold it plus bookkeeping, not 10x the file.
		expect(report.peakHeap).toBeLessThan(1.6 * size);
		expect(report.maxRss).toBeLessThan(4 * size);
		console.info(`100 MB load: ${JSON.stringify({ size, ...report })}`);
	}, 60_000);
});
