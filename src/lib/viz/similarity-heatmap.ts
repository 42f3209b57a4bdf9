/**
 * The ColBERT explanation: a query-token x document-token similarity matrix. Each query token's best
 * document token (the one MaxSim picks) is outlined; "MaxSim only" hides every other cell, which is
 * exactly the part of the matrix that makes the score. Rows for query augmentation tokens ([MASK]) are
 * labelled as such. Above `canvasThreshold` visible cells the cells are painted on a canvas under SVG
 * axes; documents longer than `window` tokens get an overview strip with a brush that picks the columns.
 */
import { select, type Selection } from 'd3';
import { finiteExtent, valueColor, type ScaleKind } from './color';
import { estimateTextWidth } from './column-labels';
import { createSvg, formatScore, resolveDocument, round, type VizContext } from './dom';
import { argmaxPerRow, type QueryTokenKind } from './heatmap-data';
import { attachHeatmapKeyboard } from './heatmap-keyboard';
import { drawOverview } from './heatmap-overview';

export type { QueryTokenKind } from './heatmap-data';

/** Matrix to draw. `scores` is row-major, `queryTokens.length` x `docTokens.length`. */
export interface HeatmapData {
	queryTokens: string[];
	docTokens: string[];
	scores: ArrayLike<number>;
	/** Per query token: an ordinary token, a marker ([Q]/[CLS]) or an augmentation [MASK]. */
	queryKinds?: QueryTokenKind[];
}

/** One cell, as reported to `onCellFocus`. */
export interface HeatmapCell {
	row: number;
	col: number;
	value: number;
	argmax: boolean;
}

export interface HeatmapOptions extends VizContext {
	/** `all` cells, or `maxsim`: only each row's argmax. Default `all`. */
	mode?: 'all' | 'maxsim';
	scale?: ScaleKind;
	/** Cell edge in px. Default 18. */
	cellSize?: number;
	/** Visible cells above which cells are painted on a canvas. Default 2500. */
	canvasThreshold?: number;
	/** Document tokens shown at once; longer documents get a brush. Default 160. */
	window?: number;
	/** First document token shown. Default 0, or the window holding the first argmax. */
	start?: number;
	/** Accessible name of the whole view. */
	label?: string;
	/** Called when keyboard focus moves to a cell. */
	onCellFocus?: (cell: HeatmapCell) => void;
}

const LEFT = 96;
const TOP = 72;
/** The labels' font size in px (theme.css sets `.latelab-heatmap text` to it). */
const LABEL_FONT = 11;

/**
 * Renders the heatmap into a `<div class="latelab-heatmap">`.
 * @example
 * similarityHeatmap({ queryTokens: ['a', 'b'], docTokens: ['x', 'y'], scores: [0.1, 0.9, 0.8, 0.2] })
 * // 2 x 2 cells; outlined: (0, 1) and (1, 0)
 */
export function similarityHeatmap(data: HeatmapData, options: HeatmapOptions = {}): HTMLElement {
	const doc = resolveDocument(options);
	const nq = data.queryTokens.length;
	const nd = data.docTokens.length;
	if (data.scores.length !== nq * nd) {
		throw new RangeError(`scores has ${data.scores.length} values, expected ${nq} x ${nd} = ${nq * nd}`);
	}
	const mode = options.mode ?? 'all';
	const cell = options.cellSize ?? 18;
	const windowSize = Math.max(1, Math.min(nd, options.window ?? 160));
	const argmax = argmaxPerRow(data.scores, nq, nd);
	const extent = finiteExtent(data.scores);
	const color = valueColor(extent, options.scale ?? 'auto');

	const root = doc.createElement('div');
	root.className = 'latelab-heatmap';
	root.setAttribute('role', 'group');
	root.setAttribute('aria-label', options.label ?? 'Query-token by document-token similarity');
	root.dataset.mode = mode;

	const firstArgmax = argmax.find((j) => j >= 0) ?? 0;
	let start = clampStart(options.start ?? Math.floor(firstArgmax / windowSize) * windowSize, nd, windowSize);
	const main = doc.createElement('div');
	main.className = 'latelab-heatmap-main';
	main.style.overflowX = 'auto';

	const draw = () => {
		main.replaceChildren(drawWindow(doc, data, { argmax, color, extent, mode, cell, start, count: windowSize, options }));
	};
	if (nd > windowSize) {
		root.append(drawOverview(doc, data, argmax, windowSize, () => start, (s) => {
			start = clampStart(s, nd, windowSize);
			draw();
		}));
	}
	draw();
	root.append(main);
	attachHeatmapKeyboard(root, main, {
		nq,
		nd,
		value: (i, j) => Number(data.scores[i * nd + j]),
		isArgmax: (i, j) => argmax[i] === j,
		argmaxOf: (i) => argmax[i],
		visible: () => [start, Math.min(nd, start + windowSize)],
		reveal: (j) => {
			if (j < start || j >= start + windowSize) {
				start = clampStart(j - Math.floor(windowSize / 2), nd, windowSize);
				draw();
			}
		},
		describe: (i, j) => describeCell(data, i, j, argmax[i] === j),
		geometry: () => ({ left: LEFT, top: TOP, cell, start }),
		onCellFocus: options.onCellFocus
	});
	return root;
}

