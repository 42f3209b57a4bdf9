import { describe, expect, it } from 'vitest';
import { byteTicks, describePoint, qualityCost, shortBytes, spacedTicks, type QualityCostDatum } from '../../src/lib/viz/quality-cost';
import { compareSnapshot, testDocument } from './snapshot';

const data: QualityCostDatum[] = [
	{ id: 'colbert@1', label: 'fp32', bytes: 32768, quality: 0.72, queryMs: 40, exact: true },
	{ id: 'colbert@2', label: 'binary · rescore 100', bytes: 1024, quality: 0.7, queryMs: 10 },
	{ id: 'colbert@3', label: 'pool 2', bytes: 16384, quality: 0.68, queryMs: 20 },
	{ id: 'colbert@4', label: 'PLAID', bytes: NaN, quality: 0.6, queryMs: 5 }
];

describe('qualityCost', () => {
	it('qualityCost(data) matches its snapshot', () => {
		expect(compareSnapshot('quality-cost', qualityCost(data, { document: testDocument() }))).toBeUndefined();
	});

	it('qualityCost(data) is named "Quality vs cost" and has one focusable point per placeable panel', () => {
		const el = qualityCost(data, { document: testDocument() });
		expect(el.getAttribute('aria-label')).toBe('Quality vs cost');
		const points = [...el.querySelectorAll('g.point')];
		expect(points.map((p) => p.getAttribute('data-id')).sort()).toEqual(['colbert@1', 'colbert@2', 'colbert@3']);
		expect(points.every((p) => p.getAttribute('tabindex') === '0')).toBe(true);
		expect(el.querySelector('text.skipped')!.textContent).toContain('PLAID');
	});

	it('qualityCost(data) places x by log2 bytes, y by quality, and circle area by median query time', () => {
		const el = qualityCost(data, { document: testDocument() });
		const at = (id: string) => el.querySelector(`g.point[data-id="${id}"]`)!;
		const cx = (id: string) => Number(at(id).getAttribute('data-x'));
		const cy = (id: string) => Number(at(id).getAttribute('data-y'));
		const r = (id: string) => Number(at(id).querySelector('circle')!.getAttribute('r'));
		// 1 KiB -> 16 KiB is 4 doublings, 16 KiB -> 32 KiB is 1.
		expect((cx('colbert@3') - cx('colbert@2')) / (cx('colbert@1') - cx('colbert@3'))).toBeCloseTo(4, 1);
		expect(cy('colbert@1')).toBeLessThan(cy('colbert@2'));
		expect(cy('colbert@2')).toBeLessThan(cy('colbert@3'));
		// 40 ms has 4 x the area of 10 ms: radius x 2.
		expect(r('colbert@1') / r('colbert@2')).toBeCloseTo(2, 1);
	});

	it('qualityCost(data) labels the points\' own sizes on the x axis when they sit within a power of two', () => {
		const close = [
			{ id: 'a', label: 'fp32', bytes: 271 * 1024, quality: 0.7, queryMs: 4, exact: true },
			{ id: 'b', label: 'rescore 20', bytes: 300 * 1024, quality: 0.69, queryMs: 3 }
		];
		const el = qualityCost(close, { document: testDocument() });
		const ticks = [...el.querySelectorAll('g.axis.x .tick text')].map((t) => t.textContent);
		// 256 KiB would sit 26 px from 271 KiB, under its label: the point's own size wins.
		expect(ticks).toEqual(['271 KiB', '300 KiB']);
		const wide = [...qualityCost(close, { document: testDocument(), width: 960 }).querySelectorAll('g.axis.x .tick text')].map((t) => t.textContent);
		expect(wide).toEqual(['256 KiB', '271 KiB', '300 KiB']);
		// Far apart, the axis keeps its powers of two.
		const far = [...qualityCost(data, { document: testDocument() }).querySelectorAll('g.axis.x .tick text')].map((t) => t.textContent);
		expect(far.every((t) => /^(1|2|4|8|16|32|64|128|256|512) (B|KiB|MiB)$/.test(t ?? ''))).toBe(true);
	});

	it('spacedTicks(ticks, at, preferred) drops ticks whose labels would touch, keeping the preferred one of a colliding pair', () => {
		const at = (v: number) => v;
		// "100 B" is 27.5 px wide: centres 40 px apart are clear, 20 px apart are not.
		expect(spacedTicks([100, 140, 180], at)).toEqual([100, 140, 180]);
		expect(spacedTicks([100, 120, 160], at)).toEqual([100, 160]);
		expect(spacedTicks([100, 120, 160], at, new Set([120]))).toEqual([120, 160]);
		expect(spacedTicks([], at)).toEqual([]);
	});

	it('qualityCost(data) rings and labels the exact panel', () => {
		const el = qualityCost(data, { document: testDocument() });
		const exact = el.querySelectorAll('g.point.exact');
		expect(exact).toHaveLength(1);
		expect(exact[0].getAttribute('data-id')).toBe('colbert@1');
		expect(exact[0].querySelector('circle.exact-ring')).not.toBeNull();
		expect(exact[0].querySelector('text.point-label')!.textContent).toBe('fp32 (exact)');
	});

	it('qualityCost(data) shows the numbers on focus and hides them on blur', () => {
		const doc = testDocument();
		const focused: string[] = [];
		const el = qualityCost(data, { document: doc, onPointFocus: (d) => focused.push(d.id) });
		doc.body.append(el);
		const point = el.querySelector('g.point[data-id="colbert@2"]') as SVGGElement;
		point.dispatchEvent(new doc.defaultView!.FocusEvent('focus'));
		const tip = el.querySelector('g.tooltip')!;
		expect(tip.getAttribute('visibility')).toBe('visible');
		expect([...tip.querySelectorAll('tspan')].map((t) => t.textContent)).toEqual([
			'binary · rescore 100', 'index 1.00 KiB · 0.031× exact', 'nDCG@10 0.700', 'median query 10 ms'
		]);
		expect(focused).toEqual(['colbert@2']);
		point.dispatchEvent(new doc.defaultView!.FocusEvent('blur'));
		expect(tip.getAttribute('visibility')).toBe('hidden');
	});

	it('qualityCost(data) moves focus from cheapest to dearest with the arrow keys', () => {
		const doc = testDocument();
		const el = qualityCost(data, { document: doc });
		doc.body.append(el);
		const cheapest = el.querySelector('g.point[data-id="colbert@2"]') as SVGGElement;
		cheapest.focus();
		cheapest.dispatchEvent(new doc.defaultView!.KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
		expect((doc.activeElement as Element).getAttribute('data-id')).toBe('colbert@3');
		(doc.activeElement as SVGGElement).dispatchEvent(new doc.defaultView!.KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
		expect((doc.activeElement as Element).getAttribute('data-id')).toBe('colbert@1');
	});

	it('qualityCost(data) moves the label of a panel on the same point as the exact one down a line', () => {
		const el = qualityCost([
			{ id: 'b', label: 'two-stage', bytes: 4096, quality: 0.7, queryMs: 1 },
			{ id: 'a', label: 'fp32', bytes: 4096, quality: 0.7, queryMs: 1, exact: true }
		], { document: testDocument() });
		const labelY = (id: string) => Number(el.querySelector(`g.point[data-id="${id}"] text.point-label`)!.getAttribute('y'));
		expect(labelY('b') - labelY('a')).toBeCloseTo(11, 5);
		// Only the moved label has a leader, and it ends at that label.
		expect(el.querySelector('g.point[data-id="a"] line.leader')).toBeNull();
		const leader = el.querySelector('g.point[data-id="b"] line.leader')!;
		expect(Number(leader.getAttribute('y2'))).toBeCloseTo(labelY('b') - 3, 1);
	});

	it('qualityCost(data) moves a label whose line is taken to the nearest free line, with a leader to the edge of its own point', () => {
		const el = qualityCost([
			{ id: 'a', label: 'fp32 exhaustive', bytes: 65536, quality: 1, queryMs: 1, exact: true },
			{ id: 'b', label: 'two-stage, reranking in fp32', bytes: 65536, quality: 1, queryMs: 1 },
			{ id: 'c', label: 'pool 2 on the same line', bytes: 32768, quality: 1, queryMs: 1 },
			{ id: 'd', label: 'binary', bytes: 2048, quality: 0.9, queryMs: 3 }
		], { document: testDocument() });
		const point = el.querySelector('g.point[data-id="c"]')!;
		const label = point.querySelector('text.point-label')!;
		const leader = point.querySelector('line.leader')!;
		// Its own line is taken by the exact panel's label and the line below by the two-stage one's: it goes a line up.
		expect(Number(label.getAttribute('y')) - (Number(point.getAttribute('data-y')) - 3)).toBeCloseTo(-11, 0);
		expect(leader.getAttribute('aria-hidden')).toBe('true');
		const r = Number(point.querySelector('circle')!.getAttribute('r'));
		const [x1, y1] = [Number(leader.getAttribute('x1')), Number(leader.getAttribute('y1'))];
		expect(Math.hypot(x1 - Number(point.getAttribute('data-x')), y1 - Number(point.getAttribute('data-y')))).toBeCloseTo(r + 1, 0);
		expect(Number(leader.getAttribute('x2'))).toBe(Number(label.getAttribute('x')));
		expect(el.querySelector('g.point[data-id="d"] line.leader')).toBeNull();
	});

	it('qualityCost(data) sets panel labels as text, never markup', () => {
		const el = qualityCost([{ id: 'x', label: '<img src=x onerror=alert(1)>', bytes: 100, quality: 0.5, queryMs: 1 }], { document: testDocument() });
		expect(el.querySelector('img')).toBeNull();
		expect(el.querySelector('text.point-label')!.textContent).toBe('<img src=x onerror=alert(1)>');
	});
});

describe('describePoint', () => {
	it('describePoint(d, exact) gives the size factor against the exact panel', () => {
		expect(describePoint(data[1], data[0])).toBe('binary · rescore 100: index 1.00 KiB (0.031× exact), nDCG@10 0.700, median query 10 ms');
		expect(describePoint(data[0], data[0])).toBe('fp32: index 32.0 KiB, nDCG@10 0.720, median query 40 ms — exact (fp32, exhaustive)');
	});
});

describe('byteTicks', () => {
	it('byteTicks([lo, hi], count) gives at most count powers of two, on KiB/MiB boundaries', () => {
		expect(byteTicks([1000, 70000], 6)).toEqual([1024, 4096, 16384, 65536]);
		expect(byteTicks([100, 2 ** 30], 6).length).toBeLessThanOrEqual(6);
		expect(byteTicks([100, 2 ** 30], 6)).toContain(2 ** 20);
		expect(shortBytes(4096)).toBe('4 KiB');
		expect(shortBytes(512)).toBe('512 B');
	});
});
