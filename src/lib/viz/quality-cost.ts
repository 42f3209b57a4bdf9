/**
 * "Quality vs cost": one point per ranking panel, x = index bytes on a log scale (storage formats differ
 * by factors of 4 to 32), y = nDCG@10, point area proportional to the median query time. The exact
 * panel (fp32, exhaustive) is ringed and labelled, so every saving reads as a distance from it. Each
 * point is a tab stop whose accessible name holds its numbers; hover or focus shows the same numbers in
 * a tooltip drawn as SVG text (panel labels are user text and never parsed as markup).
 */
import { axisBottom, axisLeft, scaleLinear, scaleLog, scaleSqrt, select } from 'd3';
import { formatBytes, formatFactor, formatMs } from './cost-format';
import { ACCENT_NEGATIVE, ACCENT_POSITIVE } from './color';
import { createSvg, formatScore, resolveDocument, round, type VizContext } from './dom';

export interface QualityCostDatum {
	/** Panel id, kept as `data-id`. */
	id: string;
	/** What the panel is ("binary · rescore 100"); set as text. */
	label: string;
	/** Index bytes (the stored vectors in their format). */
	bytes: number;
	/** The quality metric, nDCG@10 by default. */
	quality: number;
	/** Median query time in ms; NaN when not measured. */
	queryMs: number;
	/** The fp32 exhaustive panel every other is compared with. */
	exact?: boolean;
}

export interface QualityCostOptions extends VizContext {
	width?: number;
	height?: number;
	/** Name of the y metric. Default `nDCG@10`. */
	metric?: string;
	/** Accessible name. Default `Quality vs cost`. */
	label?: string;
	/** Called when a point gets keyboard focus or the pointer. */
	onPointFocus?: (datum: QualityCostDatum) => void;
}

// The top margin holds a line of labels above the best points (quality 1 sits on the plot's top edge).
const MARGIN = { top: 28, right: 24, bottom: 42, left: 52 };
const MAX_RADIUS = 16;
const MIN_RADIUS = 3;
const ARROW_STEPS: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/** Whether a datum can be placed: positive finite bytes and a finite quality. */
export function isPlottable(d: QualityCostDatum): boolean {
	return Number.isFinite(d.bytes) && d.bytes > 0 && Number.isFinite(d.quality);
}

/**
 * The numbers of one point as one sentence (tooltip, accessible name, table caption).
 * @example
 * describePoint({ id: 'p2', label: 'binary', bytes: 1024, quality: 0.7, queryMs: 4.26 }, { bytes: 32768 })
 * // 'binary: index 1.00 KiB (0.031× exact), nDCG@10 0.700, median query 4.3 ms'
 */
export function describePoint(d: QualityCostDatum, exact?: { bytes: number }, metric = 'nDCG@10'): string {
	const factor = exact && !d.exact && exact.bytes > 0 ? ` (${formatFactor(d.bytes / exact.bytes)} exact)` : '';
	const tag = d.exact ? ' — exact (fp32, exhaustive)' : '';
	return `${d.label}: index ${formatBytes(d.bytes)}${factor}, ${metric} ${formatScore(d.quality)}, median query ${formatMs(d.queryMs)}${tag}`;
}

/**
 * Tick values for a byte axis: powers of two, thinned to at most `count`, labelled without decimals.
 * @example byteTicks([1000, 70000], 6) // [1024, 4096, 16384, 65536]
 */
export function byteTicks([lo, hi]: [number, number], count = 6): number[] {
	const first = Math.ceil(Math.log2(lo));
	const last = Math.floor(Math.log2(hi));
	const n = last - first + 1;
	if (n <= 0) return [];
	// Steps of 1, 2, 5 or a multiple of 10 powers, counted from 2^0, keep KiB/MiB boundaries on the axis.
	let step = [1, 2, 5].find((k) => Math.ceil(n / k) <= count) ?? 10 * Math.ceil(n / (10 * count));
	const start = Math.ceil(first / step) * step;
	if (start > last) step = 1;
	const ticks: number[] = [];
	for (let e = start > last ? first : start; e <= last; e += step) ticks.push(2 ** e);
	return ticks;
}

