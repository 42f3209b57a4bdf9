/**
 * Per-query-token contributions to a score, as labelled horizontal bars that add up to the total.
 * For ColBERT each bar is that token's max similarity (MaxSim sums them); for a mean-pooled
 * bi-encoder each is the token's exact share of the cosine. The footer states the sum, and says so
 * when it differs from the score the ranker reported (a bug worth seeing, not hiding).
 */
import { scaleLinear, select } from 'd3';
import { ACCENT_NEGATIVE, ACCENT_POSITIVE } from './color';
import { createSvg, formatScore, resolveDocument, round, type VizContext } from './dom';
import type { QueryTokenKind } from './heatmap-data';

export interface ContributionData {
	tokens: string[];
	values: number[];
	kinds?: QueryTokenKind[];
	/** The score the ranker reported; compared with the sum of `values`. */
	score?: number;
}

export interface ContributionOptions extends VizContext {
	width?: number;
	barHeight?: number;
	label?: string;
	/** Allowed |sum - score| before a mismatch note is shown. Default 1e-3. */
	tolerance?: number;
}

/**
 * Renders the bars as an `<svg class="latelab-contributions">`.
 * @example contributionBars({ tokens: ['cat', 'sat'], values: [0.9, 0.5], score: 1.4 }) // footer "sum 1.400"
 */
export function contributionBars(data: ContributionData, options: ContributionOptions = {}): SVGSVGElement {
	const doc = resolveDocument(options);
	if (data.tokens.length !== data.values.length) {
		throw new RangeError(`${data.tokens.length} tokens but ${data.values.length} values`);
	}
	const n = data.values.length;
	const width = options.width ?? 360;
	const bar = options.barHeight ?? 18;
	const left = 96;
	const right = 56;
	const height = n * (bar + 4) + 30;
	const lo = Math.min(0, ...data.values);
	const hi = Math.max(0, ...data.values, 1e-9);
	const x = scaleLinear().domain([lo, hi]).range([left, width - right]);
	const sum = data.values.reduce((a, b) => a + b, 0);

	const svg = createSvg(doc, width, height);
	svg.setAttribute('class', 'latelab-contributions');
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', options.label ?? `Contribution of each query token; they sum to ${formatScore(sum)}`);
	const s = select(svg);
	data.values.forEach((v, i) => {
		const y = i * (bar + 4) + 2;
		const kind = data.kinds?.[i] ?? 'token';
		const g = s.append('g').attr('class', `contribution kind-${kind}`).attr('data-index', i);
		g.append('text').attr('class', 'token').attr('x', left - 6).attr('y', y + bar * 0.72)
			.attr('text-anchor', 'end').attr('font-style', kind === 'mask' ? 'italic' : null).text(data.tokens[i]);
		const x0 = x(Math.min(0, v));
		g.append('rect').attr('x', round(x0)).attr('y', y).attr('height', bar)
			.attr('width', round(Math.abs(x(v) - x(0)))).attr('fill', v >= 0 ? ACCENT_POSITIVE : ACCENT_NEGATIVE)
			.append('title').text(`${data.tokens[i]}: ${formatScore(v)}${kind === 'mask' ? ' (query augmentation)' : ''}`);
		g.append('text').attr('class', 'value').attr('x', round(Math.max(x(v), x(0)) + 4)).attr('y', y + bar * 0.72)
			.text(formatScore(v));
	});
	s.append('line').attr('x1', round(x(0))).attr('x2', round(x(0))).attr('y1', 0).attr('y2', n * (bar + 4))
		.attr('stroke', 'currentColor').attr('opacity', 0.5);
	const footer = s.append('text').attr('class', 'sum').attr('x', left).attr('y', height - 8);
	footer.text(`sum ${formatScore(sum)}`);
	if (data.score !== undefined) {
		const ok = Math.abs(sum - data.score) <= (options.tolerance ?? 1e-3);
		svg.dataset.sumMatches = String(ok);
		footer.text(ok ? `sum ${formatScore(sum)} = score` : `sum ${formatScore(sum)} ≠ score ${formatScore(data.score)}`);
	}
	return svg;
}
