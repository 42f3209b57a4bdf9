import { describe, expect, it } from 'vitest';
import { deltaBars } from '../../src/lib/viz/delta-bars';
import { compareSnapshot, testDocument } from './snapshot';

describe('deltaBars', () => {
	const data = [
		{ id: 'q1', label: 'small loss', delta: -0.1 },
		{ id: 'q2', label: 'big gain', delta: 0.5 },
		{ id: 'q3', label: 'tie', delta: 0 },
		{ id: 'q4', label: 'big loss', delta: -0.25 }
	];

	it('deltaBars(data) matches its snapshot', () => {
		expect(compareSnapshot('delta-bars', deltaBars(data, { document: testDocument(), label: 'nDCG@10: ColBERT − BM25' }))).toBeUndefined();
	});

	it('deltaBars(data) orders bars from the largest gain to the largest loss and classes them', () => {
		const el = deltaBars(data, { document: testDocument() });
		const bars = [...el.querySelectorAll('g.bar')];
		expect(bars.map((b) => b.getAttribute('data-id'))).toEqual(['q2', 'q3', 'q1', 'q4']);
		expect(bars.map((b) => b.getAttribute('class'))).toEqual(['bar gain', 'bar tie', 'bar loss', 'bar loss']);
		expect(el.getAttribute('aria-label')).toBe('1 gain, 1 tie, 2 losses');
	});

	it('deltaBars(data) draws gains above and losses below the zero line, heights proportional to |delta|', () => {
		const el = deltaBars(data, { document: testDocument() });
		const zero = Number(el.querySelector('line.zero')!.getAttribute('y1'));
		const rect = (id: string) => el.querySelector(`g.bar[data-id="${id}"] rect`)!;
		const h = (id: string) => Number(rect(id).getAttribute('height'));
		const y = (id: string) => Number(rect(id).getAttribute('y'));
		expect(y('q2') + h('q2')).toBeCloseTo(zero, 1);
		expect(y('q4')).toBeCloseTo(zero, 1);
		expect(h('q2') / h('q4')).toBeCloseTo(2, 1);
		expect(h('q4') / h('q1')).toBeCloseTo(2.5, 1);
	});

	it('deltaBars(data) puts query text in tooltips as text, never markup', () => {
		const el = deltaBars([{ id: 'x', label: '<img src=x onerror=alert(1)>', delta: 0.1 }], { document: testDocument() });
		expect(el.querySelector('img')).toBeNull();
		expect(el.querySelector('title')!.textContent).toBe('<img src=x onerror=alert(1)>: +0.100');
	});
});
