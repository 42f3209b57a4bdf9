import { describe, expect, it } from 'vitest';
import { estimateTextWidth, highlightRank, rankChangeLabel, rankChanges, rankChangesLayout, wrapLabel } from '../../src/lib/viz';
import { RANK_LABEL_LINES } from '../../src/lib/viz/rank-changes';
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

	it('rankChanges(data with relevant) rings the relevant documents in every column and keys the ring; labelDocuments names the last order', () => {
		const el = rankChanges({ ...data, relevant: ['d1', 'd9'] }, { document: testDocument(), k: 3, labelDocuments: true });
		// d1 is in the top 3 of all three columns; d9 of none.
		const rings = [...el.querySelectorAll('circle.relevant-ring')];
		expect(rings.map((r) => r.getAttribute('data-id'))).toEqual(['d1', 'd1', 'd1']);
		expect(el.querySelector('circle.rank-dot[data-id="d1"] title')!.textContent).toBe('BM25 #1: d1 (relevant)');
		expect(el.querySelector('text.relevant-key')!.textContent).toContain('judged relevant');
		const names = [...el.querySelectorAll('text.doc-name')];
		expect(names.map((t) => t.textContent)).toEqual(['d3', 'd4', 'd1']);
		expect(names[2].getAttribute('class')).toContain('relevant');
		// The names sit right of the last column, inside the drawing.
		const lastX = Number(el.querySelector('g.rank-column[data-name="ColBERT"] circle.rank-dot')!.getAttribute('cx'));
		expect(Number(names[0].getAttribute('x'))).toBeGreaterThan(lastX);
		expect(Number(names[0].getAttribute('x')) + estimateTextWidth('d3', 10)).toBeLessThanOrEqual(Number(el.getAttribute('width')));
		// Without relevant documents there are no rings and no key.
		const plain = rankChanges(data, { document: testDocument(), k: 3 });
		expect(plain.querySelectorAll('circle.relevant-ring, text.relevant-key, text.doc-name')).toHaveLength(0);
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

	const LONG = [
		'BM25',
		'Bi-encoder',
		'Bi-encoder (tiny-bi-encoder-cls)',
		'Cross-encoder',
		'ColBERT',
		'ColBERT (tiny-colbert-folded)',
		'ColBERT two-stage',
		'ColBERT two-stage (tiny-colbert-folded)',
		'ColBERT two-stage (a-very-long-organisation-name/an-even-longer-model-name-v2)'
	];
	const longData = { columns: LONG.map((name, c) => ({ name, ids: ['d1', 'd2', 'd3'].map((d, i) => (i + c) % 2 ? d : `x${c}`) })) };

	it('rankChanges(nine long column names) matches its snapshot', () => {
		expect(compareSnapshot('rank-changes-long-names', rankChanges(longData, { document: testDocument(), k: 3 }))).toBeUndefined();
	});

	it('rankChangesLayout(names, width) keeps every label inside its slot: no two label boxes overlap, none leaves the chart', () => {
		for (const [count, width] of [[2, 300], [7, 1050], [9, 1350], [9, 600], [3, 240]] as const) {
			const names = LONG.slice(0, count).reverse();
			const { labels, slot } = rankChangesLayout(names, width);
			for (const l of labels) {
				expect(l.box.x).toBeGreaterThanOrEqual(0);
				expect(l.box.x + l.box.width).toBeLessThanOrEqual(width);
				expect(l.box.width).toBeLessThanOrEqual(slot - 8);
				expect(l.lines.length).toBeLessThanOrEqual(RANK_LABEL_LINES);
			}
			for (let a = 0; a < labels.length; a++) {
				for (let b = a + 1; b < labels.length; b++) {
					const A = labels[a].box;
					const B = labels[b].box;
					const apart = A.x + A.width <= B.x || B.x + B.width <= A.x || A.y + A.height <= B.y || B.y + B.height <= A.y;
					expect(apart, `${names[a]} vs ${names[b]} at ${count} columns in ${width}px`).toBe(true);
				}
			}
		}
	});

	it('rankChanges(long names) draws the layout as text: wrapped tspans, "…" where cut, the full name in a <title>', () => {
		const el = rankChanges(longData, { document: testDocument(), k: 3 });
		const { labels } = rankChangesLayout(LONG, Number(el.getAttribute('width')));
		const texts = [...el.querySelectorAll('text.column-name')];
		expect(texts).toHaveLength(LONG.length);
		texts.forEach((t, c) => {
			expect([...t.querySelectorAll('tspan')].map((s) => s.textContent)).toEqual(labels[c].lines);
			expect(t.querySelector('title')?.textContent).toBe(LONG[c]);
		});
		// The two-stage name wraps whole at the default 150 px per column.
		expect(labels[7].lines).toEqual(['ColBERT two-stage', '(tiny-colbert-folded)']);
		// The organisation/model name takes all four lines, whole.
		expect(labels[8].lines).toHaveLength(RANK_LABEL_LINES);
		expect(labels[8].truncated).toBe(false);
		// Longer still, the last line is cut with "…" and the chart marks it.
		const longer = `${LONG[8]} (binary, rescore 200, pool 4, kernel wasm)`;
		const cut = rankChanges({ columns: [{ name: longer, ids: ['a'] }, { name: 'B', ids: ['a'] }] }, { document: testDocument(), width: 300 });
		const cutLayout = rankChangesLayout([longer, 'B'], 300).labels[0];
		expect(cutLayout.truncated).toBe(true);
		expect(cutLayout.lines.at(-1)!.endsWith('…')).toBe(true);
		expect(cut.querySelector('text.column-name')!.getAttribute('data-truncated')).toBe('true');
		// An added panel's name, which differs from its twins only at the end, is shown whole.
		const [added] = rankChangesLayout(['ColBERT (synthetic pages vectors, storage binary)', 'ColBERT'], 300).labels;
		expect(added.truncated).toBe(false);
		expect(added.lines.join(' ')).toBe('ColBERT (synthetic pages vectors, storage binary)');
		// The rows start below the lowest label line.
		const firstDot = Math.min(...[...el.querySelectorAll('circle.rank-dot')].map((d) => Number(d.getAttribute('cy'))));
		expect(firstDot).toBeGreaterThan(Math.max(...labels.map((l) => l.box.y + l.box.height)));
	});

	it('rankChanges(name with markup) keeps it as text, never as elements', () => {
		const el = rankChanges({ columns: [{ name: '<img src=x onerror=alert(1)>', ids: ['a'] }, { name: 'B', ids: ['a'] }] }, { document: testDocument() });
		expect(el.querySelector('img')).toBeNull();
		expect(el.querySelector('text.column-name title')?.textContent).toBe('<img src=x onerror=alert(1)>');
	});

	it('wrapLabel(name, maxWidth) wraps at words, cuts a word longer than a line, and ends in "…" what does not fit', () => {
		expect(wrapLabel('BM25', 100)).toEqual({ lines: ['BM25'], truncated: false });
		const cut = wrapLabel('supercalifragilisticexpialidocious-model-name', 60, 11);
		expect(cut.truncated).toBe(true);
		expect(cut.lines).toHaveLength(2);
		for (const line of cut.lines) expect(estimateTextWidth(line, 11)).toBeLessThanOrEqual(60);
		expect(cut.lines[1].endsWith('…')).toBe(true);
		expect(estimateTextWidth('WWW', 10)).toBeGreaterThan(estimateTextWidth('iii', 10));
	});

	it('rankChangeLabel(from, to) names the direction and size of the move', () => {
		expect(rankChangeLabel(5, 2)).toEqual({ direction: 'up', delta: 3, text: '▲3' });
		expect(rankChangeLabel(1, 4)).toEqual({ direction: 'down', delta: -3, text: '▼3' });
		expect(rankChangeLabel(2, 2).direction).toBe('same');
		expect(rankChangeLabel(undefined, 4).direction).toBe('new');
		expect(rankChangeLabel(4, undefined).direction).toBe('gone');
	});
});
