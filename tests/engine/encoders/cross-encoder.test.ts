import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCrossEncoder, sigmoid } from '../../../src/lib/engine/encoders/cross-encoder';
import { longestFirst } from '../../../src/lib/engine/encoders/tokenization';
import { FIXTURE_MODELS, fixtureModelDir, ids, readVocab, runOnnx, startHubContext, type HubContext } from './helpers';

let ctx: HubContext;
let ce: Awaited<ReturnType<typeof loadCrossEncoder>>;
const vocab = readVocab(FIXTURE_MODELS.crossEncoder);
const onnxFile = join(fixtureModelDir(FIXTURE_MODELS.crossEncoder), 'onnx/model.onnx');

beforeAll(async () => {
	ctx = await startHubContext();
	ce = await loadCrossEncoder({ id: FIXTURE_MODELS.crossEncoder });
});

afterAll(async () => {
	await ce?.dispose();
	await ctx?.close();
});

describe('cross-encoder', () => {
	it('buildInput(q, d) is [CLS] q [SEP] d [SEP] with token_type_ids 0 then 1', () => {
		const q = ids(vocab, 'red planet');
		const d = ids(vocab, 'mars is red');
		const expected = [101, ...q, 102, ...d, 102];
		const input = ce.buildInput('red planet', 'Mars is red');
		expect(input.ids).toEqual(expected);
		expect(input.types).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
		expect(input.mask).toEqual(expected.map(() => 1));
	});

	it('score(q, docs) equals logits[:, 0] of the ONNX graph run directly, in input order', async () => {
		const docs = ['Mars is red', 'Venus is often called the twin of earth', 'saturn'];
		const scores = await ce.score('red planet', docs);
		const rows = docs.map((d) => {
			const idsRow = [101, ...ids(vocab, 'red planet'), 102, ...ids(vocab, d.toLowerCase()), 102];
			const sep = idsRow.indexOf(102);
			return { ids: idsRow, mask: idsRow.map(() => 1), types: idsRow.map((_, i) => (i > sep ? 1 : 0)) };
		});
		const out = await runOnnx(onnxFile, rows);
		expect(out.dims).toEqual([3, 1]);
		for (let i = 0; i < 3; i++) expect(scores[i]).toBeCloseTo(out.data[i], 5);
	});

	it('scoreInputs(inputs): token_type_ids reach the model (zeroing them changes the logit)', async () => {
		expect(ce.usesTokenTypes).toBe(true);
		const input = ce.buildInput('red planet', 'Mars is red');
		const [withTypes, withoutTypes] = await ce.scoreInputs([input, { ...input, types: input.types.map(() => 0) }]);
		expect(Math.abs(withTypes - withoutTypes)).toBeGreaterThan(1e-3);
		const [viaScore] = await ce.score('red planet', ['Mars is red']);
		expect(viaScore).toBeCloseTo(withTypes, 5);
	});

	it('buildInput(q, d) truncates longest_first and keeps both [SEP]s', () => {
		const long = Array.from({ length: 600 }, () => 'star').join(' ');
		const input = ce.buildInput('red planet', long);
		expect(input.ids.length).toBe(ce.maxLength);
		expect(input.ids[input.ids.length - 1]).toBe(102);
		expect(input.ids.slice(0, 4)).toEqual([101, ...ids(vocab, 'red planet'), 102]);
	});

	it('longestFirst(n1, n2, budget) cuts the longer side, or halves when both are long', () => {
		expect(longestFirst(3, 10, 8)).toEqual([3, 5]);
		expect(longestFirst(10, 3, 8)).toEqual([5, 3]);
		expect(longestFirst(10, 12, 9)).toEqual([4, 5]);
		expect(longestFirst(2, 2, 9)).toEqual([2, 2]);
	});

	it('sigmoid(logit) is for display only: monotonic, 0.5 at 0', () => {
		expect(sigmoid(0)).toBe(0.5);
		expect(sigmoid(2)).toBeGreaterThan(sigmoid(1));
	});
});
