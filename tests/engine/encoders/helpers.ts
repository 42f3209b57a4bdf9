/**
 * Shared set-up of the encoder tests: the generated models behind a mock Hub with a fresh download
 * cache, plus an *independent* reference path (vocab.txt looked up by hand, the ONNX graph run
 * directly with onnxruntime-node, safetensors read with a DataView) to check the encoders against.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { configureRuntime } from '../../../src/lib/engine/encoders/runtime';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../../fixtures/generate';
import { startMockHub, type MockHub } from '../../fixtures/mock-hub';

export { FIXTURE_MODELS, fixtureModelDir };

export interface HubContext {
	hub: MockHub;
	cacheDir: string;
	fixtureDir: string;
	close(): Promise<void>;
}

/** Generated models + mock Hub + empty cache; transformers.js pointed at them. */
export async function startHubContext(): Promise<HubContext> {
	const { dir } = await generateFixtures();
	const hub = await startMockHub({ root: dir });
	const cacheDir = mkdtempSync(join(tmpdir(), 'latelab-model-cache-'));
	configureRuntime({ remoteHost: hub.url, cacheDir, allowRemoteModels: true });
	return {
		hub,
		cacheDir,
		fixtureDir: dir,
		async close() {
			await hub.close();
			rmSync(cacheDir, { recursive: true, force: true });
		}
	};
}

/** token -> id from the model's vocab.txt (line number), independent of any tokenizer code. */
export function readVocab(id: string): Map<string, number> {
	const lines = readFileSync(join(fixtureModelDir(id), 'vocab.txt'), 'utf8').split('\n');
	return new Map(lines.filter((l) => l.length > 0).map((t, i) => [t, i]));
}

/** ids of whitespace-separated vocabulary entries, e.g. `ids(v, '[CLS] mars , red')`. */
export function ids(vocab: Map<string, number>, tokens: string): number[] {
	return tokens.split(' ').map((t) => {
		const id = vocab.get(t);
		if (id === undefined) throw new Error(`test vocabulary lacks "${t}"`);
		return id;
	});
}

export interface Row {
	ids: number[];
	mask: number[];
	types?: number[];
}

/** Runs an ONNX file directly (no transformers.js); rows padded with id 0 / mask 0. */
export async function runOnnx(file: string, rows: Row[]): Promise<{ data: Float32Array; dims: number[] }> {
	const session = await ort.InferenceSession.create(file);
	const seq = Math.max(...rows.map((r) => r.ids.length));
	const tensor = (pick: (r: Row, i: number) => number) => {
		const data = new BigInt64Array(rows.length * seq);
		rows.forEach((r, b) => r.ids.forEach((_, i) => (data[b * seq + i] = BigInt(pick(r, i)))));
		return new ort.Tensor('int64', data, [rows.length, seq]);
	};
	const out = await session.run({
		input_ids: tensor((r, i) => r.ids[i]),
		attention_mask: tensor((r, i) => r.mask[i]),
		token_type_ids: tensor((r, i) => r.types?.[i] ?? 0)
	});
	const t = out[session.outputNames[0]];
	await session.release();
	return { data: Float32Array.from(t.data as Float32Array), dims: [...t.dims] };
}

/** `linear.weight` from a safetensors file, parsed by hand (F32 only). */
export function readLinearWeight(file: string): { rows: number; cols: number; data: Float32Array } {
	const bytes = readFileSync(file);
	const n = Number(bytes.readBigUInt64LE(0));
	const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
	const entry = header['linear.weight'];
	const [begin, end] = entry.data_offsets;
	const raw = bytes.subarray(8 + n + begin, 8 + n + end);
	const data = new Float32Array(raw.length / 4);
	for (let i = 0; i < data.length; i++) data[i] = raw.readFloatLE(4 * i);
	return { rows: entry.shape[0], cols: entry.shape[1], data };
}

/** Unit-normalised copy of row `r` of a [rows, dim] array. */
export function unitRow(data: Float32Array, r: number, dim: number): number[] {
	const row = Array.from(data.subarray(r * dim, (r + 1) * dim));
	const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
	return row.map((v) => v / norm);
}

/** Largest absolute difference of two equal-length sequences. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length) return Infinity;
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}
