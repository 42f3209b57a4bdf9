/**
 * Per-query differences of one metric between two rankers, as vertical bars sorted from the largest
 * gain to the largest loss around a zero line: the usual way IR papers show where a system wins and
 * where it loses (e.g. the per-topic difference plots of TREC overviews). Gains are orange, losses
 * blue (Okabe–Ito, colour-blind safe); ties are a thin tick so every query stays countable.
 */
import { scaleBand, scaleLinear, select } from 'd3';
import { ACCENT_NEGATIVE, ACCENT_POSITIVE } from './color';
import { countText, createSvg, formatScore, resolveDocument, round, type VizContext } from './dom';

export interface DeltaDatum {
	/** Query id (kept on the bar as `data-id`). */
	id: string;
	/** Shown in the bar's tooltip; set as text, never parsed as HTML. */
	label: string;
	delta: number;
}

export interface DeltaBarsOptions extends VizContext {
	width?: number;
	height?: number;
	/** e.g. "nDCG@10: ColBERT − BM25"; also the accessible name's start. */
	label?: string;
	/** Deltas within this are drawn as ties. Default 1e-9. */
	tolerance?: number;
}

/**
 * Renders `<svg class="latelab-delta-bars">` with one `g.bar` per query (classes `gain`, `loss`, `tie`).
 * @example deltaBars([{ id: 'q1', label: 'cat', delta: 0.2 }, { id: 'q2', label: 'dog', delta: -0.1 }], { label: 'nDCG@10' })
 * // aria-label "nDCG@10: 1 gain, 0 ties, 1 loss"; bars left to right q1 (+0.200), q2 (−0.100)
 */
export function deltaBars(data: readonly DeltaDatum[], options: DeltaBarsOptions = {}): SVGSVGElement {
	const doc = resolveDocument(options);
	const tol = options.tolerance ?? 1e-9;
	const width = options.width ?? 640;
	const height = options.height ?? 160;
	const margin = { top: 10, right: 10, bottom: 18, left: 44 };
	const sorted = [...data].sort((a, b) => b.delta - a.delta || (a.id < b.id ? -1 : 1));
	const kind = (d: number) => (d > tol ? 'gain' : d < -tol ? 'loss' : 'tie');
	const counts = { gain: 0, tie: 0, loss: 0 };
	for (const d of sorted) counts[kind(d.delta)]++;
	const m = Math.max(1e-6, ...sorted.map((d) => Math.abs(d.delta)));
	const y = scaleLinear().domain([-m, m]).range([height - margin.bottom, margin.top]).nice();
	const x = scaleBand<string>().domain(sorted.map((d) => d.id)).range([margin.left, width - margin.right]).padding(0.15);

	const svg = createSvg(doc, width, height);
	svg.setAttribute('class', 'latelab-delta-bars');
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', `${options.label ? `${options.label}: ` : ''}${countText(counts.gain, 'gain')}, ${countText(counts.tie, 'tie')}, ${countText(counts.loss, 'loss', 'losses')}`);
	const s = select(svg);

	const [lo, hi] = y.domain();
	for (const tick of [lo, 0, hi]) {
		s.append('text').attr('class', 'tick').attr('x', margin.left - 6).attr('y', round(y(tick) + 4))
			.attr('text-anchor', 'end').attr('font-size', 10).text(tick === 0 ? '0' : formatScore(tick, 2));
	}
	const y0 = round(y(0));
	sorted.forEach((d) => {
		const k = kind(d.delta);
		const g = s.append('g').attr('class', `bar ${k}`).attr('data-id', d.id);
		const top = k === 'tie' ? y0 - 0.75 : Math.min(y(d.delta), y(0));
		const h = k === 'tie' ? 1.5 : Math.abs(y(d.delta) - y(0));
		g.append('rect').attr('x', round(x(d.id) ?? 0)).attr('width', round(Math.max(1, x.bandwidth())))
			.attr('y', round(top)).attr('height', round(Math.max(h, 1)))
			.attr('fill', k === 'gain' ? ACCENT_POSITIVE : k === 'loss' ? ACCENT_NEGATIVE : 'currentColor')
			.attr('opacity', k === 'tie' ? 0.45 : 1);
		g.append('title').text(`${d.label}: ${d.delta > 0 ? '+' : ''}${formatScore(d.delta)}`);
	});
	s.append('line').attr('class', 'zero').attr('x1', margin.left).attr('x2', width - margin.right)
		.attr('y1', y0).attr('y2', y0).attr('stroke', 'currentColor').attr('stroke-opacity', 0.6);
	s.append('text').attr('class', 'caption').attr('x', margin.left).attr('y', height - 4).attr('font-size', 10)
		.text(`${countText(counts.gain, 'gain')} · ${countText(counts.tie, 'tie')} · ${countText(counts.loss, 'loss', 'losses')} (queries, sorted by difference)`);
	return svg;
}
