/**
 * A labelled horizontal bar chart, used by the kernel benchmark page for documents/s per MaxSim
 * backend. Bars for unavailable backends are drawn as an empty outline with the reason.
 */
import { max, scaleLinear, select } from 'd3';
import { ACCENT_POSITIVE } from './color';
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

/** Compact number for bar labels: 12345 -> "12.3k". */
export function formatCount(v: number): string {
	if (!Number.isFinite(v)) return '—';
	if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
	if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
	return v >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/**
 * @example barChart([{ label: 'js', value: 1200 }, { label: 'wasm', value: 5400 }], { unit: 'docs/s' })
 */
export function barChart(data: BarDatum[], options: BarChartOptions = {}): SVGSVGElement {
	const doc = resolveDocument(options);
	const width = options.width ?? 480;
	const bar = options.barHeight ?? 22;
	const left = 90;
	const right = 110;
	const height = data.length * (bar + 8) + 8;
	const measured = data.map((d) => (d.value !== undefined && Number.isFinite(d.value) ? d.value : 0));
	const x = scaleLinear().domain([0, max(measured) || 1]).range([left, width - right]);
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
		g.append('rect').attr('x', left).attr('y', y).attr('height', bar)
			.attr('width', ok ? round(x(d.value as number) - left) : round(width - right - left))
			.attr('fill', ok ? ACCENT_POSITIVE : 'none').attr('stroke', ok ? null : 'currentColor')
			.attr('stroke-dasharray', ok ? null : '4 3').attr('opacity', ok ? 1 : 0.5);
		g.append('text').attr('class', 'value').attr('x', ok ? round(x(d.value as number) + 6) : left + 8)
			.attr('y', y + bar * 0.7).text(ok ? `${formatCount(d.value as number)}${unit}` : d.note ?? 'not measured');
	});
	return svg;
}
