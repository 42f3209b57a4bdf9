import { describe, expect, it } from 'vitest';
import { barChart, formatCount } from '../../src/lib/viz';
import { compareSnapshot, testDocument } from './snapshot';

describe('barChart', () => {
	const data = [
		{ label: 'js', value: 1200 },
		{ label: 'wasm', value: 4800 },
		{ label: 'webgpu', note: 'no adapter' }
	];

	it('barChart(data) matches its snapshot', () => {
		expect(compareSnapshot('bar-chart', barChart(data, { document: testDocument(), unit: 'docs/s' }))).toBeUndefined();
	});

	it('barChart(data) scales bar lengths by value and outlines unmeasured bars with their reason', () => {
		const el = barChart(data, { document: testDocument(), unit: 'docs/s' });
		const widths = [...el.querySelectorAll('g.bar:not(.missing) rect')].map((r) => Number(r.getAttribute('width')));
		expect(widths[1] / widths[0]).toBeCloseTo(4, 1);
		expect(el.querySelector('g.missing text.value')?.textContent).toBe('no adapter');
		expect([...el.querySelectorAll('text.value')].map((t) => t.textContent)).toEqual(['1200 docs/s', '4800 docs/s', 'no adapter']);
	});

	it('formatCount(v) abbreviates thousands and millions', () => {
		expect(formatCount(12345)).toBe('12.3k');
		expect(formatCount(2_500_000)).toBe('2.5M');
		expect(formatCount(42.123)).toBe('42.1');
	});
});
