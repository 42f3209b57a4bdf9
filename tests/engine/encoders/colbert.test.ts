import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadColbertEncoder, type LoadedColbertEncoder } from '../../../src/lib/engine/encoders/colbert';
import { FIXTURE_MODELS, fixtureModelDir, ids, maxAbsDiff, readLinearWeight, readVocab, runOnnx, startHubContext, unitRow, type HubContext } from './helpers';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

let ctx: HubContext;
let pylate: LoadedColbertEncoder;
let folded: LoadedColbertEncoder;
let stanford: LoadedColbertEncoder;
const vocab = readVocab(FIXTURE_MODELS.colbertPylate);
const CLS = 101;
const SEP = 102;
const MASK = 103;

/** The reference: the hidden-width ONNX graph run directly, then x W^T and per-row L2 norm by hand. */
async function reference(rows: { ids: number[]; mask: number[] }[]): Promise<number[][][]> {
	const dir = fixtureModelDir(FIXTURE_MODELS.colbertPylate);
	const out = await runOnnx(join(dir, 'onnx/model.onnx'), rows);
	const w = readLinearWeight(join(dir, '1_Dense/model.safetensors'));
	const [, seq, hidden] = out.dims;
	return rows.map((row, b) =>
		row.ids.map((_, i) => {
			const x = out.data.subarray((b * seq + i) * hidden, (b * seq + i + 1) * hidden);
			const y = new Float32Array(w.rows);
			for (let o = 0; o < w.rows; o++) for (let h = 0; h < hidden; h++) y[o] += x[h] * w.data[o * hidden + h];
			return unitRow(y, 0, w.rows);
		})
	);
}

beforeAll(async () => {
	ctx = await startHubContext();
	pylate = await loadColbertEncoder({ id: FIXTURE_MODELS.colbertPylate });
	folded = await loadColbertEncoder({ id: FIXTURE_MODELS.colbertFolded });
	stanford = await loadColbertEncoder({ id: FIXTURE_MODELS.colbertStanford });
});

afterAll(async () => {
	await Promise.all([pylate, folded, stanford].map((e) => e?.dispose()));
	await ctx?.close();
});

describe('ColBERT query', () => {
	it('encodeQuery(text) inserts [unused0] by id after [CLS] and pads with [MASK] to exactly 32, attention 0 on the padding', async () => {
		const q = await pylate.encodeQuery('Which planet is red?');
		const real = [CLS, vocab.get('[unused0]')!, ...ids(vocab, 'which planet is red ?'), SEP];
		expect(vocab.get('[unused0]')).toBe(1);
		expect(q.ids).toEqual([...real, ...Array(32 - real.length).fill(MASK)]);
		expect(q.augmentation).toEqual(q.ids.map((_, i) => i >= real.length));
		expect(pylate.queryInput('Which planet is red?').mask).toEqual(q.ids.map((_, i) => (i < real.length ? 1 : 0)));
		expect(q.tokens.slice(0, 3)).toEqual(['[CLS]', '[unused0]', 'which']);
		// The [MASK] rows are kept: 32 unit vectors, none of them zero.
		expect(q.matrix.rows).toBe(32);
		for (let r = 0; r < 32; r++) expect(Math.hypot(...q.matrix.data.subarray(r * 16, r * 16 + 16))).toBeCloseTo(1, 5);
	});

	it('encodeQuery(text) keeps at most 29 word pieces: [CLS] [Q] 29 pieces [SEP], no augmentation left', async () => {
		const words = Array.from({ length: 40 }, (_, i) => ['mars', 'red', 'planet', 'orbit'][i % 4]);
		const q = await pylate.encodeQuery(words.join(' '));
		expect(q.ids).toEqual([CLS, 1, ...ids(vocab, words.slice(0, 29).join(' ')), SEP]);
		expect(q.augmentation.every((a) => !a)).toBe(true);
	});

	it('encodeQuery(text) matches onnxruntime + projection + L2 norm computed by hand (1e-5), [MASK] rows included', async () => {
		const q = await pylate.encodeQuery('which planet is red?');
		const mask = q.augmentation.map((a) => (a ? 0 : 1));
		const [expected] = await reference([{ ids: q.ids, mask }]);
		expect(maxAbsDiff(q.matrix.data, expected.flat())).toBeLessThan(1e-5);
	});

	it('typing "[unused0]" as text splits into pieces, which is why the marker goes in by id', () => {
		const input = pylate.documentInput('[unused0]');
		expect(input.ids.slice(2, -1)).not.toEqual([1]);
		expect(input.ids).toContain(vocab.get('['));
	});

	it('loadColbertEncoder(ref, { queryAugmentation: false }) leaves queries unpadded', async () => {
		const plain = await loadColbertEncoder({ id: FIXTURE_MODELS.colbertPylate }, { queryAugmentation: false });
		const q = await plain.encodeQuery('red planet');
		expect(q.ids).toEqual([CLS, 1, ...ids(vocab, 'red planet'), SEP]);
		expect(plain.settings.queryAugmentation).toBe(false);
		await plain.dispose();
	});
});