/** Rough width of an axis label in pixels (d3's 10 px sans-serif: about 5.5 px a character). */
const tickLabelWidth = (v: number) => shortBytes(v).length * 5.5;

/**
 * `ticks` (ascending) without those whose labels would overlap a kept neighbour's; where two collide,
 * a point's own size (in `preferred`) wins over a power of two. The first tick is always kept.
 * @example spacedTicks([262144, 276480], (v) => v / 1000, new Set([276480])) // [276480]: 14 px apart is too close
 */
export function spacedTicks(ticks: readonly number[], at: (v: number) => number, preferred: ReadonlySet<number> = new Set()): number[] {
	const kept: number[] = [];
	const clear = (a: number, b: number) => Math.abs(at(b) - at(a)) >= (tickLabelWidth(a) + tickLabelWidth(b)) / 2 + 6;
	for (const v of ticks) {
		const last = kept[kept.length - 1];
		if (last === undefined || clear(last, v)) kept.push(v);
		else if (preferred.has(v) && !preferred.has(last) && (kept.length < 2 || clear(kept[kept.length - 2], v))) kept[kept.length - 1] = v;
	}
	return kept;
}

/** "4 KiB", "512 B", "1.5 MiB": an axis label, shorter than `formatBytes`. */
export function shortBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let v = bytes;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	return `${Number.isInteger(v) ? v : Number(v.toPrecision(2))} ${units[u]}`;
}

/**
 * Renders `<svg class="latelab-quality-cost">` with one focusable `g.point` per plottable datum
 * (class `exact` on the exact one) and a caption naming the panels that could not be placed.
 * @example
 * qualityCost([
 *   { id: 'a', label: 'fp32', bytes: 32768, quality: 0.72, queryMs: 40, exact: true },
 *   { id: 'b', label: 'binary', bytes: 1024, quality: 0.7, queryMs: 10 }
 * ])
 * // b is left of a (5 powers of two = 1/32 the bytes), slightly lower; a's circle has 4x b's area
 */
