import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** 100 MB of ASCII JSONL, about 95k documents of ~1 KB, deterministic. */
const TARGET_BYTES = 100_000_000;
/** Old-space cap for the child: 2x the file. Reading the file whole (readFileSync + split + JSON.parse) dies under it. */
const HEAP_CAP_MB = 200;

async function writeBigCorpus(path: string): Promise<number> {
	const out = createWriteStream(path);
	const words = 'retrieval late interaction token vector query document score ranking index model embedding colbert lexical dense sparse'.split(' ');
	let seed = 1;
	let bytes = 0;
	let docs = 0;
	while (bytes < TARGET_BYTES) {
		let text = '';
		while (text.length < 1000) {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			text += `${words[seed % words.length]} `;
		}
		const line = `${JSON.stringify({ _id: `d${docs}`, title: `Document ${docs}`, text })}\n`;
		bytes += line.length;
		docs++;
		if (!out.write(line)) await new Promise((done) => out.once('drain', done));
	}
	out.end();
	await new Promise((done) => out.on('finish', done));
	return docs;
}

const dirs: string[] = [];
afterAll(async () => {
	for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('loadCorpusFromPath memory', () => {
	it(`loadCorpusFromPath(100 MB .jsonl) succeeds in a child capped at --max-old-space-size=${HEAP_CAP_MB}`, async () => {
		const dir = await mkdtemp(join(tmpdir(), 'latelab-big-'));
		dirs.push(dir);
		const file = join(dir, 'big.jsonl');
		const docs = await writeBigCorpus(file);
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
