import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelProgress } from '../../../src/lib/engine/encoders/encoder';
import { loadBiEncoder } from '../../../src/lib/engine/encoders/bi-encoder';
import { loadColbertEncoder } from '../../../src/lib/engine/encoders/colbert';
import { configureRuntime } from '../../../src/lib/engine/encoders/runtime';
import { startMockHub } from '../../fixtures/mock-hub';
import { FIXTURE_MODELS, fixtureModelDir, startHubContext, type HubContext } from './helpers';
import { listFiles } from '../../support/files';

let ctx: HubContext;

beforeAll(async () => {
	ctx = await startHubContext();
});

afterAll(async () => {
	await ctx?.close();
});

function copyWithout(id: string, exclude: RegExp): string {
	const dir = mkdtempSync(join(tmpdir(), 'latelab-folder-'));
	cpSync(fixtureModelDir(id), dir, { recursive: true, filter: (src) => !exclude.test(relative(fixtureModelDir(id), src)) });
	return dir;
}

describe('model loading through the mock Hub', () => {
	it('loadBiEncoder(ref, { onProgress }) reports per-file progress and totals over all files, then ready', async () => {
		ctx.hub.setFault({ chunkBytes: 32_768, chunkDelayMs: 2 });
		const events: ModelProgress[] = [];
		const bi = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder }, { onProgress: (p) => events.push(p) });
		ctx.hub.setFault(null);
		await bi.dispose();
		const dir = fixtureModelDir(FIXTURE_MODELS.biEncoder);
		const files = ['config.json', 'tokenizer_config.json', 'tokenizer.json', 'onnx/model.onnx'];
		for (const f of files) {
			const last = events.filter((e) => e.file === f && e.status === 'progress').pop();
			expect(last, f).toMatchObject({ loaded: statSync(join(dir, f)).size, total: statSync(join(dir, f)).size });
		}
		// The weights arrive in several chunks, each reported.
		expect(events.filter((e) => e.file === 'onnx/model.onnx' && e.status === 'progress').length).toBeGreaterThan(3);
		const ready = events[events.length - 1];
		expect(ready.status).toBe('ready');
		const bytes = files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);
		expect(ready).toMatchObject({ model: FIXTURE_MODELS.biEncoder, totalLoaded: bytes, totalBytes: bytes });
		expect(events.every((e) => (e.totalLoaded ?? 0) <= (e.totalBytes ?? 0))).toBe(true);
	});

	it('a second load is served from the cache: the mock Hub sees no request', async () => {
		ctx.hub.requests.length = 0;
		const bi = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder });
		await bi.dispose();
		expect(ctx.hub.requests).toEqual([]);
		const cached = listFiles(join(ctx.cacheDir, FIXTURE_MODELS.biEncoder));
		expect(cached).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model.onnx', '1_Pooling/config.json']));
	});

	it('a cached model loads with remote models disabled', async () => {
		configureRuntime({ allowRemoteModels: false });
		try {
			const bi = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder });
			expect(bi.pooling.mode).toBe('mean');
			await bi.dispose();
		} finally {
			configureRuntime({ allowRemoteModels: true });
		}
	});

	it('a local folder (localDir) loads with remote models disabled and fetches nothing', async () => {
		configureRuntime({ allowRemoteModels: false });
		ctx.hub.requests.length = 0;
		try {
			const cb = await loadColbertEncoder({ id: 'tiny-colbert-pylate', localDir: join(ctx.fixtureDir, 'latelab-test') });
			expect(cb.settings).toMatchObject({ projection: 'external', dim: 16 });
			expect(cb.modelId).toBe(fixtureModelDir(FIXTURE_MODELS.colbertPylate));
			expect((await cb.encodeQuery('red planet')).matrix.rows).toBe(32);
			await cb.dispose();
			expect(ctx.hub.requests).toEqual([]);
		} finally {
			configureRuntime({ allowRemoteModels: true });
		}
	});

	it('a local Stanford folder gives the projection from its root model.safetensors (read piecewise)', async () => {
		const cb = await loadColbertEncoder({ id: '', localDir: fixtureModelDir(FIXTURE_MODELS.colbertStanford) });
		expect(cb.projectionSource).toMatch(/^linear\.weight 16x32 from model\.safetensors of \//);
		const reference = await loadColbertEncoder({ id: '', localDir: fixtureModelDir(FIXTURE_MODELS.colbertPylate) });
		const [a, b] = await Promise.all([cb.encodeQuery('red planet'), reference.encodeQuery('red planet')]);
		expect(Math.max(...a.matrix.data.map((v, i) => Math.abs(v - b.matrix.data[i])))).toBeLessThan(1e-5);
		await Promise.all([cb.dispose(), reference.dispose()]);
	});

	it('a truncated root model.safetensors fails with MALFORMED_JSON naming the file', async () => {
		const dir = copyWithout(FIXTURE_MODELS.colbertStanford, /^model\.safetensors$/);
		const whole = readFileSync(join(fixtureModelDir(FIXTURE_MODELS.colbertStanford), 'model.safetensors'));
		writeFileSync(join(dir, 'model.safetensors'), whole.subarray(0, whole.length - 100));
		const error = await loadColbertEncoder({ id: '', localDir: dir }).catch((e) => e);
		expect(error.code).toBe('MALFORMED_JSON');
		expect(error.message).toContain(join(dir, 'model.safetensors'));
		rmSync(dir, { recursive: true, force: true });
	});

	it('a folder without tokenizer.json fails with MODEL_FILE_MISSING naming the folder and the file', async () => {
		const dir = copyWithout(FIXTURE_MODELS.biEncoder, /^tokenizer\.json$/);
		const error = await loadBiEncoder({ id: '', localDir: dir }).catch((e) => e);
		expect(error.code).toBe('MODEL_FILE_MISSING');
		expect(error.message).toContain(dir);
		expect(error.message).toContain('tokenizer.json');
		rmSync(dir, { recursive: true, force: true });
	});

	it('a folder without onnx/model.onnx fails with MODEL_FILE_MISSING naming it', async () => {
		const dir = copyWithout(FIXTURE_MODELS.crossEncoder, /^onnx[\\/]model\.onnx$/);
		const error = await loadBiEncoder({ id: '', localDir: dir, dtype: 'fp32' }).catch((e) => e);
		expect(error.code).toBe('MODEL_FILE_MISSING');
		expect(error.message).toContain('onnx/model.onnx');
		expect(error.message).toContain(dir);
		rmSync(dir, { recursive: true, force: true });
	});

	it("a dtype the repo lacks (404 on onnx/model_q4.onnx) fails with MODEL_FILE_MISSING naming that file", async () => {
		const error = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder, dtype: 'q4' }).catch((e) => e);
		expect(error.code).toBe('MODEL_FILE_MISSING');
		expect(error.message).toContain('onnx/model_q4.onnx');
		expect(error.message).toContain(FIXTURE_MODELS.biEncoder);
	});

	it('a folder whose ONNX file is not a model fails with MODEL_LOAD_FAILED', async () => {
		const dir = copyWithout(FIXTURE_MODELS.biEncoder, /^no-such-file$/);
		writeFileSync(join(dir, 'onnx/model.onnx'), 'not an onnx graph');
		const error = await loadBiEncoder({ id: '', localDir: dir }).catch((e) => e);
		expect(error.code).toBe('MODEL_LOAD_FAILED');
		expect(error.message).toContain(dir);
		rmSync(dir, { recursive: true, force: true });
	});

	it('an unknown Hub repo (404) fails with MODEL_FILE_MISSING naming the repo and file', async () => {
		const error = await loadBiEncoder({ id: 'latelab-test/no-such-model' }).catch((e) => e);
		expect(error.code).toBe('MODEL_FILE_MISSING');
		expect(error.message).toContain('latelab-test/no-such-model');
		expect(error.message).toContain('config.json');
		expect(error.message).toContain('404');
		// A required file's 404 is not remembered: the next load asks the Hub again.
		expect(listFiles(join(ctx.cacheDir, 'latelab-test/no-such-model'))).toEqual([]);
	});

	it('an ONNX download cut mid-way fails with NETWORK, leaves no cache entry, and a retry succeeds', async () => {
		const ref = { id: FIXTURE_MODELS.biEncoder, revision: 'cut-onnx' };
		ctx.hub.setFault({ dropAfterBytes: { file: 'onnx/model.onnx', bytes: 50_000 } });
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(error.code).toBe('NETWORK');
		expect(ctx.hub.requests).toContain('GET /latelab-test/tiny-bi-encoder/resolve/cut-onnx/onnx/model.onnx drop');
		const cacheDir = join(ctx.cacheDir, FIXTURE_MODELS.biEncoder, 'cut-onnx');
		expect(listFiles(cacheDir).filter((f) => f.startsWith('onnx'))).toEqual([]);
		const bi = await loadBiEncoder(ref);
		expect((await bi.encode(['mars'], 'query')).rows).toBe(1);
		await bi.dispose();
		const size = statSync(join(fixtureModelDir(FIXTURE_MODELS.biEncoder), 'onnx/model.onnx')).size;
		expect(statSync(join(cacheDir, 'onnx/model.onnx')).size).toBe(size);
		expect(listFiles(cacheDir).filter((f) => f.includes('.tmp'))).toEqual([]);
	});

	it('a cached non-main revision loads with remote models disabled', async () => {
		await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder, revision: 'pinned' }).then((bi) => bi.dispose());
		configureRuntime({ allowRemoteModels: false });
		ctx.hub.requests.length = 0;
		try {
			const bi = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder, revision: 'pinned' });
			expect((await bi.encode(['mars'], 'query')).rows).toBe(1);
			await bi.dispose();
		} finally {
			configureRuntime({ allowRemoteModels: true });
		}
		expect(ctx.hub.requests).toEqual([]);
	});

	it("loadBiEncoder({ dtype: 'q8' }) downloads onnx/model_quantized.onnx, not model.onnx", async () => {
		ctx.hub.requests.length = 0;
		const bi = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder, revision: 'q8', dtype: 'q8' });
		await bi.dispose();
		const onnx = ctx.hub.requests.filter((r) => r.includes('/onnx/') && r.endsWith(' 200'));
		expect(onnx).toEqual(['GET /latelab-test/tiny-bi-encoder/resolve/q8/onnx/model_quantized.onnx 200']);
	});

	it('a tokenizer.json download cut mid-way fails with NETWORK and caches nothing for it', async () => {
		const ref = { id: FIXTURE_MODELS.biEncoder, revision: 'cut-tokenizer' };
		ctx.hub.setFault({ dropAfterBytes: { file: 'tokenizer.json', bytes: 1_000 } });
		const error = await loadBiEncoder(ref).catch((e) => e);
		ctx.hub.setFault(null);
		expect(error.code).toBe('NETWORK');
		const cacheDir = join(ctx.cacheDir, FIXTURE_MODELS.biEncoder, 'cut-tokenizer');
		expect(listFiles(cacheDir)).not.toContain('tokenizer.json');
		expect(listFiles(cacheDir).filter((f) => f.includes('.tmp'))).toEqual([]);
		const bi = await loadBiEncoder(ref);
		await bi.dispose();
		expect(listFiles(cacheDir)).toContain('tokenizer.json');
	});

	it('a Stanford root model.safetensors is read with Range requests: only linear.weight is fetched and cached', async () => {
		ctx.hub.requests.length = 0;
		const ref = { id: FIXTURE_MODELS.colbertStanford, revision: 'range' };
		const cb = await loadColbertEncoder(ref);
		expect(cb.settings.projection).toBe('external');
		await cb.dispose();
		const weightRequests = ctx.hub.requests.filter((r) => r.includes('/resolve/range/model.safetensors'));
		expect(weightRequests).toEqual(Array(3).fill('GET /latelab-test/tiny-colbert-stanford/resolve/range/model.safetensors 206'));
		const cacheDir = join(ctx.cacheDir, FIXTURE_MODELS.colbertStanford, 'range');
		expect(listFiles(cacheDir)).toContain('model.safetensors.linear.weight.latelab');
		expect(listFiles(cacheDir)).not.toContain('model.safetensors');
		ctx.hub.requests.length = 0;
		const again = await loadColbertEncoder(ref);
		await again.dispose();
		expect(ctx.hub.requests).toEqual([]);
	});

	it('a server without Range support makes the projection fall back to downloading the whole file', async () => {
		ctx.hub.setFault({ ignoreRange: true });
		try {
			const cb = await loadColbertEncoder({ id: FIXTURE_MODELS.colbertStanford, revision: 'no-range' });
			const reference = await loadColbertEncoder({ id: FIXTURE_MODELS.colbertPylate });
			const [a, b] = await Promise.all([cb.encodeQuery('red planet'), reference.encodeQuery('red planet')]);
			expect(Math.max(...a.matrix.data.map((v, i) => Math.abs(v - b.matrix.data[i])))).toBeLessThan(1e-5);
			await Promise.all([cb.dispose(), reference.dispose()]);
		} finally {
			ctx.hub.setFault(null);
		}
		expect(listFiles(join(ctx.cacheDir, FIXTURE_MODELS.colbertStanford, 'no-range'))).toContain('model.safetensors');
	});

	it('an unreachable Hub fails with OFFLINE and says how to work offline', async () => {
		const dead = await startMockHub({ root: ctx.fixtureDir });
		await dead.close();
		configureRuntime({ remoteHost: dead.url });
		try {
			const error = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder, revision: 'never-fetched' }).catch((e) => e);
			expect(error.code).toBe('OFFLINE');
			expect(error.message).toContain('local folder');
		} finally {
			configureRuntime({ remoteHost: ctx.hub.url });
		}
	});
});
