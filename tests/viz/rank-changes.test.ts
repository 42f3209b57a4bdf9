import { describe, expect, it } from 'vitest';
import { highlightRank, rankChangeLabel, rankChanges } from '../../src/lib/viz';
import { compareSnapshot, testDocument } from './snapshot';

describe('rankChanges', () => {
	const data = {
		columns: [
			{ name: 'BM25', ids: ['d1', 'd2', 'd3'] },
			{ name: 'Bi-encoder', ids: ['d3', 'd1', 'd4'] },
			{ name: 'ColBERT', ids: ['d3', 'd4', 'd1'] }
		],
		highlight: 'd3'
	};

	it('rankChanges(data) matches its snapshot', () => {
		expect(compareSnapshot('rank-changes', rankChanges(data, { document: testDocument(), k: 3 }))).toBeUndefined();
	});

	it('rankChanges(data) draws one line per document between adjacent columns, out-of-top-k at the bottom', () => {
		const el = rankChanges(data, { document: testDocument(), k: 3 });
		const lines = [...el.querySelectorAll('line.rank-line')];
		expect(lines).toHaveLength(4 + 3);
		const d2 = lines.find((l) => l.getAttribute('data-id') === 'd2')!;
		expect(Number(d2.getAttribute('y2'))).toBeGreaterThan(Number(d2.getAttribute('y1')));
		expect(el.querySelectorAll('line.highlight')).toHaveLength(2);
		expect(el.querySelectorAll('circle.rank-dot')).toHaveLength(9);
	});

	it('highlightRank(svg, id) moves the emphasis in place and clears it with undefined', () => {
		const el = rankChanges(data, { document: testDocument(), k: 3 });
		const line = el.querySelector('line.rank-line[data-id="d1"]')!;
		highlightRank(el, 'd1');
		expect(el.querySelector('line.rank-line[data-id="d1"]')).toBe(line);
		expect([...el.querySelectorAll('.highlight')].every((e) => e.getAttribute('data-id') === 'd1')).toBe(true);
		expect(line.getAttribute('stroke-width')).toBe('3');
		highlightRank(el, undefined);
		expect(el.querySelectorAll('.highlight')).toHaveLength(0);
		expect(line.getAttribute('stroke-width')).toBe('1');
	});

	it('rankChangeLabel(from, to) names the direction and size of the move', () => {
		expect(rankChangeLabel(5, 2)).toEqual({ direction: 'up', delta: 3, text: '▲3' });
		expect(rankChangeLabel(1, 4)).toEqual({ direction: 'down', delta: -3, text: '▼3' });
		expect(rankChangeLabel(2, 2).direction).toBe('same');
		expect(rankChangeLabel(undefined, 4).direction).toBe('new');
		expect(rankChangeLabel(4, undefined).direction).toBe('gone');
	});
});
