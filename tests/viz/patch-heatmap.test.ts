import { describe, expect, it } from 'vitest';
import { describePatch, isSafeImageUrl, patchContributions, patchHeatmap, type PatchHeatmapData } from '../../src/lib/viz/patch-heatmap';
import { generateSyntheticPages } from '../../src/lib/engine/corpus/synthetic-pages';
import { patchLabel } from '../../src/lib/engine/corpus/synthetic-page-svg';
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import { formatScore } from '../../src/lib/viz/dom';
import { compareSnapshot, testDocument } from './snapshot';

const tiny: PatchHeatmapData = { image: 'images/p1.svg', grid: [2, 2], queryTokens: ['red', 'circle'], scores: [0.9, 0, 0, 0.1, 0.2, 0.7, 0, 0] };

/** Query-token x patch similarities of a synthetic page, as the app computes them. */
function syntheticCase(): { data: PatchHeatmapData; score: number } {
	const c = generateSyntheticPages({ pages: 6, queries: 3 });
	const q = c.queryVectors[0];
	const pageIndex = c.pages.findIndex((p) => p.id === c.queries[0].target);
	const p = c.pageVectors[pageIndex];
	const scores = new Float32Array(q.rows * p.rows);
	for (let i = 0; i < q.rows; i++) for (let j = 0; j < p.rows; j++) {
		let s = 0;
		for (let k = 0; k < c.dim; k++) s += q.data[i * c.dim + k] * p.data[j * c.dim + k];
		scores[i * p.rows + j] = s;
	}
	const data = { image: `images/${c.pages[pageIndex].id}.svg`, grid: c.grid, queryTokens: c.queries[0].tokens, scores, patchLabels: c.pages[pageIndex].patches.map(patchLabel) };
	return { data, score: maxSim(q, p) };
}

const key = (el: Element, k: string) => el.dispatchEvent(new (el.ownerDocument.defaultView!.KeyboardEvent)('keydown', { key: k, bubbles: true }));

