/**
 * A labelled horizontal bar chart, used by the kernel benchmark page for documents/s per MaxSim
 * backend. Bars for unavailable backends are drawn as an empty outline with the reason. Negative
 * values (a score difference, a speed-up below zero) extend left of a zero line.
 */
import { max, min, scaleLinear, select } from 'd3';
import { ACCENT_NEGATIVE, ACCENT_POSITIVE } from './color';
import { createSvg, resolveDocument, round, type VizContext } from './dom';

export interface BarDatum {
	label: string;
	/** NaN or undefined when the bar could not be measured. */
	value?: number;
	/** Shown instead of the value when there is none ("webgpu: no adapter"). */
	note?: string;
}

export interface BarChartOptions extends VizContext {
	unit?: string;
	width?: number;
	barHeight?: number;
	label?: string;
}

/** Compact number for bar labels: 12345 -> "12.3k", 42.123 -> "42.1", 6 -> "6". */
export function formatCount(v: number): string {
	if (!Number.isFinite(v)) return '—';
	if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
	if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
	// Counts and ranks are integers: "6", not "6.00".
	if (Number.isInteger(v) || Math.abs(v) >= 100) return v.toFixed(0);
	return v.toPrecision(3);
}

/**
 * One row per datum: the label left of the plot, a bar from the zero line to the value, the value
 * after the bar. The axis spans [min(0, values), max(0, values)], so with only non-negative values
 * every bar starts at the left edge; a negative bar (in ACCENT_NEGATIVE) ends left of the zero line
 * and its value is written just right of that line, where its row has no bar.
 * @example barChart([{ label: 'js', value: 1200 }, { label: 'wasm', value: 5400 }], { unit: 'docs/s' })
 * // the wasm bar is 4.5 times as long as the js bar
 * @example barChart([{ label: 'gain', value: 2 }, { label: 'loss', value: -1 }])
 * // zero line a third of the way across; the loss bar is half as long as the gain bar, leftwards
 */
export function barChart(data: BarDatum[], options: BarChartOptions = {}): SVGSVGElement {
	const doc = resolveDocument(options);
	const width = options.width ?? 480;
	const bar = options.barHeight ?? 22;
	const left = 90;
	const right = 110;
	const height = data.length * (bar + 8) + 8;
	const measured = data.map((d) => (d.value !== undefined && Number.isFinite(d.value) ? d.value : 0));
	const lo = Math.min(0, min(measured) ?? 0);
	const hi = Math.max(0, max(measured) ?? 0);
	// All zeros (or nothing measured) would give an empty domain: fall back to [0, 1].
	const x = scaleLinear().domain(lo === hi ? [0, 1] : [lo, hi]).range([left, width - right]);
	const x0 = x(0);
	const unit = options.unit ? ` ${options.unit}` : '';
	const svg = createSvg(doc, width, height);
	svg.setAttribute('class', 'latelab-bar-chart');
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', options.label ?? data.map((d) => `${d.label}: ${d.value !== undefined && Number.isFinite(d.value) ? formatCount(d.value) + unit : d.note ?? 'n/a'}`).join('; '));
	const s = select(svg);
	data.forEach((d, i) => {
		const y = 4 + i * (bar + 8);
		const ok = d.value !== undefined && Number.isFinite(d.value);
		const g = s.append('g').attr('class', ok ? 'bar' : 'bar missing').attr('data-label', d.label);
		g.append('text').attr('x', left - 8).attr('y', y + bar * 0.7).attr('text-anchor', 'end').text(d.label);
		const end = ok ? x(d.value as number) : width - right;
		const negative = ok && (d.value as number) < 0;
		g.append('rect').attr('x', ok ? round(Math.min(end, x0)) : left).attr('y', y).attr('height', bar)
			.attr('width', ok ? round(Math.abs(end - x0)) : round(width - right - left))
			.attr('fill', ok ? (negative ? ACCENT_NEGATIVE : ACCENT_POSITIVE) : 'none').attr('stroke', ok ? null : 'currentColor')
			.attr('stroke-dasharray', ok ? null : '4 3').attr('opacity', ok ? 1 : 0.5);
		g.append('text').attr('class', 'value').attr('x', ok ? round((negative ? x0 : end) + 6) : left + 8)
			.attr('y', y + bar * 0.7).text(ok ? `${formatCount(d.value as number)}${unit}` : d.note ?? 'not measured');
	});
	// The zero line only matters when some bar goes left of it; without negatives it is the left edge.
	if (lo < 0) {
		s.append('line').attr('class', 'zero').attr('x1', round(x0)).attr('x2', round(x0))
			.attr('y1', 0).attr('y2', height).attr('stroke', 'currentColor').attr('opacity', 0.6);
	}
	return svg;
}
