import { describe, expect, it } from 'vitest';
import { diffVsExact, driftSummary } from '../../src/lib/viz/diff-vs-exact';
import { rankingDrift } from '../../src/lib/engine/eval/drift';
import type { Hit } from '../../src/lib/engine/types';
import { compareSnapshot, testDocument } from './snapshot';

const hits = (pairs: [string, number][]): Hit[] => pairs.map(([id, score], i) => ({ id, score, rank: i + 1 }));
const exact = hits([['a', 1], ['b', 0.7], ['c', 0.6]]);
const approx = hits([['a', 0.9], ['c', 0.5]]);

describe('diffVsExact', () => {
	it('diffVsExact({ drift }) matches its snapshot', () => {
		const el = diffVsExact({ drift: rankingDrift(approx, exact, 2), titles: new Map([['b', 'Bees & wasps']]) }, { document: testDocument(), label: 'binary' });
		expect(compareSnapshot('diff-vs-exact', el)).toBeUndefined();
	});

	it('diffVsExact({ drift }) lists entered and left documents with their ranks, as rankingDrift computes them', () => {
		const d = rankingDrift(approx, exact, 2);
		const el = diffVsExact({ drift: d }, { document: testDocument() });
		expect(el.querySelector('.diff-summary')!.textContent).toBe('overlap@2 1/2 · score drift mean 0.100, max 0.100');
		expect(Number(el.dataset.overlap)).toBe(d.overlap);
		expect(Number(el.dataset.meanDrift)).toBe(d.meanDrift);
		expect([...el.querySelectorAll('.diff-entered li')].map((li) => li.textContent)).toEqual(['▲ c — rank 2 here, 3 in exact']);
		expect([...el.querySelectorAll('.diff-left li')].map((li) => li.textContent)).toEqual(['▼ b — rank 2 in exact, not returned here']);
	});

	it('diffVsExact({ drift }, { reference }) names what the panel is compared with (q8 weights against fp32 weights)', () => {
		const el = diffVsExact({ drift: rankingDrift(approx, exact, 2) }, { document: testDocument(), reference: 'fp32 weights' });
		expect(el.getAttribute('aria-label')).toBe('Diff vs fp32 weights');
		expect([...el.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['▲ c — rank 2 here, 3 in fp32 weights', '▼ b — rank 2 in fp32 weights, not returned here']);
		const same = diffVsExact({ drift: rankingDrift(exact, exact, 10) }, { document: testDocument(), reference: 'WASM' });
		expect(same.querySelector('.diff-same')!.textContent).toBe('Same top 10 as WASM (order may differ).');
	});

	it('diffVsExact({ drift of exact vs exact }) says the top k is unchanged', () => {
		const el = diffVsExact({ drift: rankingDrift(exact, exact, 10) }, { document: testDocument() });
		expect(el.querySelector('.diff-summary')!.textContent).toBe('overlap@10 3/3 · score drift mean 0.000, max 0.000');
		expect(el.querySelector('.diff-same')!.textContent).toBe('Same top 10 as exact (order may differ).');
		expect(el.querySelector('li')).toBeNull();
	});

	it('diffVsExact({ drift, titles }) shows titles as text, never markup', () => {
		const el = diffVsExact({ drift: rankingDrift(approx, exact, 2), titles: new Map([['c', '<img src=x onerror=alert(1)>']]) }, { document: testDocument() });
		expect(el.querySelector('img')).toBeNull();
		expect(el.querySelector('.diff-entered .diff-doc')!.textContent).toBe('<img src=x onerror=alert(1)>');
	});
});

describe('driftSummary', () => {
	it('driftSummary(drift) says when no document was scored by both lists', () => {
		expect(driftSummary(rankingDrift(hits([['x', 1]]), hits([['a', 1]]), 10))).toBe('overlap@10 0/1 · no shared documents to measure drift on');
	});
});
