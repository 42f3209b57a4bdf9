import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMultiVectorFolder } from '../../src/lib/engine/corpus/node-multivector-folder';
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import type { TokenMatrix } from '../../src/lib/engine/types';
import { removeTempDirs, runCli } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'latelab-cli-mv-'));
afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
	removeTempDirs();
});

const m = (...rows: number[][]): TokenMatrix => ({ data: Float32Array.from(rows.flat()), rows: rows.length, dim: 2 });
// d1 matches q1's direction, d2 q2's; d3 is in between.
const DOCS = [m([1, 0], [0.8, 0.6]), m([0, 1], [0.6, 0.8]), m([0.6, 0.8], [0.8, 0.6])];
const QUERIES = [m([1, 0]), m([0, 1], [0.6, 0.8])];

beforeAll(async () => {
	await writeMultiVectorFolder(join(dir, 'vec'), {
		manifest: { dim: 2, kind: 'text', model: 'hand-made' },
		documents: DOCS.map((v, i) => ({ record: { id: `d${i + 1}`, title: '', text: `doc ${i + 1}` }, vectors: v })),
		queries: QUERIES.map((v, i) => ({ record: { id: `q${i + 1}`, title: '', text: '' }, vectors: v })),
		qrels: { test: new Map([['q1', new Map([['d1', 1]])], ['q2', new Map([['d2', 1]])]]) }
	});
	writeFileSync(join(dir, 'vec', 'documents.jsonl'), '{"_id":"d1","text":"x"}\n', { flag: 'a' });
});

describe('latelab with a vectors folder as --data', () => {
	it('latelab search --data <vectors> --query-id q2 -p colbert ranks by MaxSim of the precomputed vectors', async () => {
		// The folder was made inconsistent above; write a clean copy.
		await writeMultiVectorFolder(join(dir, 'ok'), {
			manifest: { dim: 2, kind: 'text' },
			documents: DOCS.map((v, i) => ({ record: { id: `d${i + 1}`, title: '', text: `doc ${i + 1}` }, vectors: v })),
			queries: QUERIES.map((v, i) => ({ record: { id: `q${i + 1}`, title: '', text: '' }, vectors: v })),
			qrels: { test: new Map([['q1', new Map([['d1', 1]])], ['q2', new Map([['d2', 1]])]]) }
		});
		const r = await runCli(['search', '--data', 'ok', '--query-id', 'q2', '-p', 'colbert', '--json', '--opt', 'maxsimBackend=js'], { cwd: dir });
		expect(r.stderr).not.toMatch(/error/);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		const expected = DOCS.map((d, i) => ({ id: `d${i + 1}`, score: maxSim(QUERIES[1], d) })).sort((a, b) => b.score - a.score);
		expect(out.hits.map((h: { id: string }) => h.id)).toEqual(expected.map((e) => e.id));
		out.hits.forEach((h: { score: number }, i: number) => expect(Math.abs(h.score - expected[i].score)).toBeLessThan(1e-5));

		const e = await runCli(['eval', '--data', 'ok', '-p', 'colbert', '--json', '--quiet', '--opt', 'maxsimBackend=js'], { cwd: dir });
		expect(e.code).toBe(0);
		const ev = JSON.parse(e.stdout);
		expect(ev.judgedQueries).toBe(2);
		expect(ev.metrics['ndcg@10']).toBeCloseTo(1, 6);

		const unknown = await runCli(['search', '--data', 'ok', '--query-id', 'q9', '-p', 'colbert'], { cwd: dir });
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/no query with id "q9"/);
		const text = await runCli(['search', '--data', 'ok', '--query', 'free text', '-p', 'colbert'], { cwd: dir });
		expect(text.code).toBe(2);
		expect(text.stderr).toMatch(/no precomputed vectors for query "free text"/);
	});

	it('latelab eval --data <vectors folder with no documents / no queries> exits 2 with one line instead of all-zero metrics', async () => {
		await writeMultiVectorFolder(join(dir, 'empty'), {
			manifest: { dim: 2, kind: 'text', model: 'hand-made' },
			documents: [],
			queries: QUERIES.map((v, i) => ({ record: { id: `q${i + 1}`, title: '', text: '' }, vectors: v })),
			qrels: { test: new Map([['q1', new Map([['d1', 1]])]]) }
		});
		const empty = await runCli(['eval', '--data', 'empty', '-p', 'colbert', '-q'], { cwd: dir });
		expect(empty.code).toBe(2);
		expect(empty.stderr).toMatch(/^latelab: empty\/documents\.jsonl: no documents found/);
		await writeMultiVectorFolder(join(dir, 'noq'), {
			manifest: { dim: 2, kind: 'text', model: 'hand-made' },
			documents: DOCS.map((v, i) => ({ record: { id: `d${i + 1}`, title: '', text: `doc ${i + 1}` }, vectors: v })),
			qrels: { test: new Map([['q1', new Map([['d1', 1]])], ['q2', new Map([['d2', 1]])]]) }
		});
		const noq = await runCli(['eval', '--data', 'noq', '-p', 'colbert', '-q'], { cwd: dir });
		expect(noq.code).toBe(2);
		expect(noq.stderr).toMatch(/^latelab: noq: none of the 2 judged queries .* \(queries\.jsonl \+ queries\.safetensors\)/);
		expect(noq.stderr.trim().split('\n')).toHaveLength(1);
	});

	it('latelab search --data <broken vectors folder> exits 2 with one line naming the file', async () => {
		const r = await runCli(['search', '--data', 'vec', '--query-id', 'q1', '-p', 'colbert'], { cwd: dir });
		expect(r.code).toBe(2);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toMatch(/documents\.jsonl|documents\.safetensors/);
	});
});
