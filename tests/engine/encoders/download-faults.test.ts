/**
 * Model downloads under faults, against the loopback mock Hub: a truncating proxy (200, no
 * Content-Length, early clean end), a lying Content-Length, 5xx, a stall, and a poisoned cache.
 * Each test checks what the user sees (code and message), that nothing bad is kept, and that a later
 * healthy run gives the same scores as a clean load from the model folder.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadBiEncoder } from '../../../src/lib/engine/encoders/bi-encoder';
import type { BiEncoder } from '../../../src/lib/engine/encoders/encoder';
import { configureRuntime } from '../../../src/lib/engine/encoders/runtime';
import { startMockHub, type MockHub } from '../../fixtures/mock-hub';
import { FIXTURE_MODELS, fixtureModelDir, startHubContext, type HubContext } from './helpers';
import { listFiles } from '../../support/files';

const BI = FIXTURE_MODELS.biEncoder;
const ONNX = 'onnx/model.onnx';
const QUERY = 'which planet is red';
const DOCS = ['mars is the red planet', 'venus is hot', 'the moon orbits the earth'];

let ctx: HubContext;
let clean: number[];

/** Cosine scores of QUERY against DOCS (unit vectors: dot products). */
async function scores(bi: BiEncoder): Promise<number[]> {
	const q = await bi.encode([QUERY], 'query');
	const d = await bi.encode(DOCS, 'document');
	return DOCS.map((_, r) => {
		let s = 0;
		for (let i = 0; i < q.dim; i++) s += q.data[i] * d.data[r * d.dim + i];
		return s;
	});
}

async function scoresOf(ref: { id: string; revision?: string; localDir?: string }): Promise<number[]> {
	const bi = await loadBiEncoder(ref);
	try {
		return await scores(bi);
	} finally {
		await bi.dispose();
	}
}

function expectSameScores(got: number[]) {
	expect(got).toHaveLength(clean.length);
	got.forEach((s, i) => expect(s).toBeCloseTo(clean[i], 5));
}

const cacheOf = (revision: string) => join(ctx.cacheDir, BI, revision);
const fixtureSize = (file: string) => statSync(join(fixtureModelDir(BI), file)).size;

beforeAll(async () => {
	ctx = await startHubContext();
	clean = await scoresOf({ id: '', localDir: fixtureModelDir(BI) });
});

afterEach(() => {
	ctx.hub.setFault(null);
	configureRuntime({ downloadIdleTimeoutMs: 60_000 });
});

afterAll(async () => {
	await ctx?.close();
});

