import { describe, expect, it } from 'vitest';
import { explainColbertPair, explainMaxSim } from '../../../src/lib/engine/explain/maxsim-matrix';
import { occlusion, splitWords } from '../../../src/lib/engine/explain/occlusion';
import { explainBiEncoderPair, meanPooledContributions } from '../../../src/lib/engine/explain/pooled-contributions';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { ToyBiEncoder, ToyColbert, ToyCrossEncoder } from '../pipelines/toy-encoders';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('explainMaxSim', () => {
	it('explainMaxSim(q, d) on the maxSim example gives the matrix, argmax [1, 0] and contributions [1, 0.8]', () => {
		const q = { ids: [1, 2], tokens: ['a', 'b'], augmentation: [false, false], matrix: { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 } };
		const d = { ids: [3, 4], tokens: ['x', 'y'], matrix: { data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 } };
		const e = explainMaxSim(q, d);
		expect([...e.scores].map((x) => +x.toFixed(6))).toEqual([0.6, 1, 0.8, 0]);
		expect(e.argmax).toEqual([1, 0]);
		expect(e.contributions.map((x) => +x.toFixed(6))).toEqual([1, 0.8]);
		expect(e.score).toBeCloseTo(1.8, 6);
	});

	it('explainColbertPair(enc, q, d) contributions sum to maxSim and each argmax is the row maximum', async () => {
		const colbert = new ToyColbert({ dim: 12, queryLength: 10 });
		const e = await explainColbertPair(colbert, 'red planet mars', 'Mars is known as the red planet, unlike Venus.');
		const q = await colbert.encodeQuery('red planet mars');
		const [d] = await colbert.encodeDocuments(['Mars is known as the red planet, unlike Venus.']);
		expect(e.nq).toBe(10);
		expect(e.nd).toBe(d.matrix.rows);
		expect(Math.abs(sum(e.contributions) - maxSim(q.matrix, d.matrix))).toBeLessThan(1e-5);
		expect(Math.abs(e.score - maxSim(q.matrix, d.matrix))).toBeLessThan(1e-5);
		for (let i = 0; i < e.nq; i++) {
			const row = [...e.scores.subarray(i * e.nd, (i + 1) * e.nd)];
			expect(row[e.argmax[i]]).toBe(Math.max(...row));
			expect(e.contributions[i]).toBeCloseTo(Math.max(...row), 6);
		}
		expect(e.augmentation.filter(Boolean).length).toBe(5);
		expect(e.docTokens[e.argmax[2]]).toBe('red');
	});

	it('explainMaxSim(q, empty doc) has argmax -1 and score 0, as maxSim', () => {
		const q = { ids: [1], tokens: ['a'], augmentation: [false], matrix: { data: Float32Array.of(1, 0), rows: 1, dim: 2 } };
		const e = explainMaxSim(q, { ids: [], tokens: [], matrix: { data: new Float32Array(0), rows: 0, dim: 2 } });
		expect(e.argmax).toEqual([-1]);
		expect(e.score).toBe(0);
	});
});

describe('meanPooledContributions', () => {
	it('meanPooledContributions(q, tokens) on a hand example gives shares q . h_i / (n |v|)', () => {
		const e = meanPooledContributions(Float32Array.of(1, 0), {
			ids: [1, 2, 0],
			tokens: ['a', 'b', '[PAD]'],
			mask: [1, 1, 0],
			vectors: { data: Float32Array.of(2, 0, 0, 2, 9, 9), rows: 3, dim: 2 }
		});
		expect(e.n).toBe(2);
		expect(e.values[0]).toBeCloseTo(1 / Math.SQRT2, 6);
		expect(e.values[1]).toBeCloseTo(0, 6);
		expect(e.values[2]).toBe(0);
		expect(e.score).toBeCloseTo(1 / Math.SQRT2, 6);
	});

	it('explainBiEncoderPair(enc, q, d) shares sum to the cosine of the encoded vectors', async () => {
		const model = new ToyBiEncoder({ dim: 16 });
		const query = 'heart attack symptoms';
		const doc = 'Chest pain is a common symptom of a heart attack.';
		const e = await explainBiEncoderPair(model, query, doc);
		if (!e.applicable) throw new Error('expected a decomposition');
		const q = await model.encode([query], 'query');
		const d = await model.encode([doc], 'document');
		let cosine = 0;
		for (let k = 0; k < 16; k++) cosine += q.data[k] * d.data[k];
		expect(Math.abs(sum(e.values) - cosine)).toBeLessThan(1e-5);
		expect(Math.abs(e.score - cosine)).toBeLessThan(1e-5);
		expect(e.values.at(-1)).toBe(0);
	});

	it('explainBiEncoderPair(cls model, q, d) says the decomposition does not apply', async () => {
		const e = await explainBiEncoderPair(new ToyBiEncoder({ pooling: 'cls' }), 'a', 'b');
		expect(e.applicable).toBe(false);
		if (!e.applicable) expect(e.reason).toMatch(/CLS pooling/);
	});
});

describe('occlusion', () => {
	it('splitWords(text) gives offsets of whitespace-separated words', () => {
		expect(splitWords('  ab c\td ')).toEqual([{ start: 2, end: 4 }, { start: 5, end: 6 }, { start: 7, end: 8 }]);
	});

	it('occlusion(cross, q, d) drops the logit most for the matching words', async () => {
		const cross = new ToyCrossEncoder();
		const e = await occlusion(cross, 'capital france', 'Paris is the capital of France');
		expect(e.capped).toBe(false);
		expect(e.units.map((u) => u.text)).toEqual(['Paris', 'is', 'the', 'capital', 'of', 'France']);
		expect(e.score).toBeCloseTo(2 - 0.06, 5);
		// Removing a matching word loses 1 and shortens the text (penalty 0.01 less): drop 0.99.
		expect(e.units[3].drop).toBeCloseTo(0.99, 5);
		expect(e.units[5].drop).toBeCloseTo(0.99, 5);
		expect(e.units[0].drop).toBeCloseTo(-0.01, 5);
		expect(e.spans[3]).toMatchObject({ start: 13, end: 20 });
		expect(e.evaluations).toBe(7);
	});

	it('occlusion(cross, q, d, { maxVariants }) groups words into spans above the cap and says so', async () => {
		const cross = new ToyCrossEncoder();
		const doc = Array.from({ length: 10 }, (_, i) => `w${i}`).join(' ');
		const e = await occlusion(cross, 'w3', doc, { maxVariants: 4, batchSize: 3 });
		expect(e.capped).toBe(true);
		expect(e.wordsPerUnit).toBe(3);
		expect(e.units.map((u) => u.text)).toEqual(['w0 w1 w2', 'w3 w4 w5', 'w6 w7 w8', 'w9']);
		expect(e.note).toMatch(/10 words exceed the cap of 4/);
		expect(e.evaluations).toBe(5);
		expect(cross.calls).toBe(2);
		expect(e.units[1].drop).toBeGreaterThan(0.9);
	});

	it('occlusion(cross, q, d, { mode: "mask" }) replaces the word by the mask text', async () => {
		const cross = new ToyCrossEncoder();
		await occlusion(cross, 'x', 'a b', { mode: 'mask' });
		expect(cross.scored).toEqual(['a b', '[MASK] b', 'a [MASK]']);
	});
});
