import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMultiVectorFolder } from '../../src/lib/engine/corpus/node-multivector-folder';
import { loadEncoder } from '../../src/lib/engine/encoders/load-encoder';
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import type { TokenMatrix } from '../../src/lib/engine/types';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../fixtures/generate';
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

describe('latelab search on a vectors folder with the ColBERT model that made it', () => {
	const TEXTS = ['the red planet mars', 'apples and pears', 'a planet of red dust'];
	let model: string;
	let docs: { matrix: TokenMatrix }[];
	let q: TokenMatrix;

	// The folder `made`: the tiny ColBERT model's own document vectors, and one query of its own.
	beforeAll(async () => {
		await generateFixtures();
		model = fixtureModelDir(FIXTURE_MODELS.colbertFolded);
		const enc = await loadEncoder('colbert', { id: model, localDir: model });
		docs = await enc.encodeDocuments(TEXTS);
		await writeMultiVectorFolder(join(dir, 'made'), {
			manifest: { dim: enc.settings.dim, kind: 'text', model },
			documents: docs.map((d, i) => ({ record: { id: `t${i + 1}`, title: '', text: TEXTS[i] }, vectors: d.matrix })),
			queries: [{ record: { id: 'q1', title: '', text: 'stored' }, vectors: docs[1].matrix }]
		});
		q = (await enc.encodeQuery('red planet')).matrix;
		await enc.dispose();
	});

	it('--model colbert=<model> encodes free-text queries against the stored vectors; the folder\'s own queries keep theirs', async () => {

		const r = await runCli(['search', '--data', 'made', '--query', 'red planet', '-p', 'colbert', '--model', `colbert=${model}`, '--json', '--quiet', '--opt', 'maxsimBackend=js'], { cwd: dir });
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		const expected = docs.map((d, i) => ({ id: `t${i + 1}`, score: maxSim(q, d.matrix) })).sort((a, b) => b.score - a.score);
		expect(out.hits.map((h: { id: string }) => h.id)).toEqual(expected.map((e) => e.id));
		out.hits.forEach((h: { score: number }, i: number) => expect(Math.abs(h.score - expected[i].score)).toBeLessThan(1e-4));
		// The folder's own query is answered from its stored vectors (document t2's): t2 ranks first.
		const own = JSON.parse((await runCli(['search', '--data', 'made', '--query-id', 'q1', '-p', 'colbert', '--model', `colbert=${model}`, '--json', '--quiet'], { cwd: dir })).stdout);
		expect(own.hits[0].id).toBe('t2');
		// With the model named, its settings apply.
		const withDtype = await runCli(['search', '--data', 'made', '--query', 'red planet', '-p', 'colbert', '--model', `colbert=${model}`, '--dtype', 'fp32', '--json', '--quiet'], { cwd: dir });
		expect(withDtype.code).toBe(0);
	});

	it('model settings without --model colbert= on a vectors folder exit 2 with one line instead of being ignored', async () => {
		for (const [args, flag] of [[['--dtype', 'q8'], '--dtype'], [['--device', 'webgpu'], '--device'], [['--opt', 'batchSize=8'], '--opt batchSize']] as const) {
			for (const pipeline of ['colbert', 'colbert-muvera']) {
				const r = await runCli(['search', '--data', 'made', '--query-id', 'q1', '-p', pipeline, ...args], { cwd: dir });
				expect(r.code, `${pipeline} ${flag}`).toBe(2);
				expect(r.stderr.trim().split('\n')).toHaveLength(1);
				expect(r.stderr).toContain(`${flag} does not apply to ${pipeline} on a vectors folder: its vectors need no model; give --model colbert=`);
			}
		}
		await writeMultiVectorFolder(join(dir, 'judged'), {
			manifest: { dim: 2, kind: 'text' },
			documents: DOCS.map((v, i) => ({ record: { id: `d${i + 1}`, title: '', text: '' }, vectors: v })),
			queries: QUERIES.map((v, i) => ({ record: { id: `q${i + 1}`, title: '', text: '' }, vectors: v })),
			qrels: { test: new Map([['q1', new Map([['d1', 1]])]]) }
		});
		const ev = await runCli(['eval', '--data', 'judged', '-p', 'colbert-plaid', '--dtype', 'q8', '--device', 'wasm', '-q'], { cwd: dir });
		expect(ev.code).toBe(2);
		expect(ev.stderr).toContain('--dtype and --device do not apply to colbert-plaid on a vectors folder');
		// The commands that write the folder's vectors elsewhere refuse them too, before writing anything.
		for (const args of [['export', '--format', 'qdrant', '--out', 'exported'], ['index', 'build', '--store', 'lancedb:lance-store']]) {
			const r = await runCli([...args, '--data', 'made', '--dtype', 'q8', '-q'], { cwd: dir });
			expect(r.code, args[0]).toBe(2);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
			expect(r.stderr).toContain('--dtype does not apply to colbert on a vectors folder: its vectors need no model');
		}
		expect(existsSync(join(dir, 'exported'))).toBe(false);
		expect(existsSync(join(dir, 'lance-store'))).toBe(false);
	});

	it('a model whose vectors are not the folder\'s width exits 2 with one line naming both widths', async () => {
		await writeMultiVectorFolder(join(dir, 'narrow'), { manifest: { dim: 2, kind: 'text' }, documents: DOCS.map((v, i) => ({ record: { id: `d${i + 1}`, title: '', text: '' }, vectors: v })) });
		const r = await runCli(['search', '--data', 'narrow', '--query', 'red planet', '-p', 'colbert', '--model', `colbert=${model}`], { cwd: dir });
		expect(r.code).toBe(2);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toMatch(/narrow holds 2-dim vectors; the ColBERT model .* encodes queries to 16/);
	});
});
