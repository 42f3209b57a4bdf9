import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInt8, maxSimInt8 } from '../../src/lib/engine/compress/codecs';
import { poolHierarchical } from '../../src/lib/engine/compress/pool-hierarchical';
import { loadEncoder } from '../../src/lib/engine/encoders/load-encoder';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../fixtures/generate';
import { removeTempDirs, runCli } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'latelab-cli-compress-'));
const DOCS = ['Mars is known as the red planet because of its dusty red soil and thin air.', 'Venus is the hottest planet.', 'Apples grow on trees in orchards, red and green apples alike.'];
beforeAll(async () => {
	await generateFixtures();
	writeFileSync(join(dir, 'docs.txt'), DOCS.join('\n') + '\n');
});
afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
	removeTempDirs();
});

describe('latelab data synth', () => {
	it('latelab data synth --docs --queries --dim --to writes a vectors folder that eval reads', async () => {
		const r = await runCli(['data', 'synth', '--docs', '80', '--queries', '6', '--dim', '16', '--tokens', '12', '--to', 'syn', '--json', '--quiet'], { cwd: dir });
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out).toMatchObject({ documents: 80, queries: 6 });
		expect(out.bytes).toBe(out.vectors * 16 * 4);
		expect(JSON.parse(readFileSync(join(dir, 'syn', 'manifest.json'), 'utf8'))).toMatchObject({ format: 'latelab-multivector', version: 1, dim: 16, dtype: 'float32' });
		expect(existsSync(join(dir, 'syn', 'qrels', 'test.tsv'))).toBe(true);
		const again = await runCli(['data', 'synth', '--docs', '80', '--queries', '6', '--to', 'syn'], { cwd: dir });
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/exists and is not empty/);
	});

	it('latelab eval --data <synthetic> -p colbert --opt storage=binary --opt rescore=N --json adds the index object; rescore >= documents equals fp32', async () => {
		const exact = JSON.parse((await runCli(['eval', '--data', 'syn', '-p', 'colbert', '--json', '--quiet', '--opt', 'maxsimBackend=js'], { cwd: dir })).stdout);
		expect(exact.index).toMatchObject({ documents: 80, format: 'fp32' });
		expect(exact.index.bytes).toBe(exact.index.vectors * 64);
		expect(exact.index.bytesPerDocument).toBeCloseTo(exact.index.bytes / 80, 6);
		expect(exact.index.buildMs).toBeGreaterThan(0);
		const r = await runCli(['eval', '--data', 'syn', '-p', 'colbert', '--json', '--quiet', '--opt', 'storage=binary', '--opt', 'rescore=100', '--opt', 'maxsimBackend=js'], { cwd: dir });
		expect(r.code).toBe(0);
		const bin = JSON.parse(r.stdout);
		expect(bin.index).toMatchObject({ documents: 80, vectors: exact.index.vectors, bytes: exact.index.vectors * 2, format: 'binary' });
		expect(bin.index.rescore.where).toMatch(/temporary file/);
		expect(bin.metrics['ndcg@10']).toBeCloseTo(exact.metrics['ndcg@10'], 6);
		const pooled = JSON.parse((await runCli(['eval', '--data', 'syn', '-p', 'colbert', '--json', '--quiet', '--opt', 'pool=2', '--opt', 'storage=int8', '--opt', 'maxsimBackend=js'], { cwd: dir })).stdout);
		expect(pooled.index.vectors).toBeLessThan(0.6 * exact.index.vectors);
		expect(pooled.index.bytes).toBe(pooled.index.vectors * 20);
		expect(pooled.timings.stages.pool).toBeGreaterThan(0);
	});

	it('latelab eval / search with a bad storage option exit 2 with one line', async () => {
		for (const opt of ['storage=int4', 'bits=3', 'rescore=-2', 'pool=0']) {
			const r = await runCli(['search', '--data', 'syn', '-p', 'colbert', '--query-id', 'q1', '--opt', opt, ...(opt.startsWith('bits') ? ['--opt', 'storage=residual'] : [])], { cwd: dir });
			expect(r.code).toBe(2);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
		}
	});
});

describe('latelab score with pooling and storage', () => {
	it('latelab score --pipeline colbert --opt pool=2 --opt storage=int8 --json gives int8 MaxSim of the pooled vectors, with vectors and bytes', async () => {
		const model = fixtureModelDir(FIXTURE_MODELS.colbertFolded);
		const r = await runCli(['score', '--pipeline', 'colbert', '--model', model, '--query', 'red planet', '--docs', 'docs.txt', '--json', '--opt', 'pool=2', '--opt', 'storage=int8'], { cwd: dir });
		expect(r.stderr).not.toMatch(/error|warning/);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out).toMatchObject({ pool: 2, storage: 'int8' });
		const enc = await loadEncoder('colbert', { id: model, localDir: model });
		const q = await enc.encodeQuery('red planet');
		const docs = await enc.encodeDocuments(DOCS);
		out.scores.forEach((s: { score: number; vectors: number; bytes: number }, i: number) => {
			const pooled = poolHierarchical(docs[i].matrix, 2).matrix;
			expect(s.vectors).toBe(pooled.rows);
			expect(s.bytes).toBe(pooled.rows * (pooled.dim + 4));
			expect(Math.abs(s.score - maxSimInt8(q.matrix, encodeInt8(pooled)))).toBeLessThan(1e-4);
		});
		expect(out.scores[0].vectors).toBeLessThan(docs[0].matrix.rows);
		await enc.dispose();
		const plain = JSON.parse((await runCli(['score', '-p', 'colbert', '--model', model, '--query', 'red planet', '--docs', 'docs.txt', '--json'], { cwd: dir })).stdout);
		expect(plain.scores[0]).toMatchObject({ vectors: docs[0].matrix.rows, bytes: docs[0].matrix.rows * docs[0].matrix.dim * 4 });
		const bad = await runCli(['score', '-p', 'colbert', '--model', model, '--query', 'q', '--docs', 'docs.txt', '--opt', 'rescore=5'], { cwd: dir });
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/not a score option/);
	});
});