function clampStart(start: number, nd: number, windowSize: number): number {
	return Math.max(0, Math.min(Math.max(0, nd - windowSize), Math.round(start)));
}

/** Tooltip text of one cell. */
export function describeCell(data: HeatmapData, i: number, j: number, isArgmax: boolean): string {
	const nd = data.docTokens.length;
	const kind = data.queryKinds?.[i] === 'mask' ? ' (query augmentation)' : '';
	const best = isArgmax ? ' — max of row, counted by MaxSim' : '';
	return `${data.queryTokens[i]}${kind} × ${data.docTokens[j]}: ${formatScore(Number(data.scores[i * nd + j]))}${best}`;
}

interface WindowParams {
	argmax: Int32Array;
	color: (v: number) => string;
	extent: [number, number];
	mode: 'all' | 'maxsim';
	cell: number;
	start: number;
	count: number;
	options: HeatmapOptions;
}

function drawWindow(doc: Document, data: HeatmapData, p: WindowParams): HTMLElement {
	const nq = data.queryTokens.length;
	const nd = data.docTokens.length;
	const end = Math.min(nd, p.start + p.count);
	const cols = end - p.start;
	// Column labels lean right (rotated -60°): the last ones reach half their length past their column.
	let labelsRight = 0;
	for (let j = p.start; j < end; j++) labelsRight = Math.max(labelsRight, LEFT + (j - p.start) * p.cell + p.cell * 0.65 + estimateTextWidth(data.docTokens[j], LABEL_FONT) * 0.5);
	const width = Math.ceil(Math.max(LEFT + cols * p.cell, labelsRight) + 4);
	const height = TOP + nq * p.cell + 4;
	const useCanvas = nq * cols > (p.options.canvasThreshold ?? 2500);

	const frame = doc.createElement('div');
	frame.className = 'latelab-heatmap-frame';
	frame.style.position = 'relative';
	frame.style.width = `${width}px`;
	frame.style.height = `${height}px`;
	frame.dataset.renderer = useCanvas ? 'canvas' : 'svg';
	frame.dataset.start = String(p.start);
	frame.dataset.end = String(end);

	const svg = createSvg(doc, width, height);
	svg.style.position = 'absolute';
	svg.style.left = '0';
	svg.style.top = '0';
	const s = select(svg);
	const x = (j: number) => LEFT + (j - p.start) * p.cell;
	const y = (i: number) => TOP + i * p.cell;

	drawLegend(s.append('g').attr('class', 'legend'), p.extent, p.color);
	const rows = s.append('g').attr('class', 'query-labels');
	data.queryTokens.forEach((token, i) => {
		const kind = data.queryKinds?.[i] ?? 'token';
		const label = rows.append('text').attr('class', `query-label kind-${kind}`).attr('data-kind', kind)
			.attr('x', LEFT - 6).attr('y', round(y(i) + p.cell * 0.7)).attr('text-anchor', 'end').text(token);
		if (kind === 'mask') {
			label.attr('font-style', 'italic');
			rows.append('rect').attr('class', 'mask-marker').attr('x', 2).attr('y', y(i) + 3)
				.attr('width', 4).attr('height', p.cell - 6).attr('fill', 'currentColor').attr('opacity', 0.45)
				.append('title').text('query augmentation token ([MASK]): lets the model expand the query');
		}
	});
	const colsG = s.append('g').attr('class', 'doc-labels');
	for (let j = p.start; j < end; j++) {
		const cx = round(x(j) + p.cell * 0.65);
		colsG.append('text').attr('class', 'doc-label').attr('transform', `translate(${cx},${TOP - 6}) rotate(-60)`)
			.text(data.docTokens[j]).append('title').text(`document token ${j}: ${data.docTokens[j]}`);
	}

	if (useCanvas) {
		frame.append(drawCanvas(doc, data, p, cols, width, height));
	} else {
		const g = s.append('g').attr('class', 'cells');
		for (let i = 0; i < nq; i++) {
			for (let j = p.start; j < end; j++) {
				const v = Number(data.scores[i * nd + j]);
				const best = p.argmax[i] === j;
				g.append('rect').attr('class', best ? 'cell argmax' : 'cell')
					.attr('data-row', i).attr('data-col', j).attr('x', x(j)).attr('y', y(i))
					.attr('width', p.cell - 1).attr('height', p.cell - 1)
					.attr('fill', p.mode === 'maxsim' && !best ? 'transparent' : p.color(v))
					.append('title').text(describeCell(data, i, j, best));
			}
		}
	}
	const outlines = s.append('g').attr('class', 'argmax-outlines').attr('pointer-events', 'none');
	for (let i = 0; i < nq; i++) {
		const j = p.argmax[i];
		if (j < p.start || j >= end) continue;
		// A light halo under the dark outline: either one alone vanishes on cells of its own shade.
		outlines.append('rect').attr('class', 'argmax-halo').attr('x', x(j) - 1).attr('y', y(i) - 1).attr('width', p.cell + 1).attr('height', p.cell + 1)
			.attr('fill', 'none').attr('stroke', '#fff').attr('stroke-width', 4);
		outlines.append('rect').attr('class', 'argmax-outline').attr('data-row', i).attr('data-col', j)
			.attr('x', x(j) - 1).attr('y', y(i) - 1).attr('width', p.cell + 1).attr('height', p.cell + 1)
			.attr('fill', 'none').attr('stroke', 'currentColor').attr('stroke-width', 2);
	}
	s.append('rect').attr('class', 'focus-ring').attr('fill', 'none').attr('stroke', '#d55e00')
		.attr('stroke-width', 3).attr('visibility', 'hidden').attr('width', p.cell + 3).attr('height', p.cell + 3);
	frame.append(svg);
	return frame;
}

