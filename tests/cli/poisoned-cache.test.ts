/**
 * Issue 14's scenario end to end through the CLI: a proxy ends `onnx/model.onnx` early with a 200
 * and no length (and strips the Hub's size/hash headers, so nothing can catch it at download). The
 * first run fails with one line naming the model, the file and the command that clears it, and keeps
 * nothing; a later run on a healthy network succeeds with the scores of a clean run. Also: a file
 * poisoned by an older version (truncated, already in the cache) is repaired by the next run.
 * This file owns its process's transformers.js settings (HF_ENDPOINT, LATELAB_MODEL_CACHE are read once).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../fixtures/generate';
import { startMockHub, type MockHub } from '../fixtures/mock-hub';
import { removeTempDirs, runCli } from './helpers';

const BI = FIXTURE_MODELS.biEncoder;
const ONNX = 'onnx/model.onnx';
let hub: MockHub;
let base: string;
let modelCache: string;

beforeAll(async () => {
	const { dir } = await generateFixtures();
	hub = await startMockHub({ root: dir });
	base = mkdtempSync(join(tmpdir(), 'latelab-poisoned-'));
	modelCache = join(base, 'models');
	process.env.HF_ENDPOINT = hub.url;
	process.env.LATELAB_MODEL_CACHE = modelCache;
	writeFileSync(join(base, 'docs.txt'), 'Mars is known as the red planet.\nVenus is the hottest planet.\nApples grow on trees.\n');
});
afterAll(async () => {
	delete process.env.HF_ENDPOINT;
	delete process.env.LATELAB_MODEL_CACHE;
	await hub.close();
	removeTempDirs();
	rmSync(base, { recursive: true, force: true });
});

const score = (model: string) => runCli(['score', '--pipeline', 'dense', '--model', model, '--query', 'red planet', '--docs', 'docs.txt', '--json'], { cwd: base, env: { LATELAB_MODEL_CACHE: modelCache } });
const scoresOf = (stdout: string) => (JSON.parse(stdout) as { scores: { score: number }[] }).scores.map((s) => s.score);

describe('a poisoning proxy, then a healthy network (latelab score)', () => {
	it('the first run fails with one line naming model, file and `latelab cache clear --models`; a later healthy run gives the clean scores', async () => {
		const clean = await score(fixtureModelDir(BI));
		expect(clean.code, clean.stderr).toBe(0);

		hub.setFault({ truncate: { file: ONNX, bytes: 40_000 }, stripHubHeaders: true });
		const poisoned = await score(BI);
		hub.setFault(null);
		expect(poisoned.code).toBe(1);
		const lines = poisoned.stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^latelab: could not load model latelab-test\/tiny-bi-encoder: onnx\/model\.onnx does not load \(.+\); the cached copy was deleted and downloaded again, and that copy fails too, so it was not kept\. To clear it by hand: latelab cache clear --models, or delete /);
		expect(lines[0]).toContain(join(modelCache, BI, ONNX));
		expect(existsSync(join(modelCache, BI, ONNX))).toBe(false);

		const healthy = await score(BI);
		expect(healthy.code, healthy.stderr).toBe(0);
		scoresOf(healthy.stdout).forEach((s, i) => expect(s).toBeCloseTo(scoresOf(clean.stdout)[i], 5));
		expect(readFileSync(join(modelCache, BI, ONNX)).length).toBe(readFileSync(join(fixtureModelDir(BI), ONNX)).length);
	});

	it('a truncated onnx/model.onnx left in the cache by an older version is replaced on the next run, which gives the clean scores', async () => {
		const clean = await score(fixtureModelDir(BI));
		const whole = readFileSync(join(fixtureModelDir(BI), ONNX));
		mkdirSync(join(modelCache, BI, 'onnx'), { recursive: true });
		if (!existsSync(join(modelCache, BI, 'config.json'))) expect((await score(BI)).code).toBe(0);
		writeFileSync(join(modelCache, BI, ONNX), whole.subarray(0, 25_000));
		hub.requests.length = 0;
		const repaired = await score(BI);
		expect(repaired.code, repaired.stderr).toBe(0);
		expect(hub.requests).toEqual([`GET /${BI}/resolve/main/${ONNX} 200`]);
		scoresOf(repaired.stdout).forEach((s, i) => expect(s).toBeCloseTo(scoresOf(clean.stdout)[i], 5));
	});

	it('latelab cache clear --models empties the model download cache the error names', async () => {
		expect(existsSync(join(modelCache, BI))).toBe(true);
		const r = await runCli(['cache', 'clear', '--models'], { env: { LATELAB_MODEL_CACHE: modelCache } });
		expect(r.code, r.stderr).toBe(0);
		expect(existsSync(join(modelCache, BI))).toBe(false);
	});
});
