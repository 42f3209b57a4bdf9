/**
 * The overview strip of a long heatmap: one bar per document column showing how many query tokens
 * chose it (their argmax), and a d3 brush that picks the window of columns the matrix shows.
 */
import { brushX, scaleLinear, select } from 'd3';
import { createSvg, round } from './dom';
import type { HeatmapData } from './similarity-heatmap';

/** Overview strip: each column's best similarity, and a brush that chooses the visible window. */
export function drawOverview(doc: Document, data: HeatmapData, argmax: Int32Array, windowSize: number,
	getStart: () => number, setStart: (s: number) => void): SVGSVGElement {
	const nq = data.queryTokens.length;
	const nd = data.docTokens.length;
	const width = 640;
	const height = 28;
	const x = scaleLinear().domain([0, nd]).range([0, width]);
	const svg = createSvg(doc, width, height);
	svg.setAttribute('class', 'latelab-heatmap-overview');
	svg.setAttribute('aria-label', `overview of all ${nd} document tokens; drag to choose the visible ${windowSize}`);
	const s = select(svg);
	const counts = new Int32Array(nd);
	for (let i = 0; i < nq; i++) if (argmax[i] >= 0) counts[argmax[i]]++;
	const maxCount = Math.max(1, ...counts);
	const bars = s.append('g').attr('class', 'overview-bars');
	for (let j = 0; j < nd; j++) {
		if (counts[j] === 0) continue;
		const h = round((counts[j] / maxCount) * (height - 4));
		bars.append('rect').attr('x', round(x(j))).attr('y', height - h).attr('width', Math.max(1, round(x(1))))
			.attr('height', h).attr('fill', 'currentColor').attr('opacity', 0.6);
	}
	const brush = brushX<unknown>().extent([[0, 0], [width, height]]).on('end', (event) => {
		if (!event.sourceEvent || !event.selection) return;
		const [a] = event.selection as [number, number];
		setStart(Math.round(x.invert(a)));
	});
	const g = s.append('g').attr('class', 'brush');
	try {
		g.call(brush).call(brush.move, [x(getStart()), x(getStart() + windowSize)]);
	} catch {
		// jsdom lacks pointer APIs d3-brush probes; the strip still shows where the argmax cells are.
	}
	return svg;
}