/** Colour key in the empty top-left corner: 8 swatches from min to max, with the two end values. */
function drawLegend(g: Selection<SVGGElement, unknown, null, undefined>, [lo, hi]: [number, number], color: (v: number) => string): void {
	const steps = 8;
	const w = (LEFT - 16) / steps;
	g.attr('aria-hidden', 'true');
	for (let k = 0; k < steps; k++) {
		g.append('rect').attr('x', round(4 + k * w)).attr('y', 6).attr('width', round(w)).attr('height', 8)
			.attr('fill', color(lo + ((k + 0.5) / steps) * (hi - lo)));
	}
	g.append('text').attr('class', 'legend-min').attr('x', 4).attr('y', 26).attr('font-size', 9).text(formatScore(lo, 2));
	g.append('text').attr('class', 'legend-max').attr('x', LEFT - 12).attr('y', 26).attr('font-size', 9)
		.attr('text-anchor', 'end').text(formatScore(hi, 2));
}

function drawCanvas(doc: Document, data: HeatmapData, p: WindowParams, cols: number, width: number, height: number): HTMLCanvasElement {
	const nd = data.docTokens.length;
	const nq = data.queryTokens.length;
	const canvas = doc.createElement('canvas');
	canvas.className = 'cells-canvas';
	canvas.width = width;
	canvas.height = height;
	canvas.style.position = 'absolute';
	canvas.style.left = '0';
	canvas.style.top = '0';
	canvas.setAttribute('aria-hidden', 'true');
	// jsdom has no 2D context; the SVG overlay (labels, outlines, focus ring) still renders there.
	let ctx: CanvasRenderingContext2D | null = null;
	try {
		ctx = canvas.getContext('2d');
	} catch {
		ctx = null;
	}
	if (!ctx) return canvas;
	for (let i = 0; i < nq; i++) {
		for (let c = 0; c < cols; c++) {
			const j = p.start + c;
			if (p.mode === 'maxsim' && p.argmax[i] !== j) continue;
			ctx.fillStyle = p.color(Number(data.scores[i * nd + j]));
			ctx.fillRect(LEFT + c * p.cell, TOP + i * p.cell, p.cell - 1, p.cell - 1);
		}
	}
	canvas.addEventListener('mousemove', (event) => {
		const col = Math.floor((event.offsetX - LEFT) / p.cell);
		const row = Math.floor((event.offsetY - TOP) / p.cell);
		const inside = row >= 0 && row < nq && col >= 0 && col < cols;
		canvas.title = inside ? describeCell(data, row, p.start + col, p.argmax[row] === p.start + col) : '';
	});
	return canvas;
}
