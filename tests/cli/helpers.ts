import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';

/** Output of one in-process `main` call. */
export interface Captured {
	code: number;
	stdout: string;
	stderr: string;
}

let testCache: string | undefined;

/**
 * A cache folder for this test file, so CLI runs never write to the user's `~/.cache`. Not created
 * here: only a run that writes to the cache makes it (removed by `removeTempDirs`).
 */
function testCacheDir(): string {
	if (!testCache) {
		testCache = join(tmpdir(), `latelab-cli-cache-${process.pid}-${Math.random().toString(36).slice(2)}`);
		created.push(testCache);
	}
	return testCache;
}

/**
 * Runs `main(argv)` with captured streams (not a TTY) and the given cwd / env. Unless the env names
 * `LATELAB_CACHE`, caches go to a temporary folder of this test process (so a BM25 index built by one
 * test may be loaded by the next: stage `index-load` instead of `index`).
 */
export async function runCli(argv: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Captured> {
	let stdout = '';
	let stderr = '';
	const io: CliIo = {
		stdout: { write: (s: string) => (stdout += s) },
		stderr: { write: (s: string) => (stderr += s) },
		env: { LATELAB_CACHE: testCacheDir(), ...options.env },
		cwd: options.cwd ?? process.cwd()
	};
	const code = await main(argv, io);
	return { code, stdout, stderr };
}

const created: string[] = [];

/** Deletes the folders `tinyBeir` made (call from `afterAll`). */
export function removeTempDirs(): void {
	for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
	testCache = undefined;
}

/**
 * A tiny BEIR folder whose BM25 rankings are easy to reason about: every query word occurs in one
 * document only.
 * - q1 "banana": d1 only; relevant d1 (1).
 * - q2 "fig": d3 only; relevant d3 (2) and d2 (1), so nDCG@10 = 2 / (2 + 1/log2 3), recall 1/2.
 * - q3 "zzz": no match at all; relevant d2 (1): scores 0.
 * - q4 "cherry": judged non-relevant only: not a judged query.
 */
export function tinyBeir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'latelab-cli-'));
	created.push(dir);
	const docs = [
		{ _id: 'd1', title: 'Fruit', text: 'apple banana' },
		{ _id: 'd2', title: '', text: 'cherry date' },
		{ _id: 'd3', title: 'Figs', text: 'elderberry fig' }
	];
	writeFileSync(join(dir, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
	const queries = [
		{ _id: 'q1', text: 'banana' },
		{ _id: 'q2', text: 'fig' },
		{ _id: 'q3', text: 'zzz' },
		{ _id: 'q4', text: 'cherry' }
	];
	writeFileSync(join(dir, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
	mkdirSync(join(dir, 'qrels'));
	writeFileSync(
		join(dir, 'qrels', 'test.tsv'),
		'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t2\nq2\td2\t1\nq3\td2\t1\nq4\td2\t0\n'
	);
	return dir;
}

/** The expected means for `tinyBeir` with default metrics. */
export const TINY_EXPECTED = {
	'ndcg@10': (1 + 2 / (2 + 1 / Math.log2(3)) + 0) / 3,
	'recall@100': (1 + 0.5 + 0) / 3,
	'mrr@10': (1 + 1 + 0) / 3,
	map: (1 + 0.5 + 0) / 3
};
