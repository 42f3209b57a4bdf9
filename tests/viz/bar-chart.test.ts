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

	const signed = [
		{ label: 'gain', value: 2 },
		{ label: 'loss', value: -1 },
		{ label: 'flat', value: 0 },
		{ label: 'n/a', note: 'not run' }
	];
	const rectOf = (el: SVGSVGElement, label: string) => {
		const r = el.querySelector(`g[data-label="${label}"] rect`) as Element;
		return { x: Number(r.getAttribute('x')), width: Number(r.getAttribute('width')) };
	};

	it('barChart(data with negative values) matches its snapshot', () => {
		expect(compareSnapshot('bar-chart-negative', barChart(signed, { document: testDocument(), width: 400 }))).toBeUndefined();
	});

	it('barChart(data with negative values) draws no negative width and extends negative bars left of the zero line', () => {
		// width 400, plot from x = 90 to 400 - 110 = 290 over the domain [-1, 2]: zero at 90 + 200 / 3.
		const el = barChart(signed, { document: testDocument(), width: 400 });
		const widths = [...el.querySelectorAll('rect')].map((r) => Number(r.getAttribute('width')));
		expect(widths).toHaveLength(4);
		for (const w of widths) expect(w).toBeGreaterThanOrEqual(0);
		const zero = Number(el.querySelector('line.zero')?.getAttribute('x1'));
		expect(zero).toBeCloseTo(90 + 200 / 3, 1);
		const gain = rectOf(el, 'gain');
		const loss = rectOf(el, 'loss');
		expect(gain.x).toBeCloseTo(zero, 1);
		expect(gain.x + gain.width).toBeCloseTo(290, 1);
		expect(loss.x).toBeCloseTo(90, 1);
		expect(loss.x + loss.width).toBeCloseTo(zero, 1);
		expect(loss.width / gain.width).toBeCloseTo(0.5, 2);
		expect(rectOf(el, 'flat').width).toBe(0);
		// The negative value is written right of the zero line, clear of the row labels on the left.
		const lossValue = el.querySelector('g[data-label="loss"] text.value');
		expect(Number(lossValue?.getAttribute('x'))).toBeGreaterThan(zero);
		expect(lossValue?.textContent).toBe('-1');
	});

	it('barChart(only negative values) puts the zero line at the right end of the plot', () => {
		const el = barChart([{ label: 'a', value: -3 }, { label: 'b', value: -1 }], { document: testDocument(), width: 400 });
		expect(Number(el.querySelector('line.zero')?.getAttribute('x1'))).toBeCloseTo(290, 1);
		const a = rectOf(el, 'a');
		const b = rectOf(el, 'b');
		expect(a.x).toBeCloseTo(90, 1);
		expect(a.width).toBeCloseTo(200, 1);
		expect(b.width / a.width).toBeCloseTo(1 / 3, 2);
	});

	it('barChart(non-negative values) draws no zero line', () => {
		expect(barChart(data, { document: testDocument() }).querySelector('line.zero')).toBeNull();
		expect(barChart([{ label: 'z', value: 0 }], { document: testDocument() }).querySelector('line.zero')).toBeNull();
	});

	it('formatCount(v) abbreviates thousands and millions', () => {
		expect(formatCount(12345)).toBe('12.3k');
		expect(formatCount(2_500_000)).toBe('2.5M');
		expect(formatCount(42.123)).toBe('42.1');
		expect(formatCount(6)).toBe('6');
		expect(formatCount(0.5)).toBe('0.500');
		expect(formatCount(-1234)).toBe('-1234');
		expect(formatCount(-12345)).toBe('-12.3k');
	});
});
