import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMultiVectorFolder } from '../../src/lib/engine/corpus/node-multivector-folder';
import { uniformRandom } from '../../src/lib/engine/random';
import type { TokenMatrix } from '../../src/lib/engine/types';
import { removeTempDirs, runCli } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'latelab-cli-cand-'));
afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
	removeTempDirs();
});

const N = 60;
const DIM = 8;

function unitRows(rows: number, r: () => number): TokenMatrix {
	const data = Float32Array.from({ length: rows * DIM }, () => r() * 2 - 1);
	for (let i = 0; i < rows; i++) {
		const n = Math.hypot(...data.subarray(i * DIM, (i + 1) * DIM));
		for (let k = 0; k < DIM; k++) data[i * DIM + k] /= n;
	}
	return { data, rows, dim: DIM };
}

beforeAll(async () => {
	const r = uniformRandom(21);
	const docs = Array.from({ length: N }, () => unitRows(4 + Math.floor(r() * 6), r));
	// Query i is document i's first three vectors, so document i is relevant.
	const queries = [0, 1, 2].map((i) => ({ data: docs[i * 7].data.slice(0, 3 * DIM), rows: 3, dim: DIM }));
	await writeMultiVectorFolder(join(dir, 'vec'), {
		manifest: { dim: DIM, kind: 'text', model: 'random' },
		documents: docs.map((v, i) => ({ record: { id: `d${i}`, title: '', text: `doc ${i}` }, vectors: v })),
		queries: queries.map((v, i) => ({ record: { id: `q${i}`, title: '', text: '' }, vectors: v })),
		qrels: { test: new Map([0, 1, 2].map((i) => [`q${i}`, new Map([[`d${i * 7}`, 1]])])) }
	});
});

describe('latelab with the candidate pipelines', () => {
	it('latelab eval -p colbert-muvera --depth 6 --json reports candidateShare 1, touchedShare 6/N and the index', async () => {
		const r = await runCli(['eval', '--data', 'vec', '-p', 'colbert-muvera', '--depth', '6', '--opt', 'k_sim=3', '--opt', 'dim_proj=4', '--opt', 'maxsimBackend=js', '--json', '--quiet'], { cwd: dir });
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.candidateShare).toBe(1);
		expect(out.touchedShare).toBeCloseTo(6 / N, 10);
		expect(out.index).toMatchObject({ documents: N, format: 'fp32+fde' });
		expect(out.index.parts.fdes).toBe(N * 20 * 8 * 4 * 4);
		expect(out.timings.stages).toHaveProperty('fde-search');
		const text = await runCli(['eval', '--data', 'vec', '-p', 'colbert-muvera', '--depth', '6', '--opt', 'maxsimBackend=js', '--quiet'], { cwd: dir });
		expect(text.code).toBe(0);
		expect(text.stdout).toContain('candidates: 100.0% of documents scored approximately, 10.0% with full vectors (mean per query)');
		// The depth caps the hits: "top 1000" alone would hide that the run holds 6 per query.
		expect(text.stdout).toMatch(/top 1000, at most 6 returned per query\)/);
	});

	it('latelab eval -p colbert-plaid --json prunes (touchedShare < candidateShare <= 1) and finds the planted documents', async () => {
		const r = await runCli(['eval', '--data', 'vec', '-p', 'colbert-plaid', '--k', '10', '--opt', 'centroids=16', '--opt', 'ndocs=8', '--opt', 'nprobe=2', '--json', '--quiet'], { cwd: dir });
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.touchedShare).toBeCloseTo(2 / N, 10); // ndocs / 4 = 2 documents decoded per query
		expect(out.candidateShare).toBeGreaterThan(out.touchedShare);
		expect(out.candidateShare).toBeLessThanOrEqual(1);
		expect(out.index.format).toBe('residual-2bit');
		expect(out.index.parts.centroids).toBeGreaterThan(0);
		expect(out.metrics['ndcg@10']).toBeGreaterThan(0.6);
	});

	it('latelab search -p colbert-plaid --json lists documents per stage', async () => {
		const r = await runCli(['search', '--data', 'vec', '--query-id', 'q1', '-p', 'colbert-plaid', '--opt', 'centroids=16', '--json'], { cwd: dir });
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.stages.map((s: { stage: string }) => s.stage)).toEqual(['plaid-probe', 'plaid-pruned-interaction', 'plaid-interaction', 'plaid-decompress-maxsim']);
		expect(out.candidates).toBe(out.stages[0].documents);
		expect(out.touched).toBe(out.stages[3].documents);
		expect(out.hits[0].id).toBe('d7');
	});

	it('latelab eval -p colbert-plaid --opt nprobe=0 exits 2 with one line naming the range', async () => {
		const r = await runCli(['eval', '--data', 'vec', '-p', 'colbert-plaid', '--opt', 'centroids=16', '--opt', 'nprobe=0'], { cwd: dir });
		expect(r.code).toBe(2);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toMatch(/nprobe must be an integer in 1\.\.16/);
		const m = await runCli(['eval', '--data', 'vec', '-p', 'colbert-muvera', '--opt', 'k_sim=12'], { cwd: dir });
		expect(m.code).toBe(2);
		expect(m.stderr).toMatch(/k_sim must be an integer in 1\.\.10/);
	});
});
