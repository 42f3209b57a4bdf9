import { describe, expect, it } from 'vitest';
import { contributionBars } from '../../src/lib/viz';
import { compareSnapshot, testDocument } from './snapshot';

describe('contributionBars', () => {
	const data = { tokens: ['[Q]', 'cat', 'sat', '[MASK]'], values: [0.3, 0.9, 0.8, 0.6], kinds: ['marker', 'token', 'token', 'mask'] as const, score: 2.6 };

	it('contributionBars(data) matches its snapshot', () => {
		const el = contributionBars({ ...data, kinds: [...data.kinds] }, { document: testDocument() });
		expect(compareSnapshot('contributions', el)).toBeUndefined();
	});

	it('contributionBars(data) labels every token and states the sum equals the score', () => {
		const el = contributionBars({ ...data, kinds: [...data.kinds] }, { document: testDocument() });
		expect([...el.querySelectorAll('text.token')].map((t) => t.textContent)).toEqual(data.tokens);
		expect([...el.querySelectorAll('text.value')].map((t) => t.textContent)).toEqual(['0.300', '0.900', '0.800', '0.600']);
		expect(el.querySelector('text.sum')?.textContent).toBe('sum 2.600 = score');
		expect(el.dataset.sumMatches).toBe('true');
	});

	it('contributionBars(data) says when the parts do not add up to the score', () => {
		const el = contributionBars({ tokens: ['a', 'b'], values: [0.5, 0.25], score: 1 }, { document: testDocument() });
		expect(el.dataset.sumMatches).toBe('false');
		expect(el.querySelector('text.sum')?.textContent).toBe('sum 0.750 ≠ score 1.000');
	});

	it('contributionBars(data) draws negative values left of zero with bar widths proportional to |value|', () => {
		const el = contributionBars({ tokens: ['a', 'b'], values: [-0.5, 1] }, { document: testDocument() });
		const rects = [...el.querySelectorAll('g.contribution rect')];
		const w = rects.map((r) => Number(r.getAttribute('width')));
		expect(w[1] / w[0]).toBeCloseTo(2, 1);
		expect(Number(rects[0].getAttribute('x'))).toBeLessThan(Number(rects[1].getAttribute('x')));
	});
});
