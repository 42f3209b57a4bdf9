import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBiEncoder } from '../../../src/lib/engine/encoders/bi-encoder';
import { loadEncoder } from '../../../src/lib/engine/encoders/load-encoder';
import { FIXTURE_MODELS, fixtureModelDir, ids, maxAbsDiff, readVocab, runOnnx, startHubContext, unitRow, type HubContext } from './helpers';

let ctx: HubContext;
let bi: Awaited<ReturnType<typeof loadBiEncoder>>;
const vocab = readVocab(FIXTURE_MODELS.biEncoder);
const onnxFile = join(fixtureModelDir(FIXTURE_MODELS.biEncoder), 'onnx/model.onnx');

beforeAll(async () => {
	ctx = await startHubContext();
	bi = await loadBiEncoder({ id: FIXTURE_MODELS.biEncoder });
});

afterAll(async () => {
	await bi?.dispose();
	await ctx?.close();
});

describe('bi-encoder', () => {
	it('loadBiEncoder(ref) reads mean pooling and max length 256 from the sentence-transformers files', () => {
		expect(bi.pooling).toEqual({ mode: 'mean', source: '1_Pooling/config.json (pooling_mode_mean_tokens)' });
		expect(bi.settings.maxLength).toBe(256);
		expect(bi.dim).toBe(32);
	});

	it('tokenVectors(text) truncates to 256 ids and keeps [SEP] last', async () => {
		const words = Array.from({ length: 300 }, (_, i) => ['stars', 'sun', 'moon'][i % 3]);
		const t = await bi.tokenVectors(words.join(' '), 'document');
		// "stars" is one piece; 254 pieces fit between [CLS] and [SEP].
		expect(t.ids).toEqual([101, ...ids(vocab, words.slice(0, 254).join(' ')), 102]);
		expect(t.vectors.rows).toBe(256);
	});

	it('encode(texts) equals mean pooling over the mask of the raw ONNX output, L2-normalised (1e-5)', async () => {
		const texts = ['the red planet', 'mars is known as the red planet because of its reddish appearance'];
		const m = await bi.encode(texts, 'document');
		const rows = texts.map((t) => {
			const input = [101, ...ids(vocab, t), 102];
			return { ids: input, mask: input.map(() => 1) };
		});
		// One padded batch, as the encoder runs it: the short row's padding must not count in the mean.
		const out = await runOnnx(onnxFile, rows);
		const [, seq, hidden] = out.dims;
		rows.forEach((row, b) => {
			const mean = new Float32Array(hidden);
			for (let i = 0; i < row.ids.length; i++) for (let h = 0; h < hidden; h++) mean[h] += out.data[(b * seq + i) * hidden + h] / row.ids.length;
			expect(maxAbsDiff(m.data.subarray(b * hidden, (b + 1) * hidden), unitRow(mean, 0, hidden))).toBeLessThan(1e-5);
		});
	});

	it('loadBiEncoder(ref) with 1_Pooling set to CLS returns the normalised [CLS] vector', async () => {
		const cls = await loadEncoder('bi-encoder', { id: FIXTURE_MODELS.biEncoderCls });
		expect(cls.pooling.mode).toBe('cls');
		const m = await cls.encode(['mars'], 'query');
		const input = [101, ...ids(vocab, 'mars'), 102];
		const out = await runOnnx(onnxFile, [{ ids: input, mask: [1, 1, 1] }]);
		expect(maxAbsDiff(m.data, unitRow(out.data, 0, 32))).toBeLessThan(1e-5);
		await cls.dispose();
	});

	it('loadBiEncoder(ref) on an unknown model without sentence-transformers files falls back to mean pooling and says so', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'latelab-bare-'));
		cpSync(fixtureModelDir(FIXTURE_MODELS.biEncoder), dir, { recursive: true, filter: (src) => !/modules\.json|1_Pooling|sentence_bert/.test(src) });
		const bare = await loadBiEncoder({ id: 'bare-model', localDir: dir });
		expect(bare.pooling.mode).toBe('mean');
		expect(bare.pooling.source).toMatch(/^fallback: .* mean pooling is assumed/);
		expect(bare.settings.maxLength).toBe(512);
		await bare.dispose();
		rmSync(dir, { recursive: true, force: true });
	});

	it('encode(texts, role, { batchSize, onProgress }) reports progress per batch and returns unit rows', async () => {
		const seen: string[] = [];
		const m = await bi.encode(['a', 'b', 'c', 'd', 'e'], 'query', { batchSize: 2, onProgress: (p) => seen.push(`${p.done}/${p.total}`) });
		expect(seen).toEqual(['2/5', '4/5', '5/5']);
		for (let r = 0; r < m.rows; r++) expect(Math.hypot(...m.data.subarray(r * 32, r * 32 + 32))).toBeCloseTo(1, 5);
	});
});