describe('ColBERT documents', () => {
	it('encodeDocuments(texts) builds [CLS] [unused1] ... [SEP] and truncates to document_length (40)', async () => {
		expect(pylate.settings.documentLength).toBe(40);
		const words = Array.from({ length: 60 }, (_, i) => ['the', 'sun', 'is', 'a', 'star'][i % 5]);
		const [d] = await pylate.encodeDocuments([words.join(' ')]);
		expect(d.ids).toEqual([CLS, vocab.get('[unused1]')!, ...ids(vocab, words.slice(0, 37).join(' ')), SEP]);
		expect(vocab.get('[unused1]')).toBe(2);
		expect(d.matrix.rows).toBe(40);
	});

	it('the skiplist is every string.punctuation character mapped through the tokenizer', () => {
		expect([...pylate.recipe.skiplist].sort((a, b) => a - b)).toEqual(ids(vocab, [...PUNCTUATION].join(' ')).sort((a, b) => a - b));
	});

	it('encodeDocuments(texts) drops punctuation vectors but encodes punctuation as context', async () => {
		const [d] = await pylate.encodeDocuments(['Mars, the red planet!']);
		const full = [CLS, 2, ...ids(vocab, 'mars , the red planet !'), SEP];
		const keptPositions = [0, 1, 2, 4, 5, 6, 8];
		expect(d.ids).toEqual(keptPositions.map((i) => full[i]));
		expect(d.tokens).toEqual(['[CLS]', '[unused1]', 'mars', 'the', 'red', 'planet', '[SEP]']);
		const [expected] = await reference([{ ids: full, mask: full.map(() => 1) }]);
		expect(maxAbsDiff(d.matrix.data, keptPositions.flatMap((i) => expected[i]))).toBeLessThan(1e-5);
		// Without the punctuation in the input the same kept tokens get different vectors.
		const [bare] = await pylate.encodeDocuments(['Mars the red planet']);
		expect(bare.ids).toEqual(d.ids);
		expect(maxAbsDiff(bare.matrix.data, d.matrix.data)).toBeGreaterThan(1e-3);
	});

	it('encodeDocuments(texts) in one padded batch equals one text at a time (padding never leaks)', async () => {
		const texts = ['mars', 'the largest planet in our solar system has a red spot', 'venus is similar to earth.'];
		const together = await pylate.encodeDocuments(texts, { batchSize: 3 });
		for (let i = 0; i < texts.length; i++) {
			const [alone] = await pylate.encodeDocuments([texts[i]]);
			expect(together[i].ids).toEqual(alone.ids);
			expect(maxAbsDiff(together[i].matrix.data, alone.matrix.data)).toBeLessThan(1e-5);
		}
	});

	it('encodeDocuments(texts, { onProgress, signal }) reports batches and stops with CANCELLED', async () => {
		const seen: number[] = [];
		await pylate.encodeDocuments(['a', 'b', 'c'], { batchSize: 2, onProgress: (p) => seen.push(p.done) });
		expect(seen).toEqual([2, 3]);
		const controller = new AbortController();
		controller.abort();
		await expect(pylate.encodeDocuments(['a'], { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
	});
});

describe('ColBERT projection layouts', () => {
	it('loadColbertEncoder decides folded vs external from the output width', () => {
		expect(folded.settings).toMatchObject({ projection: 'folded', dim: 16, queryLength: 32 });
		expect(pylate.settings).toMatchObject({ projection: 'external', dim: 16 });
		expect(pylate.projectionSource).toContain('1_Dense/model.safetensors');
		expect(stanford.settings).toMatchObject({ projection: 'external', dim: 16, documentLength: 40 });
		expect(stanford.recipe.source).toBe('artifact.metadata');
		expect(stanford.projectionSource).toMatch(/^linear\.weight 16x32 from model\.safetensors/);
	});

	it('folded, PyLate 1_Dense and Stanford root linear.weight give the same vectors (1e-5)', async () => {
		const text = 'Jupiter, the largest planet in our solar system, has a prominent red spot.';
		const [qa, qb, qc] = await Promise.all([pylate, folded, stanford].map((e) => e.encodeQuery('which planet is red?')));
		expect(maxAbsDiff(qa.matrix.data, qb.matrix.data)).toBeLessThan(1e-5);
		expect(maxAbsDiff(qa.matrix.data, qc.matrix.data)).toBeLessThan(1e-5);
		const [[da], [db], [dc]] = await Promise.all([pylate, folded, stanford].map((e) => e.encodeDocuments([text])));
		expect(db.ids).toEqual(da.ids);
		expect(maxAbsDiff(da.matrix.data, db.matrix.data)).toBeLessThan(1e-5);
		expect(maxAbsDiff(da.matrix.data, dc.matrix.data)).toBeLessThan(1e-5);
	});
});
