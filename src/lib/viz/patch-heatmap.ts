/**
 * MaxSim over an image page, drawn the way ColPali demos draw it (colpali-engine's similarity maps):
 * the page with a translucent heatmap over its patch grid, one layer per query token (that token's
 * similarity to every patch, its best patch outlined: the one MaxSim counts) and a "sum" layer where
 * each patch carries the maxima it wins, so the layer adds up to the page's score.
 * Keyboard: the layer chooser is a radio group (arrow keys move between query tokens); the page is one tab stop
 * (arrow keys move between patches, PageUp/PageDown change the token, `m` jumps to the best patch) and a
 * polite live region reads the focused patch. Tokens and labels are only ever set as text.
 */
import { select } from 'd3';
import { valueColor } from './color';
import { createSvg, formatScore, resolveDocument, round, type VizContext } from './dom';
import { argmaxPerRow } from './heatmap-data';

export interface PatchHeatmapData {
	/** The page image's URL (relative, http(s), blob: or data:image/); set as an attribute, never as markup. */
	image: string;
	/** `[rows, cols]` of the patch grid; patches are row-major. */
	grid: [number, number];
	queryTokens: string[];
	/** `queryTokens.length x rows·cols`, row-major: query token by patch similarity. */
	scores: ArrayLike<number>;
	/** Per patch, what it shows (`tokens` of documents.jsonl), for the readout. */
	patchLabels?: string[];
}

/** The layer shown: a query token's index, or `sum`. */
export type PatchLayer = number | 'sum';

export interface PatchHeatmapOptions extends VizContext {
	/** Page width in px. Default 240; the height follows the grid's aspect (square patches). */
	width?: number;
	/** First layer shown. Default `sum`. */
	layer?: PatchLayer;
	/** Accessible name. Default `Patch heatmap`. */
	label?: string;
	/** Called when the layer or the focused patch changes. */
	onFocus?: (state: { layer: PatchLayer; patch: number; value: number }) => void;
}

/** Per patch, the MaxSim maxima it wins: token i's best score goes to its argmax patch (first on ties). */
export function patchContributions(scores: ArrayLike<number>, nq: number, np: number): { values: Float64Array; argmax: Int32Array; total: number } {
	const values = new Float64Array(np);
	const argmax = argmaxPerRow(scores, nq, np);
	let total = 0;
	for (let i = 0; i < nq; i++) {
		if (argmax[i] < 0) continue;
		const best = Number(scores[i * np + argmax[i]]);
		values[argmax[i]] += best;
		total += best;
	}
	return { values, argmax, total };
}

/**
 * Readout text of one patch in one layer.
 * @example describePatch({ image: '', grid: [1, 2], queryTokens: ['red'], scores: [0.1, 0.8] }, 0, 1)
 * // 'red × patch row 1, col 2: 0.800 — best patch for this token, counted by MaxSim'
 */
export function describePatch(data: PatchHeatmapData, layer: PatchLayer, patch: number): string {
	const [, cols] = data.grid;
	const np = data.grid[0] * cols;
	const nq = data.queryTokens.length;
	const where = `patch row ${Math.floor(patch / cols) + 1}, col ${(patch % cols) + 1}${data.patchLabels?.[patch] ? ` (${data.patchLabels[patch]})` : ''}`;
	const { values, argmax, total } = patchContributions(data.scores, nq, np);
	if (layer === 'sum') {
		const winners = data.queryTokens.filter((_, i) => argmax[i] === patch);
		return winners.length
			? `sum × ${where}: ${formatScore(values[patch])} of the score ${formatScore(total)} (best patch for ${winners.join(', ')})`
			: `sum × ${where}: 0 — no query token's best patch`;
	}
	const best = argmax[layer] === patch ? ' — best patch for this token, counted by MaxSim' : '';
	return `${data.queryTokens[layer]} × ${where}: ${formatScore(Number(data.scores[layer * np + patch]))}${best}`;
}

function bestOf(values: ArrayLike<number>): number {
	let best = 0;
	for (let j = 1; j < values.length; j++) if (values[j] > values[best]) best = j;
	return best;
}

/** True for URLs an `<image href>` may load: relative paths, http(s), blob: and data:image/. */
export function isSafeImageUrl(url: string): boolean {
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim());
	if (!scheme) return true;
	const s = scheme[1].toLowerCase();
	return s === 'http' || s === 'https' || s === 'blob' || (s === 'data' && /^data:image\//i.test(url.trim()));
}

