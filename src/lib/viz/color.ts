/**
 * Colour scales shared by the views. All are colour-blind safe: viridis (sequential) and ColorBrewer
 * PuOr (diverging) stay distinguishable under the common colour-vision deficiencies, and the text
 * shading varies lightness of a single Okabe–Ito hue, which every reader sees.
 */
import { interpolatePuOr, interpolateViridis, scaleDiverging, scaleSequential } from 'd3';

export type ScaleKind = 'auto' | 'sequential' | 'diverging';

/** Okabe–Ito orange and blue: the two accents we use for "positive" and "negative". */
export const ACCENT_POSITIVE = '#e69f00';
export const ACCENT_NEGATIVE = '#0072b2';

/**
 * Picks the scale for a value range: `auto` is diverging (centred on 0) when values of both signs occur,
 * otherwise sequential over [min, max]. Returns a function value -> CSS colour.
 * @example valueColor([0, 1], 'sequential')(1) // '#fde725' (viridis yellow)
 */
export function valueColor(extent: [number, number], kind: ScaleKind = 'auto'): (value: number) => string {
	let [lo, hi] = extent;
	if (!(hi > lo)) hi = lo + 1;
	const diverging = kind === 'diverging' || (kind === 'auto' && lo < 0 && hi > 0);
	if (diverging) {
		const m = Math.max(Math.abs(lo), Math.abs(hi));
		// PuOr runs orange -> purple; flip so positive is orange like the rest of the UI.
		const scale = scaleDiverging((t: number) => interpolatePuOr(1 - t)).domain([-m, 0, m]);
		return (v) => scale(v);
	}
	const scale = scaleSequential(interpolateViridis).domain([lo, hi]);
	return (v) => scale(v);
}

/** Min and max of finite values; [0, 0] for none. */
export function finiteExtent(values: ArrayLike<number>): [number, number] {
	let lo = Infinity;
	let hi = -Infinity;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (!Number.isFinite(v)) continue;
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	return lo <= hi ? [lo, hi] : [0, 0];
}

/**
 * A translucent shade for text backgrounds: opacity grows with |weight| / max, so the text stays
 * readable on light and dark pages. Negative weights use the blue accent.
 * @example shadeColor(0.5, 1) // 'rgba(230, 159, 0, 0.425)'
 */
export function shadeColor(weight: number, max: number): string {
	if (!(max > 0) || !Number.isFinite(weight) || weight === 0) return 'transparent';
	const t = Math.min(1, Math.abs(weight) / max);
	const alpha = Math.round((0.1 + 0.65 * t) * 1000) / 1000;
	return weight > 0 ? `rgba(230, 159, 0, ${alpha})` : `rgba(0, 114, 178, ${alpha})`;
}