describe('model downloads under faults (loopback mock Hub)', () => {
	it('a truncating proxy (200, no Content-Length, early end) fails with NETWORK naming X-Linked-Size; nothing kept; a healthy rerun scores as a clean load', async () => {
		const ref = { id: BI, revision: 'truncated' };
		ctx.hub.setFault({ truncate: { file: ONNX, bytes: 40_000 } });
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(error.code).toBe('NETWORK');
		expect(error.message).toContain(`received 40000 bytes, X-Linked-Size says ${fixtureSize(ONNX)}`);
		expect(error.message).toContain('onnx/model.onnx');
		expect(listFiles(cacheOf('truncated')).filter((f) => f.startsWith('onnx') || f.includes('.tmp'))).toEqual([]);
		expectSameScores(await scoresOf(ref));
	});

	it('a Content-Length that lies (shorter than the file) fails with NETWORK; nothing kept; a healthy rerun scores as a clean load', async () => {
		const ref = { id: BI, revision: 'lying-length' };
		ctx.hub.setFault({ lieLength: { file: ONNX, length: 1_000 } });
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(error.code).toBe('NETWORK');
		expect(error.message).toContain(`received 1000 bytes, X-Linked-Size says ${fixtureSize(ONNX)}`);
		expect(listFiles(cacheOf('lying-length')).filter((f) => f.startsWith('onnx'))).toEqual([]);
		expectSameScores(await scoresOf(ref));
	});

	it('a truncated tokenizer.json (no length, only the git blob sha1 ETag) fails with NETWORK naming the hash; a healthy rerun works', async () => {
		const ref = { id: BI, revision: 'truncated-json' };
		ctx.hub.setFault({ truncate: { file: 'tokenizer.json', bytes: 500 } });
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(error.code).toBe('NETWORK');
		expect(error.message).toContain('git blob sha1 of the 500 bytes received');
		expect(listFiles(cacheOf('truncated-json'))).not.toContain('tokenizer.json');
		expectSameScores(await scoresOf(ref));
	});

	it('HTTP 503 on the weights fails with NETWORK (HTTP 503), caches nothing; a healthy rerun scores as a clean load', async () => {
		const ref = { id: BI, revision: 'five-hundred' };
		ctx.hub.setFault({ status: { file: ONNX, code: 503 } });
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(error.code).toBe('NETWORK');
		expect(error.message).toContain('HTTP 503');
		expect(listFiles(cacheOf('five-hundred')).filter((f) => f.startsWith('onnx'))).toEqual([]);
		expectSameScores(await scoresOf(ref));
	});

	it('a stalled download fails with NETWORK (stalled) after the idle timeout, caches nothing; a healthy rerun works', async () => {
		const ref = { id: BI, revision: 'stalled' };
		configureRuntime({ downloadIdleTimeoutMs: 300 });
		ctx.hub.setFault({ stall: { file: ONNX, afterBytes: 10_000 } });
		const t0 = Date.now();
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(Date.now() - t0).toBeLessThan(8_000);
		expect(error.code).toBe('NETWORK');
		expect(error.message).toMatch(/no data for \d+ s \(stalled\)/);
		expect(listFiles(cacheOf('stalled')).filter((f) => f.startsWith('onnx'))).toEqual([]);
		expectSameScores(await scoresOf(ref));
	}, 15_000);

	it("a poisoning proxy (truncates and strips the Hub's headers): the first run fails naming the model, the file and `latelab cache clear --models`, keeps nothing; a healthy rerun scores as a clean load", async () => {
		const ref = { id: BI, revision: 'poisoned' };
		ctx.hub.setFault({ truncate: { file: ONNX, bytes: 40_000 }, stripHubHeaders: true });
		ctx.hub.requests.length = 0;
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(error.code).toBe('MODEL_LOAD_FAILED');
		expect(error.message).toContain(BI);
		expect(error.message).toContain(ONNX);
		expect(error.message).toContain('latelab cache clear --models');
		expect(error.message).toContain(join(cacheOf('poisoned'), ONNX));
		// Fetched twice: the cached copy was evicted and downloaded once more before failing.
		expect(ctx.hub.requests.filter((r) => r.includes(`/poisoned/${ONNX} truncate`))).toHaveLength(2);
		expect(listFiles(cacheOf('poisoned')).filter((f) => f.startsWith('onnx'))).toEqual([]);
		expectSameScores(await scoresOf(ref));
	});

	it('a truncated onnx/model.onnx already in the cache (poisoned earlier) is evicted and downloaded again: the load succeeds with clean scores', async () => {
		const ref = { id: BI, revision: 'pre-poisoned' };
		const whole = readFileSync(join(fixtureModelDir(BI), ONNX));
		await scoresOf(ref); // warm the cache
		writeFileSync(join(cacheOf('pre-poisoned'), ONNX), whole.subarray(0, 30_000));
		ctx.hub.requests.length = 0;
		expectSameScores(await scoresOf(ref));
		expect(ctx.hub.requests).toEqual([`GET /${BI}/resolve/pre-poisoned/${ONNX} 200`]);
		expect(statSync(join(cacheOf('pre-poisoned'), ONNX)).size).toBe(whole.length);
	});

	it('a corrupt tokenizer.json in the cache is evicted and downloaded again', async () => {
		const ref = { id: BI, revision: 'bad-json' };
		await scoresOf(ref);
		writeFileSync(join(cacheOf('bad-json'), 'tokenizer.json'), '{"truncated": ');
		ctx.hub.requests.length = 0;
		expectSameScores(await scoresOf(ref));
		expect(ctx.hub.requests).toEqual([`GET /${BI}/resolve/bad-json/tokenizer.json 200`]);
	});
});

describe('model downloads behind the Hub redirect to its CDN (lfsRedirect)', () => {
	let hub: MockHub;
	beforeAll(async () => {
		hub = await startMockHub({ root: ctx.fixtureDir, lfsRedirect: true });
		configureRuntime({ remoteHost: hub.url });
	});
	afterAll(async () => {
		configureRuntime({ remoteHost: ctx.hub.url });
		await hub.close();
	});

	it('X-Linked-Size on the 302 catches a CDN answer cut short; a healthy rerun scores as a clean load', async () => {
		const ref = { id: BI, revision: 'cdn-truncated' };
		hub.setFault({ truncate: { file: ONNX, bytes: 20_000 } });
		const error = await loadBiEncoder(ref).catch((e) => e);
		hub.setFault(null);
		expect(hub.requests).toContain(`GET /${BI}/resolve/cdn-truncated/${ONNX} 302`);
		expect(hub.requests).toContain(`GET /_cdn/${BI}/cdn-truncated/${ONNX} truncate`);
		expect(error.code).toBe('NETWORK');
		expect(error.message).toContain(`received 20000 bytes, X-Linked-Size says ${fixtureSize(ONNX)}`);
		expect(listFiles(cacheOf('cdn-truncated')).filter((f) => f.startsWith('onnx'))).toEqual([]);
		expectSameScores(await scoresOf(ref));
	});

	it('a healthy download through the redirect is checked against X-Linked-ETag (sha256) and kept', async () => {
		const ref = { id: BI, revision: 'cdn-ok' };
		expectSameScores(await scoresOf(ref));
		expect(statSync(join(cacheOf('cdn-ok'), ONNX)).size).toBe(fixtureSize(ONNX));
	});
});
