/**
 * `keepSessionChainAlive` (runtime.ts): transformers.js chains browser session creations as
 * `chain = chain.then(load)` with no catch, so one failed `InferenceSession.create` made every later one
 * rethrow the first error. The chain is reproduced here as transformers.js 4.3.1 writes it
 * (`backends/onnx.js` `createInferenceSession`), and the guard is checked end to end in Node through
 * `loadModel` with onnxruntime-node's `InferenceSession` (the class transformers.js uses in Node).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBiEncoder } from '../../../src/lib/engine/encoders/bi-encoder';
import { keepSessionChainAlive } from '../../../src/lib/engine/encoders/runtime';
import { FIXTURE_MODELS, fixtureModelDir, startHubContext, type HubContext } from './helpers';

/** A session class whose `create` fails for the model 'cut' (as ONNX Runtime on a truncated file). */
function fakeSessions() {
	const built: string[] = [];
	return {
		built,
		cls: {
			async create(model: string) {
				if (model === 'cut') throw new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.");
				built.push(model);
				return { model, inputNames: ['input_ids'], outputNames: ['last_hidden_state'], run: async () => ({ out: model }), release: async () => undefined };
			}
		}
	};
}

/** transformers.js' web-path serialisation of session creations, verbatim in shape. */
function chained(cls: { create(model: string): Promise<unknown> }) {
	let webInitChain: Promise<unknown> = Promise.resolve();
	return (model: string) => (webInitChain = webInitChain.then(() => cls.create(model)));
}

describe('keepSessionChainAlive', () => {
	it('without it, a failed creation makes the next one rethrow the first error without running', async () => {
		const { built, cls } = fakeSessions();
		const create = chained(cls);
		await expect(create('cut')).rejects.toThrow('protobuf parsing failed');
		await expect(create('whole')).rejects.toThrow('protobuf parsing failed');
		expect(built).toEqual([]);
	});

	it('with it, the failure comes back as a placeholder whose run rethrows it, and the next creation runs', async () => {
		const { built, cls } = fakeSessions();
		keepSessionChainAlive(cls);
		const create = chained(cls);
		const failed = (await create('cut')) as { run(): Promise<unknown>; inputNames: string[] };
		expect(failed.inputNames).toEqual([]);
		await expect(failed.run()).rejects.toThrow('protobuf parsing failed');
		const whole = (await create('whole')) as { model: string };
		expect(whole.model).toBe('whole');
		expect(built).toEqual(['whole']);
	});

	it('wrapping twice keeps one wrapper', () => {
		const { cls } = fakeSessions();
		keepSessionChainAlive(cls);
		const once = cls.create;
		keepSessionChainAlive(cls);
		expect(cls.create).toBe(once);
	});
});

describe('loadModel with the guard on the real InferenceSession', () => {
	let ctx: HubContext;
	const original = InferenceSession.create;
	beforeAll(async () => {
		ctx = await startHubContext();
		keepSessionChainAlive(InferenceSession);
	});
	afterAll(async () => {
		InferenceSession.create = original;
		await ctx?.close();
	});

	it('a cut ONNX file still fails with MODEL_LOAD_FAILED and ONNX Runtime\'s reason; the whole file then loads and encodes', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'latelab-chain-'));
		cpSync(fixtureModelDir(FIXTURE_MODELS.biEncoder), dir, { recursive: true });
		const whole = readFileSync(join(dir, 'onnx/model.onnx'));
		writeFileSync(join(dir, 'onnx/model.onnx'), whole.subarray(0, 30_000));
		const error = await loadBiEncoder({ id: '', localDir: dir, dtype: 'fp32' }).catch((e) => e);
		expect(error.code).toBe('MODEL_LOAD_FAILED');
		expect(error.message).toMatch(/protobuf parsing failed/i);
		writeFileSync(join(dir, 'onnx/model.onnx'), whole);
		const encoder = await loadBiEncoder({ id: '', localDir: dir, dtype: 'fp32' });
		const vectors = await encoder.encode(['red planet'], 'document');
		expect(vectors.rows).toBe(1);
		expect(vectors.data.length).toBe(encoder.dim);
		await encoder.dispose();
		rmSync(dir, { recursive: true, force: true });
	});
});
