import { describe, expect, it } from 'vitest';
import { argmaxPerRow, queryKindsFromTokens, similarityHeatmap } from '../../src/lib/viz';
import { estimateTextWidth } from '../../src/lib/viz/column-labels';
import { compareSnapshot, testDocument } from './snapshot';

const small = {
	queryTokens: ['[Q]', 'cat', 'sat', '[MASK]'],
	docTokens: ['the', 'cat', 'sat', 'on', 'mat'],
	// row-major 4 x 5, hand-made so each row's argmax is known
	scores: [
		0.2, 0.1, 0.3, 0.0, 0.1,
		0.1, 0.9, 0.2, 0.0, 0.3,
		0.0, 0.2, 0.8, 0.1, 0.4,
		0.3, 0.5, 0.4, 0.2, 0.6
	],
	queryKinds: queryKindsFromTokens(['[Q]', 'cat', 'sat', '[MASK]'])
};

/** Deterministic pseudo-random matrix (no Math.random, so snapshots are stable). */
function matrix(nq: number, nd: number): number[] {
	const out: number[] = [];
	let s = 7;
	for (let i = 0; i < nq * nd; i++) {
		s = (s * 48271) % 2147483647;
		out.push((s / 2147483647) * 2 - 1);
	}
	return out;
}

describe('similarityHeatmap', () => {
	it('similarityHeatmap(small) matches its snapshot', () => {
		const el = similarityHeatmap(small, { document: testDocument(), label: 'demo' });
		expect(compareSnapshot('heatmap-small', el)).toBeUndefined();
	});

	it('similarityHeatmap(data) outlines exactly the argmax cell of every row', () => {
		const el = similarityHeatmap(small, { document: testDocument() });
		const outlined = [...el.querySelectorAll('rect.argmax-outline')].map((r) => [Number(r.getAttribute('data-row')), Number(r.getAttribute('data-col'))]);
		expect(outlined).toEqual([[0, 2], [1, 1], [2, 2], [3, 4]]);
		expect([...argmaxPerRow(small.scores, 4, 5)]).toEqual([2, 1, 2, 4]);
		const argmaxCells = [...el.querySelectorAll('rect.cell.argmax')].map((r) => r.getAttribute('data-col'));
		expect(argmaxCells).toEqual(['2', '1', '2', '4']);
	});

	it('similarityHeatmap(data, { mode: "maxsim" }) fills only argmax cells', () => {
		const el = similarityHeatmap(small, { document: testDocument(), mode: 'maxsim' });
		const filled = [...el.querySelectorAll('rect.cell')].filter((r) => r.getAttribute('fill') !== 'transparent');
		expect(filled).toHaveLength(4);
		expect(filled.every((r) => r.classList.contains('argmax'))).toBe(true);
	});

	it('similarityHeatmap(data) marks [MASK] rows as augmentation', () => {
		const el = similarityHeatmap(small, { document: testDocument() });
		const labels = [...el.querySelectorAll('text.query-label')];
		expect(labels.map((l) => l.getAttribute('data-kind'))).toEqual(['marker', 'token', 'token', 'mask']);
		expect(el.querySelectorAll('.mask-marker')).toHaveLength(1);
		expect(el.querySelector('rect.cell[data-row="3"] title')?.textContent).toContain('query augmentation');
	});

	it('similarityHeatmap(large) paints cells on a canvas above the threshold and still outlines argmax', () => {
		const nq = 32;
		const nd = 120;
		const scores = matrix(nq, nd);
		const el = similarityHeatmap(
			{ queryTokens: Array.from({ length: nq }, (_, i) => `q${i}`), docTokens: Array.from({ length: nd }, (_, j) => `d${j}`), scores },
			{ document: testDocument(), canvasThreshold: 1000, window: 200 }
		);
		expect(el.querySelector('.latelab-heatmap-frame')?.getAttribute('data-renderer')).toBe('canvas');
		expect(el.querySelector('canvas')).not.toBeNull();
		expect(el.querySelectorAll('rect.cell')).toHaveLength(0);
		const want = [...argmaxPerRow(scores, nq, nd)];
		const got = [...el.querySelectorAll('rect.argmax-outline')].map((r) => Number(r.getAttribute('data-col')));
		expect(got).toEqual(want);
	});

	it('similarityHeatmap(long doc) shows a window of columns with an overview strip', () => {
		const nd = 500;
		const scores = matrix(3, nd);
		const el = similarityHeatmap(
			{ queryTokens: ['a', 'b', 'c'], docTokens: Array.from({ length: nd }, (_, j) => `t${j}`), scores },
			{ document: testDocument(), window: 100, start: 0 }
		);
		expect(el.querySelector('.latelab-heatmap-overview')).not.toBeNull();
		expect(el.querySelectorAll('text.doc-label')).toHaveLength(100);
		expect(el.querySelector('.latelab-heatmap-frame')?.getAttribute('data-end')).toBe('100');
	});

	it('similarityHeatmap(data) moves keyboard focus with arrow keys and scrolls the window', () => {
		const nd = 300;
		const doc = testDocument();
		const seen: number[][] = [];
		const el = similarityHeatmap(
			{ queryTokens: ['a', 'b'], docTokens: Array.from({ length: nd }, (_, j) => `t${j}`), scores: matrix(2, nd) },
			{ document: doc, window: 50, start: 0, onCellFocus: (c) => seen.push([c.row, c.col]) }
		);
		doc.body.append(el);
		// The tab stop is the element that scrolls over the cells, so the keyboard reaches what it hides.
		const cells = el.querySelector('.latelab-heatmap-main') as HTMLElement;
		expect(cells.tabIndex).toBe(0);
		expect(cells.style.overflowX).toBe('auto');
		expect(cells.getAttribute('role')).toBe('group');
		cells.dispatchEvent(new doc.defaultView!.FocusEvent('focus'));
		const key = (k: string) => cells.dispatchEvent(new doc.defaultView!.KeyboardEvent('keydown', { key: k, bubbles: true }));
		key('ArrowDown');
		key('ArrowRight');
		expect(seen.at(-1)).toEqual([1, 1]);
		expect(el.querySelector('.latelab-heatmap-live')?.textContent).toMatch(/^b × t1: /);
		key('End');
		expect(seen.at(-1)).toEqual([1, nd - 1]);
		key('m');
		expect(seen.at(-1)).toEqual([1, argmaxPerRow(matrix(2, nd), 2, nd)[1]]);
		expect(el.querySelector('.latelab-heatmap-live')?.textContent).toContain('max of row');
		key('End');
		expect(el.querySelector('.latelab-heatmap-frame')?.getAttribute('data-end')).toBe(String(nd));
		expect(el.querySelector('.focus-ring')?.getAttribute('visibility')).toBe('visible');
	});

	it('similarityHeatmap(data) leaves room for the last column\'s label, which leans past the matrix', () => {
		const el = similarityHeatmap({ queryTokens: ['a'], docTokens: ['x', 'interchangeability'], scores: [0.1, 0.2] }, { document: testDocument() });
		const svg = el.querySelector('.latelab-heatmap-frame svg')!;
		const last = el.querySelectorAll('text.doc-label')[1];
		const anchorX = Number(/translate\(([\d.]+),/.exec(last.getAttribute('transform')!)![1]);
		// The rotated label runs cos(60°) = 1/2 of its length to the right of its anchor.
		expect(Number(svg.getAttribute('width'))).toBeGreaterThanOrEqual(anchorX + estimateTextWidth('interchangeability', 11) / 2);
	});

	it('similarityHeatmap(data) rejects a score array of the wrong size', () => {
		expect(() => similarityHeatmap({ ...small, scores: [1, 2, 3] }, { document: testDocument() })).toThrow(/expected 4 x 5/);
	});

	it('similarityHeatmap(data) renders tokens as text, never markup', () => {
		const el = similarityHeatmap(
			{ queryTokens: ['<script>alert(1)</script>'], docTokens: ['<img src=x onerror=alert(1)>'], scores: [1] },
			{ document: testDocument() }
		);
		expect(el.querySelector('script')).toBeNull();
		expect(el.querySelector('img')).toBeNull();
		expect(el.querySelector('text.query-label')?.textContent).toBe('<script>alert(1)</script>');
	});
});