export function qualityCost(data: readonly QualityCostDatum[], options: QualityCostOptions = {}): SVGSVGElement {
	const doc = resolveDocument(options);
	const width = options.width ?? 560;
	const height = options.height ?? 320;
	const metric = options.metric ?? 'nDCG@10';
	const points = data.filter(isPlottable);
	const skipped = data.filter((d) => !isPlottable(d));
	const exact = points.find((d) => d.exact);

	const svg = createSvg(doc, width, height);
	svg.setAttribute('class', 'latelab-quality-cost');
	svg.setAttribute('role', 'group');
	svg.setAttribute('aria-label', options.label ?? 'Quality vs cost');
	const s = select(svg);

	const bytes = points.map((d) => d.bytes);
	const lo = bytes.length ? Math.min(...bytes) : 1024;
	const hi = bytes.length ? Math.max(...bytes) : 1024 * 1024;
	// Half a power of two of air on each side keeps the biggest circles inside the plot.
	const x = scaleLog().base(2).domain([lo / 1.6, hi * 1.6]).range([MARGIN.left, width - MARGIN.right]);
	const qualities = points.map((d) => d.quality);
	const qLo = qualities.length ? Math.min(...qualities) : 0;
	const qHi = qualities.length ? Math.max(...qualities) : 1;
	const pad = Math.max(0.02, (qHi - qLo) * 0.15);
	const y = scaleLinear().domain([Math.max(0, qLo - pad), Math.min(1, qHi + pad)]).range([height - MARGIN.bottom, MARGIN.top]).nice();
	const times = points.map((d) => d.queryMs).filter((t) => Number.isFinite(t) && t >= 0);
	const r = scaleSqrt().domain([0, Math.max(1e-9, ...times)]).range([0, MAX_RADIUS]);
	const radius = (d: QualityCostDatum) => (Number.isFinite(d.queryMs) && d.queryMs >= 0 ? Math.max(MIN_RADIUS, r(d.queryMs)) : 5);

	// Points within a power of two of each other leave one power-of-two tick or none: label the points' own sizes then.
	const powers = byteTicks(x.domain() as [number, number]);
	const candidates = powers.length >= 2 ? powers : [...new Set([...powers, ...bytes])].sort((a, b) => a - b);
	const xTicks = spacedTicks(candidates, (v) => x(v), new Set(bytes));
	s.append('g').attr('class', 'axis x').attr('transform', `translate(0,${height - MARGIN.bottom})`)
		.call(axisBottom(x).tickValues(xTicks).tickFormat((v) => shortBytes(Number(v))))
		.attr('aria-hidden', 'true');
	s.append('g').attr('class', 'axis y').attr('transform', `translate(${MARGIN.left},0)`)
		.call(axisLeft(y).ticks(5).tickFormat(y.tickFormat(5))).attr('aria-hidden', 'true');
	s.append('text').attr('class', 'axis-title').attr('x', (MARGIN.left + width - MARGIN.right) / 2).attr('y', height - 6)
		.attr('text-anchor', 'middle').attr('font-size', 11).text('index size (log scale) · area = median query time');
	s.append('text').attr('class', 'axis-title').attr('transform', `translate(12,${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)`)
		.attr('text-anchor', 'middle').attr('font-size', 11).text(metric);

	const layer = s.append('g').attr('class', 'points');
	// Big circles first, so a small one on top of a big one stays reachable by the pointer.
	const order = [...points].sort((a, b) => radius(b) - radius(a));
	const tooltip = s.append('g').attr('class', 'tooltip').attr('visibility', 'hidden').attr('pointer-events', 'none');
	const tipBox = tooltip.append('rect').attr('rx', 3).attr('fill', 'Canvas').attr('stroke', 'currentColor').attr('stroke-opacity', 0.5);
	const tipText = tooltip.append('text').attr('font-size', 11);

	const show = (d: QualityCostDatum) => {
		const lines = [d.label + (d.exact ? ' (exact)' : ''), `index ${formatBytes(d.bytes)}${exact && !d.exact ? ` · ${formatFactor(d.bytes / exact.bytes)} exact` : ''}`,
			`${metric} ${formatScore(d.quality)}`, `median query ${formatMs(d.queryMs)}`];
		tipText.selectAll('tspan').remove();
		lines.forEach((line, i) => tipText.append('tspan').attr('x', 6).attr('dy', 14).text(line));
		const boxW = Math.max(...lines.map((l) => l.length)) * 6.2 + 12;
		const boxH = lines.length * 14 + 8;
		const px = x(d.bytes);
		const py = y(d.quality);
		const tx = px + boxW + 20 > width ? px - boxW - 12 : px + 12;
		const ty = Math.max(0, Math.min(height - boxH, py - boxH / 2));
		tipBox.attr('width', round(boxW)).attr('height', boxH);
		tooltip.attr('transform', `translate(${round(tx)},${round(ty)})`).attr('visibility', 'visible').attr('data-id', d.id);
		options.onPointFocus?.(d);
	};
	const hide = () => tooltip.attr('visibility', 'hidden');

	const nodes: SVGGElement[] = [];
	// Labels right of their point, or left of it in the right third; a label that would overlap an earlier
	// one moves to the nearest free line (panels of the same cost and quality sit on one point) and gets a leader line.
	const placed: { x0: number; x1: number; y: number }[] = [];
	if (skipped.length) placed.push({ x0: MARGIN.left, x1: width, y: MARGIN.top - 4 });
	const labelAt = (d: QualityCostDatum, text: string): { x: number; y: number; anchor: 'start' | 'end'; moved: boolean } => {
		const px = x(d.bytes);
		const gap = radius(d) + (d.exact ? 7 : 3);
		const w = text.length * 5.6;
		const left = px > MARGIN.left + ((width - MARGIN.left - MARGIN.right) * 2) / 3;
		const x0 = left ? px - gap - w : px + gap;
		const natural = y(d.quality) - 3;
		const free = (ly: number) => !placed.some((p) => Math.abs(p.y - ly) < 11 && p.x0 < x0 + w && x0 < p.x1);
		const inside = (ly: number) => ly >= 10 && ly <= height - MARGIN.bottom - 2;
		// The nearest free line: a line down, then up, then two down, … (down first, so labels of one point read as a list).
		const steps = Array.from({ length: 40 }, (_, i) => (i % 2 === 1 ? 1 : -1) * 11 * Math.ceil(i / 2));
		let ly = steps.map((dy) => natural + dy).find((c) => inside(c) && free(c));
		if (ly === undefined) for (ly = natural; !free(ly); ly += 11);
		placed.push({ x0, x1: x0 + w, y: ly });
		return { x: left ? px - gap : px + gap, y: ly, anchor: left ? 'end' : 'start', moved: ly !== natural };
	};
	// The exact panel's label is placed first, so it stays beside its ring.
	const labels = new Map<QualityCostDatum, { text: string; at: ReturnType<typeof labelAt> }>();
	for (const d of [...points].sort((a, b) => Number(!!b.exact) - Number(!!a.exact))) {
		const text = d.exact ? `${d.label} (exact)` : d.label;
		labels.set(d, { text, at: labelAt(d, text) });
	}
	for (const d of order) {
		const cx = round(x(d.bytes));
		const cy = round(y(d.quality));
		const g = layer.append('g').attr('class', d.exact ? 'point exact' : 'point').attr('data-id', d.id)
			.attr('tabindex', 0).attr('role', 'img').attr('aria-label', describePoint(d, exact, metric))
			.attr('data-x', cx).attr('data-y', cy);
		g.append('circle').attr('cx', cx).attr('cy', cy).attr('r', round(radius(d)))
			.attr('fill', d.exact ? ACCENT_NEGATIVE : ACCENT_POSITIVE).attr('fill-opacity', 0.7)
			.attr('stroke', 'currentColor').attr('stroke-dasharray', Number.isFinite(d.queryMs) ? null : '2 2');
		if (d.exact) {
			g.append('circle').attr('class', 'exact-ring').attr('cx', cx).attr('cy', cy).attr('r', round(radius(d) + 4))
				.attr('fill', 'none').attr('stroke', ACCENT_NEGATIVE).attr('stroke-width', 2);
		}
		const { text, at } = labels.get(d)!;
		if (at.moved) {
			// A moved label gets a leader to its point, so it cannot be read as a neighbour's.
			const lx = at.x;
			const ly = at.y - 3;
			const dist = Math.hypot(lx - cx, ly - cy);
			const edge = radius(d) + (d.exact ? 4 : 1);
			if (dist > edge + 2) {
				g.append('line').attr('class', 'leader').attr('aria-hidden', 'true')
					.attr('x1', round(cx + ((lx - cx) * edge) / dist)).attr('y1', round(cy + ((ly - cy) * edge) / dist))
					.attr('x2', round(lx)).attr('y2', round(ly))
					.attr('stroke', 'currentColor').attr('stroke-opacity', 0.45).attr('stroke-width', 0.75);
			}
		}
		g.append('text').attr('class', 'point-label').attr('x', round(at.x)).attr('y', round(at.y))
			.attr('text-anchor', at.anchor).attr('font-size', 10).text(text);
		g.append('title').text(describePoint(d, exact, metric));
		g.on('mouseenter', () => show(d)).on('focus', () => show(d)).on('mouseleave', hide).on('blur', hide);
		nodes.push(g.node() as SVGGElement);
	}
	// Arrow keys walk the points from cheapest to most expensive, so the chart is one reading order.
	const byBytes = [...nodes].sort((a, b) => Number(a.getAttribute('data-x')) - Number(b.getAttribute('data-x')));
	for (const node of byBytes) {
		node.addEventListener('keydown', (event: KeyboardEvent) => {
			const step = ARROW_STEPS[event.key];
			if (step === undefined) return;
			const next = byBytes.indexOf(node) + step;
			if (next < 0 || next >= byBytes.length) return;
			event.preventDefault();
			byBytes[next].focus();
		});
	}
	if (skipped.length) {
		s.append('text').attr('class', 'skipped').attr('x', MARGIN.left).attr('y', MARGIN.top - 4).attr('font-size', 10)
			.text(`not plotted (no ${metric} or no index size yet): ${skipped.map((d) => d.label).join(', ')}`);
	}
	return svg;
}