describe('patchHeatmap', () => {
	it('patchHeatmap(data) matches its snapshot', () => {
		expect(compareSnapshot('patch-heatmap', patchHeatmap(tiny, { document: testDocument() }))).toBeUndefined();
	});

	it('patchHeatmap(data) draws one patch per grid cell over the page image', () => {
		const el = patchHeatmap(tiny, { document: testDocument(), width: 200 });
		expect(el.querySelector('image')!.getAttribute('href')).toBe('images/p1.svg');
		const rects = [...el.querySelectorAll('rect.patch')];
		expect(rects).toHaveLength(4);
		expect(rects.map((r) => [r.getAttribute('x'), r.getAttribute('y'), r.getAttribute('width')])).toEqual([
			['0', '0', '100'], ['100', '0', '100'], ['0', '100', '100'], ['100', '100', '100']
		]);
	});

	it('patchHeatmap(data) sum layer gives each patch the maxima it wins, adding up to the MaxSim score', () => {
		const { data, score } = syntheticCase();
		const el = patchHeatmap(data, { document: testDocument() });
		expect(el.dataset.layer).toBe('sum');
		const values = [...el.querySelectorAll('rect.patch')].map((r) => Number(r.getAttribute('data-value')));
		expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(score, 3);
		expect(el.querySelector('.latelab-patch-caption')!.textContent).toContain(`MaxSim score ${formatScore(score)}`);
	});

	it('patchHeatmap(data) token layer outlines the token\'s best patch, which shows that token on a synthetic page', () => {
		const { data } = syntheticCase();
		const el = patchHeatmap(data, { document: testDocument(), layer: 0 });
		const outlines = [...el.querySelectorAll('rect.best-outline')];
		expect(outlines).toHaveLength(1);
		const best = Number(outlines[0].getAttribute('data-patch'));
		expect(data.patchLabels![best].split(' ')).toContain(data.queryTokens[0]);
	});

	it('patchHeatmap(data) layer chooser is a radio group: arrow keys move between query tokens and sum', () => {
		const doc = testDocument();
		const el = patchHeatmap(tiny, { document: doc });
		doc.body.append(el);
		const radios = [...el.querySelectorAll('[role="radio"]')] as HTMLButtonElement[];
		expect(radios.map((r) => r.textContent)).toEqual(['red', 'circle', 'sum (MaxSim)']);
		expect(radios.map((r) => r.getAttribute('aria-checked'))).toEqual(['false', 'false', 'true']);
		radios[2].focus();
		key(radios[2], 'ArrowRight');
		expect(el.dataset.layer).toBe('0');
		expect(doc.activeElement).toBe(radios[0]);
		expect(radios[0].getAttribute('aria-checked')).toBe('true');
		expect(el.querySelector('.latelab-patch-live')!.textContent).toBe('red × patch row 1, col 1: 0.900 — best patch for this token, counted by MaxSim');
		key(radios[0], 'ArrowRight');
		expect(el.dataset.layer).toBe('1');
	});

	it('patchHeatmap(data) page grid: arrows move between patches, PageDown changes the token, m jumps to the best patch, the live region reads it', () => {
		const doc = testDocument();
		const focused: string[] = [];
		const el = patchHeatmap(tiny, { document: doc, layer: 0, onFocus: (s) => focused.push(`${s.layer}:${s.patch}`) });
		doc.body.append(el);
		const page = el.querySelector('.latelab-patch-page') as HTMLElement;
		const live = el.querySelector('.latelab-patch-live')!;
		page.focus();
		expect(page.dataset.patch).toBe('0');
		key(page, 'ArrowDown');
		expect(page.dataset.patch).toBe('2');
		expect(live.textContent).toBe('red × patch row 2, col 1: 0.000');
		key(page, 'ArrowRight');
		expect(live.textContent).toBe('red × patch row 2, col 2: 0.100');
		key(page, 'PageDown');
		expect(el.dataset.layer).toBe('1');
		expect(live.textContent).toBe('circle × patch row 2, col 2: 0.000');
		key(page, 'm');
		expect(page.dataset.patch).toBe('1');
		key(page, 'PageDown');
		expect(live.textContent).toBe('sum × patch row 1, col 2: 0.700 of the score 1.600 (best patch for circle)');
		expect(el.querySelector('rect.focus-ring')!.getAttribute('visibility')).toBe('visible');
		expect(focused.at(-1)).toBe('sum:1');
	});

	it('patchHeatmap(data) sets tokens and labels as text, never markup, and refuses script URLs', () => {
		const el = patchHeatmap({ ...tiny, image: 'javascript:alert(1)', queryTokens: ['<img src=x onerror=alert(1)>', 'b'], patchLabels: ['<b>x</b>', '', '', ''] }, { document: testDocument() });
		expect(el.querySelector('img, b')).toBeNull();
		expect(el.querySelector('image')).toBeNull();
		expect(el.querySelector('text.no-image')).not.toBeNull();
		expect(el.querySelector('[role="radio"]')!.textContent).toBe('<img src=x onerror=alert(1)>');
	});

	it('patchHeatmap(data) throws when scores do not match tokens x patches', () => {
		expect(() => patchHeatmap({ ...tiny, grid: [3, 2] }, { document: testDocument() })).toThrow(RangeError);
	});
});

describe('patchContributions', () => {
	it('patchContributions(scores, nq, np) puts each token\'s maximum on its argmax patch', () => {
		const { values, argmax, total } = patchContributions(tiny.scores, 2, 4);
		expect([...argmax]).toEqual([0, 1]);
		expect([...values].map((v) => Math.round(v * 1000) / 1000)).toEqual([0.9, 0.7, 0, 0]);
		expect(total).toBeCloseTo(1.6, 6);
	});

	it('describePatch(data, layer, patch) says when a patch wins nothing', () => {
		expect(describePatch(tiny, 'sum', 3)).toBe('sum × patch row 2, col 2: 0 — no query token\'s best patch');
	});

	it('isSafeImageUrl(url) accepts relative, http(s), blob and data:image URLs only', () => {
		expect(['images/p.svg', 'https://x/p.png', 'blob:http://a/1', 'data:image/png;base64,AA'].every(isSafeImageUrl)).toBe(true);
		expect(['javascript:alert(1)', 'data:text/html,<b>', 'vbscript:x'].some(isSafeImageUrl)).toBe(false);
	});
});
