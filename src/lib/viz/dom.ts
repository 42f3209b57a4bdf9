/**
 * The one place viz functions find a `Document`. Like Observable Plot's `src/context.js`, the caller
 * may pass one (jsdom in tests, a notebook's DOM shim), and only without it do we fall back to the
 * global `document`, so every view renders in Svelte, Vitest/jsdom and tslab alike.
 */

/** Options every viz function accepts. */
export interface VizContext {
	/** Where to create elements; defaults to the global `document`. */
	document?: Document;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Returns `options.document` or the global one; throws with the fix when neither exists (Node without jsdom).
 * @example resolveDocument({ document: new JSDOM('').window.document }).createElement('p')
 */
export function resolveDocument(options: VizContext = {}): Document {
	if (options.document) return options.document;
	if (typeof document !== 'undefined') return document;
	throw new Error('no DOM available: pass { document } (e.g. from jsdom) to this viz function');
}

/**
 * Creates an `<svg>` of the given size with a `viewBox`, so it scales when CSS narrows it.
 * @example createSvg(doc, 100, 20).getAttribute('viewBox') // '0 0 100 20'
 */
export function createSvg(doc: Document, width: number, height: number): SVGSVGElement {
	const svg = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
	svg.setAttribute('xmlns', SVG_NS);
	svg.setAttribute('width', String(width));
	svg.setAttribute('height', String(height));
	svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
	return svg;
}

/** Rounds to `digits` decimals for attributes, so snapshots do not churn on float noise. */
export function round(value: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/**
 * A count with its noun in the right number, digits grouped: "1 document", "1,200 documents".
 * @example countText(1, 'loss', 'losses') // '1 loss'
 */
export function countText(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/**
 * Formats a score for labels: 3 significant decimals, a real minus sign, no "-0".
 * @example formatScore(-0.12345) // '−0.123'
 */
export function formatScore(value: number, digits = 3): string {
	if (!Number.isFinite(value)) return String(value);
	const fixed = Math.abs(value) < 0.5 * 10 ** -digits ? 0 : value;
	return fixed.toFixed(digits).replace('-', '−');
}
