import { describe, expect, it } from 'vitest';
import { explainMaxSim } from '../../../src/lib/engine/explain/maxsim-matrix';
import { describeKey } from '../../../src/lib/worker/neural/caches';
import { colbertView, denseView } from '../../../src/lib/worker/neural/explain-views';

const unit = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), rows: rows.length, dim: rows[0].length });

describe('colbertView(explanation, text)', () => {
	it('colbertView(e, text) weights each chosen document token by the maxima of the query tokens that chose it', () => {
		const query = { ids: [1, 2, 3], tokens: ['red', 'planet', '[MASK]'], augmentation: [false, false, true], matrix: unit([[1, 0], [0, 1], [0.6, 0.8]]) };
		const doc = { ids: [5, 6], tokens: ['mars', 'red'], matrix: unit([[0, 1], [1, 0]]) };
		const view = colbertView(explainMaxSim(query, doc), 'Mars red');
		// red -> 'red' (1), planet -> 'mars' (1), [MASK] -> 'mars' (0.8): mars gets 1.8.
		expect(view.argmax).toEqual([1, 0, 0]);
		expect(view.score).toBeCloseTo(2.8, 6);
		const mars = view.spans.find((s) => s.start === 0)!;
		const red = view.spans.find((s) => s.start === 5)!;
		expect(mars.weight).toBeCloseTo(1.8, 6);
		expect(mars.label).toContain('(mask 2)');
		expect(red.weight).toBeCloseTo(1, 6);
		expect(view.spans.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(view.score, 6);
	});
});

describe('denseView(explanation, text)', () => {
	it('denseView(e, text) shades whole words with the summed shares of their pieces', () => {
		const view = denseView({ applicable: true, tokens: ['[CLS]', 'pla', '##net', 'x', '[SEP]'], ids: [], values: [0.1, 0.2, 0.3, 0.05, 0.1], score: 0.75, n: 5 }, 'planet x');
		if (view.kind !== 'dense' || !view.applicable) throw new Error('expected an applicable view');
		expect(view.spans.map((s) => [s.start, s.end])).toEqual([[0, 6], [7, 8]]);
		expect(view.spans[0].weight).toBeCloseTo(0.5, 6);
		expect(view.truncatedTokens).toBe(false);
	});

	it('denseView(e, text) passes on why a CLS-pooled model has no split', () => {
		expect(denseView({ applicable: false, reason: 'CLS pooling' }, 'x')).toEqual({ kind: 'dense', applicable: false, reason: 'CLS pooling' });
	});

	it('denseView(e, text) says when the model stopped reading before the end of the text', () => {
		const view = denseView({ applicable: true, tokens: ['[CLS]', 'one', '[SEP]'], ids: [], values: [0, 1, 0], score: 1, n: 3 }, 'one two three four five');
		expect(view.kind === 'dense' && view.applicable && view.truncatedTokens).toBe(true);
	});
});

describe('describeKey(name)', () => {
	it('describeKey(name) reads kind, model, revision and dtype back from a store key string', () => {
		expect(describeKey('colbert__latelab-test--tiny-colbert-pylate__main__fp32__b32__d40-16-external__ab12__0f0f0f0f')).toEqual({
			kind: 'colbert',
			model: 'latelab-test/tiny-colbert-pylate',
			revision: 'main',
			dtype: 'fp32'
		});
	});
});
