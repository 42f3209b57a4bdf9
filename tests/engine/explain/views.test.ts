/** The explanation shapes feed the D3 views unchanged (jsdom), and the views agree the parts sum to the score. */
import { describe, expect, it } from 'vitest';
import { explainColbertPair } from '../../../src/lib/engine/explain/maxsim-matrix';
import { occlusion } from '../../../src/lib/engine/explain/occlusion';
import { explainBiEncoderPair } from '../../../src/lib/engine/explain/pooled-contributions';
import { contributionBars, shadedText, similarityHeatmap } from '../../../src/lib/viz';
import { testDocument } from '../../viz/snapshot';
import { ToyBiEncoder, ToyColbert, ToyCrossEncoder } from '../pipelines/toy-encoders';

describe('explanations in the views', () => {
	it('explainColbertPair(...) draws as a heatmap and as contribution bars whose sum matches the score', async () => {
		const e = await explainColbertPair(new ToyColbert({ dim: 8 }), 'red planet', 'Mars is the red planet.');
		const heat = similarityHeatmap(e, { document: testDocument() });
		expect(heat).toBeTruthy();
		const bars = contributionBars({ tokens: e.queryTokens, values: e.contributions, score: e.score }, { document: testDocument() });
		expect(bars.dataset.sumMatches).toBe('true');
	});

	it('explainBiEncoderPair(...) draws as contribution bars whose sum matches the cosine', async () => {
		const e = await explainBiEncoderPair(new ToyBiEncoder({ dim: 8 }), 'red planet', 'Mars is the red planet.');
		if (!e.applicable) throw new Error('mean pooling decomposes');
		expect(contributionBars(e, { document: testDocument() }).dataset.sumMatches).toBe('true');
	});

	it('occlusion(...) draws as shaded text with one shaded span per word', async () => {
		const e = await occlusion(new ToyCrossEncoder(), 'red planet', 'Mars is the red planet.');
		const el = shadedText(e, { document: testDocument() });
		expect(el.textContent).toBe('Mars is the red planet.');
		const marks = [...el.querySelectorAll('mark')];
		expect(marks.map((m) => m.textContent)).toEqual(['Mars', 'is', 'the', 'red', 'planet.']);
		expect(marks.map((m) => Number(m.dataset.weight))).toEqual(e.units.map((u) => Math.round(u.drop * 1000) / 1000));
	});
});
