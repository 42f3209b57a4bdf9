/**
 * Document text with spans shaded by a weight (matched BM25 terms, MaxSim-chosen tokens, occlusion
 * attribution). Built only from text nodes and `textContent`, never `innerHTML`: documents are user
 * input and may contain `<script>` or `<img onerror>`, which must show as characters and run nothing.
 */
import { shadeColor } from './color';
import { formatScore, resolveDocument, type VizContext } from './dom';

/** A character range `[start, end)` of `text` with a weight; `label` goes into the tooltip. */
export interface WeightedSpan {
	start: number;
	end: number;
	weight: number;
	label?: string;
}

export interface ShadedTextData {
	text: string;
	spans: WeightedSpan[];
}

export interface ShadedTextOptions extends VizContext {
	/** Characters shown before a truncation notice. Default 4000. */
	maxChars?: number;
	/** Weight that gets full colour; defaults to the largest |weight|. */
	maxWeight?: number;
	/** Element to build. Default `p`. */
	tag?: 'p' | 'div' | 'span';
}

/**
 * Sorts spans, drops empty or out-of-range ones and clips overlaps (the earlier span wins), so each
 * character has at most one shade.
 * @example normalizeSpans('abcdef', [{ start: 2, end: 5, weight: 1 }, { start: 0, end: 3, weight: 2 }])
 * // [{ start: 0, end: 3, weight: 2 }, { start: 3, end: 5, weight: 1 }]
 */
export function normalizeSpans(text: string, spans: WeightedSpan[]): WeightedSpan[] {
	const sorted = spans
		.map((s) => ({ ...s, start: Math.max(0, Math.floor(s.start)), end: Math.min(text.length, Math.floor(s.end)) }))
		.filter((s) => s.end > s.start)
		.sort((a, b) => a.start - b.start || b.end - a.end);
	const out: WeightedSpan[] = [];
	let cursor = 0;
	for (const s of sorted) {
		const start = Math.max(s.start, cursor);
		if (start >= s.end) continue;
		out.push({ ...s, start });
		cursor = s.end;
	}
	return out;
}

/**
 * Renders `<p class="latelab-shaded">` with `<mark>` per span (background = weight, `title` = label and weight).
 * @example shadedText({ text: 'the cat', spans: [{ start: 4, end: 7, weight: 1.2, label: 'cat' }] })
 * // <p>the <mark title="cat: 1.200">cat</mark></p>
 */
export function shadedText(data: ShadedTextData, options: ShadedTextOptions = {}): HTMLElement {
	const doc = resolveDocument(options);
	const limit = options.maxChars ?? 4000;
	const truncated = data.text.length > limit;
	const text = truncated ? data.text.slice(0, limit) : data.text;
	const spans = normalizeSpans(text, data.spans);
	const max = options.maxWeight ?? Math.max(0, ...spans.map((s) => Math.abs(s.weight)));

	const root = doc.createElement(options.tag ?? 'p');
	root.className = 'latelab-shaded';
	let cursor = 0;
	for (const span of spans) {
		if (span.start > cursor) root.append(doc.createTextNode(text.slice(cursor, span.start)));
		const mark = doc.createElement('mark');
		mark.textContent = text.slice(span.start, span.end);
		mark.style.backgroundColor = shadeColor(span.weight, max);
		mark.style.color = 'inherit';
		mark.dataset.weight = String(Math.round(span.weight * 1000) / 1000);
		mark.title = `${span.label ?? mark.textContent}: ${formatScore(span.weight)}`;
		root.append(mark);
		cursor = span.end;
	}
	if (cursor < text.length) root.append(doc.createTextNode(text.slice(cursor)));
	if (truncated) {
		const note = doc.createElement('span');
		note.className = 'latelab-truncated';
		note.textContent = ` … (showing the first ${limit.toLocaleString('en')} of ${data.text.length.toLocaleString('en')} characters)`;
		root.append(note);
	}
	return root;
}