/**
 * Renders `<div class="latelab-patch-heatmap">`: a radio group of layers (each query token, then sum),
 * the page with one `rect.patch` per grid cell, the best patches outlined, and a live readout.
 * @example
 * patchHeatmap({ image: 'images/p1.svg', grid: [2, 2], queryTokens: ['red', 'circle'], scores: [0.9, 0, 0, 0.1, 0.2, 0.7, 0, 0] })
 * // layer "sum": patch 0 carries 0.9 (red), patch 1 carries 0.7 (circle); the score is 1.6
 */
export function patchHeatmap(data: PatchHeatmapData, options: PatchHeatmapOptions = {}): HTMLElement {
	const doc = resolveDocument(options);
	const [rows, cols] = data.grid;
	const np = rows * cols;
	const nq = data.queryTokens.length;
	if (!(rows > 0 && cols > 0) || data.scores.length !== nq * np) {
		throw new RangeError(`scores has ${data.scores.length} values, expected ${nq} query tokens x ${rows}x${cols} patches = ${nq * np}`);
	}
	const width = options.width ?? 240;
	const cell = width / cols;
	const height = cell * rows;
	const { values: sums, argmax, total } = patchContributions(data.scores, nq, np);
	let layer: PatchLayer = options.layer ?? 'sum';
	let patch = Math.max(0, layer === 'sum' ? argmax[0] ?? 0 : argmax[layer]);

	const root = doc.createElement('div');
	root.className = 'latelab-patch-heatmap';
	root.setAttribute('role', 'group');
	root.setAttribute('aria-label', options.label ?? 'Patch heatmap');

	const chooser = doc.createElement('div');
	chooser.className = 'latelab-patch-layers';
	chooser.setAttribute('role', 'radiogroup');
	chooser.setAttribute('aria-label', 'Query token');
	const layers: PatchLayer[] = [...data.queryTokens.map((_, i) => i), 'sum'];
	const buttons = layers.map((l) => {
		const b = doc.createElement('button');
		b.type = 'button';
		b.setAttribute('role', 'radio');
		b.dataset.layer = String(l);
		b.textContent = l === 'sum' ? 'sum (MaxSim)' : data.queryTokens[l];
		b.addEventListener('click', () => setLayer(l, true));
		b.addEventListener('keydown', (event: KeyboardEvent) => {
			const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
			if (!step) return;
			event.preventDefault();
			setLayer(layers[(layers.indexOf(layer) + step + layers.length) % layers.length], true);
			buttons[layers.indexOf(layer)].focus();
		});
		chooser.append(b);
		return b;
	});

	const svg = createSvg(doc, round(width), round(height));
	const page = doc.createElement('div');
	page.className = 'latelab-patch-page';
	page.tabIndex = 0;
	// A group read out by the live region: the patches are SVG rects, not rows of ARIA gridcells.
	page.setAttribute('role', 'group');
	page.setAttribute('aria-roledescription', 'patch grid');
	page.setAttribute('aria-label', 'Page patches');
	page.append(svg);
	const s = select(svg);
	if (isSafeImageUrl(data.image)) {
		s.append('image').attr('href', data.image).attr('width', round(width)).attr('height', round(height)).attr('preserveAspectRatio', 'none');
	} else {
		s.append('text').attr('class', 'no-image').attr('x', 6).attr('y', 16).attr('font-size', 11).text('image not shown (unsupported URL)');
	}
	const patchLayer = s.append('g').attr('class', 'patches');
	const rects = Array.from({ length: np }, (_, j) =>
		patchLayer.append('rect').attr('class', 'patch').attr('data-patch', j)
			.attr('x', round((j % cols) * cell)).attr('y', round(Math.floor(j / cols) * cell))
			.attr('width', round(cell)).attr('height', round(cell)).attr('stroke', 'none'));
	const outlines = s.append('g').attr('class', 'best-outlines').attr('pointer-events', 'none');
	const ring = s.append('rect').attr('class', 'focus-ring').attr('fill', 'none').attr('stroke', '#d55e00')
		.attr('stroke-width', 3).attr('width', round(cell - 2)).attr('height', round(cell - 2)).attr('visibility', 'hidden');
	const caption = doc.createElement('p');
	caption.className = 'latelab-patch-caption';
	const live = doc.createElement('p');
	live.className = 'latelab-patch-live';
	live.setAttribute('aria-live', 'polite');
	root.append(chooser, page, caption, live);

	function layerValues(l: PatchLayer): ArrayLike<number> {
		return l === 'sum' ? sums : Array.from({ length: np }, (_, j) => Number(data.scores[l * np + j]));
	}

	function paint(): void {
		const v = layerValues(layer);
		let lo = Infinity;
		let hi = -Infinity;
		for (let j = 0; j < np; j++) {
			if (layer === 'sum' && v[j] === 0) continue;
			lo = Math.min(lo, v[j]);
			hi = Math.max(hi, v[j]);
		}
		if (layer === 'sum') lo = 0;
		const color = valueColor([lo, hi > lo ? hi : lo + 1], 'sequential');
		for (let j = 0; j < np; j++) {
			const t = hi > lo ? (v[j] - lo) / (hi - lo) : 0;
			// Patches that win nothing stay clear in the sum layer: they add nothing to the score.
			const empty = layer === 'sum' && v[j] === 0;
			rects[j].attr('fill', empty ? 'transparent' : color(v[j])).attr('fill-opacity', empty ? 0 : round(0.15 + 0.5 * t))
				.attr('data-value', round(v[j], 4)).selectAll('title').remove();
			rects[j].append('title').text(describePatch(data, layer, j));
		}
		outlines.selectAll('*').remove();
		const best = layer === 'sum' ? [...new Set(Array.from(argmax).filter((j) => j >= 0))] : [argmax[layer]];
		for (const j of best) {
			outlines.append('rect').attr('class', 'best-outline').attr('data-patch', j)
				.attr('x', round((j % cols) * cell + 1)).attr('y', round(Math.floor(j / cols) * cell + 1))
				.attr('width', round(cell - 2)).attr('height', round(cell - 2)).attr('fill', 'none').attr('stroke', '#000000').attr('stroke-width', 2);
		}
		caption.textContent = layer === 'sum'
			? `sum: each patch carries the query-token maxima it wins; they add up to the MaxSim score ${formatScore(total)}`
			: `${data.queryTokens[layer]}: similarity to every patch; outlined, its best patch (${formatScore(Number(data.scores[layer * np + argmax[layer]]))}), counted by MaxSim`;
		buttons.forEach((b, k) => {
			const on = layers[k] === layer;
			b.setAttribute('aria-checked', String(on));
			b.tabIndex = on ? 0 : -1;
		});
		root.dataset.layer = String(layer);
	}

	function focusPatch(j: number): void {
		patch = Math.max(0, Math.min(np - 1, j));
		ring.attr('x', round((patch % cols) * cell + 1)).attr('y', round(Math.floor(patch / cols) * cell + 1)).attr('visibility', 'visible');
		page.dataset.patch = String(patch);
		live.textContent = describePatch(data, layer, patch);
		options.onFocus?.({ layer, patch, value: Number(layerValues(layer)[patch]) });
	}

	function setLayer(l: PatchLayer, announce: boolean): void {
		layer = l;
		paint();
		if (announce) focusPatch(l === 'sum' ? patch : Math.max(0, argmax[l]));
	}

	page.addEventListener('focus', () => focusPatch(patch));
	page.addEventListener('keydown', (event: KeyboardEvent) => {
		const r = Math.floor(patch / cols);
		const c = patch % cols;
		const moves: Record<string, () => void> = {
			ArrowLeft: () => focusPatch(r * cols + Math.max(0, c - 1)),
			ArrowRight: () => focusPatch(r * cols + Math.min(cols - 1, c + 1)),
			ArrowUp: () => focusPatch(Math.max(0, r - 1) * cols + c),
			ArrowDown: () => focusPatch(Math.min(rows - 1, r + 1) * cols + c),
			Home: () => focusPatch(0),
			End: () => focusPatch(np - 1),
			PageUp: () => setLayer(layers[(layers.indexOf(layer) - 1 + layers.length) % layers.length], false),
			PageDown: () => setLayer(layers[(layers.indexOf(layer) + 1) % layers.length], false),
			m: () => focusPatch(layer === 'sum' ? bestOf(sums) : Math.max(0, argmax[layer]))
		};
		const move = moves[event.key];
		if (!move) return;
		event.preventDefault();
		move();
		if (event.key === 'PageUp' || event.key === 'PageDown') focusPatch(patch);
	});
	paint();
	return root;
}
