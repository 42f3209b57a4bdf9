/**
 * How a document moves between rankers. `rankChangeLabel` gives the badge a panel shows next to a
 * result ("▲ 3 vs BM25"); `rankChanges` draws a slope chart across any number of rankings (not just
 * two), one column per panel and a line per document between adjacent columns.
 */
import { select } from 'd3';
import { ACCENT_POSITIVE } from './color';
import { estimateTextWidth, layoutColumnLabels, type ColumnLabelLayout } from './column-labels';
import { createSvg, resolveDocument, round, type VizContext } from './dom';

export type RankDirection = 'up' | 'down' | 'same' | 'new' | 'gone';

/**
 * Compares a document's rank in a reference ranking with its rank here (1-based; undefined = not retrieved).
 * @example rankChangeLabel(5, 2) // { direction: 'up', delta: 3, text: '▲3' }
 * @example rankChangeLabel(undefined, 4) // { direction: 'new', delta: 0, text: 'new' }
 */
export function rankChangeLabel(from: number | undefined, to: number | undefined): { direction: RankDirection; delta: number; text: string } {
	if (from === undefined && to === undefined) return { direction: 'same', delta: 0, text: '' };
	if (from === undefined) return { direction: 'new', delta: 0, text: 'new' };
	if (to === undefined) return { direction: 'gone', delta: 0, text: 'out' };
	const delta = from - to;
	if (delta > 0) return { direction: 'up', delta, text: `▲${delta}` };
	if (delta < 0) return { direction: 'down', delta, text: `▼${-delta}` };
	return { direction: 'same', delta: 0, text: '=' };
}

export interface RankColumn {
	name: string;
	/** Document ids, best first. */
	ids: string[];
}

export interface RankChangesData {
	columns: RankColumn[];
	/** Document to emphasise (linked hover). */
	highlight?: string;
	/** Documents judged relevant: their dots get a ring, so a reader sees where the answers went. */
	relevant?: readonly string[];
}

export interface RankChangesOptions extends VizContext {
	/** Ranks drawn per column. Default 10. */
	k?: number;
	width?: number;
	rowHeight?: number;
	/** Font size of the column names in px. Default 11. */
	labelFontSize?: number;
	/** Called with a document id when its dot or line is hovered or clicked. */
	onHover?: (id: string | undefined) => void;
	/** Name each document right of the last column (its id, as text). Default false. */
	labelDocuments?: boolean;
}

/**
 * Where `rankChanges` puts its columns and their names: columns centred in equal slots of `width`,
 * each name wrapped onto two lines within its slot (8 px apart) and cut with "…" past that.
 * @example rankChangesLayout(['BM25', 'ColBERT two-stage (tiny-colbert-folded)'], 300).labels[1].lines
 * // ['ColBERT two-stage', '(tiny-colbert-…']
 */
export function rankChangesLayout(names: string[], width: number, fontSize = 11): { centers: number[]; slot: number; labels: ColumnLabelLayout[] } {
	const n = Math.max(1, names.length);
	const slot = width / n;
	const centers = names.map((_, c) => (c + 0.5) * slot);
	// Up to four lines: added panels differ at the end of their names ("…, storage binary", "…, pool 2").
	return { centers, slot, labels: layoutColumnLabels(names, centers, slot - 8, { fontSize, top: fontSize + 2, maxLines: RANK_LABEL_LINES }) };
}

/** Lines a column name may take before it is cut with "…". */
export const RANK_LABEL_LINES = 4;

/**
 * Renders the slope chart. Documents that leave the top k drop to an "out" row at the bottom; ranks
 * are numbered left of the first column. Long column names wrap onto up to `RANK_LABEL_LINES` lines
 * and end in "…" with the full name in a `<title>` tooltip.
 * @example rankChanges({ columns: [{ name: 'BM25', ids: ['a', 'b'] }, { name: 'ColBERT', ids: ['b', 'a'] }] })
 * // two columns, two crossing lines
 */
export function rankChanges(data: RankChangesData, options: RankChangesOptions = {}): SVGSVGElement {
	const doc = resolveDocument(options);
	const k = options.k ?? 10;
	const rowH = options.rowHeight ?? 20;
	const n = data.columns.length;
	const relevant = new Set(data.relevant ?? []);
	const lastIds = data.columns[n - 1]?.ids.slice(0, k) ?? [];
	// Document names right of the last column take a margin of their own, so the columns keep their slots.
	const namesWidth = options.labelDocuments ? Math.ceil(Math.max(0, ...lastIds.map((id) => estimateTextWidth(id, 10)))) + 14 : 0;
	const width = (options.width ?? Math.max(240, n * 150)) + namesWidth;
	const fontSize = options.labelFontSize ?? 11;
	const layout = rankChangesLayout(data.columns.map((c) => c.name), width - namesWidth, fontSize);
	const labelBottom = Math.max(0, ...layout.labels.map((l) => l.box.y + l.box.height));
	const top = Math.round(labelBottom) + 10;
	const outY = top + k * rowH + 10;
	// A line for the ring's key under the "not in top k" row when relevant documents are marked.
	const height = outY + 16 + (relevant.size > 0 ? 14 : 0);
	const colX = (c: number) => layout.centers[c];
	const yOf = (rank: number | undefined) => (rank === undefined || rank > k ? outY : top + (rank - 0.5) * rowH);

	const svg = createSvg(doc, width, height);
	svg.setAttribute('class', 'latelab-rank-changes');
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', `Rank changes across ${data.columns.map((c) => c.name).join(', ')}`);
	const s = select(svg);
	const rankMaps = data.columns.map((c) => new Map(c.ids.slice(0, k).map((id, i) => [id, i + 1])));

	const lines = s.append('g').attr('class', 'lines').attr('fill', 'none');
	for (let c = 0; c + 1 < n; c++) {
		const ids = new Set([...rankMaps[c].keys(), ...rankMaps[c + 1].keys()]);
		for (const id of ids) {
			const a = rankMaps[c].get(id);
			const b = rankMaps[c + 1].get(id);
			const line = lines.append('line').attr('class', 'rank-line').attr('data-id', id)
				.attr('x1', round(colX(c))).attr('y1', round(yOf(a))).attr('x2', round(colX(c + 1))).attr('y2', round(yOf(b)));
			line.append('title').text(`${id}: ${a ?? 'out'} → ${b ?? 'out'} (${rankChangeLabel(a, b).text})`);
			if (options.onHover) {
				line.on('mouseenter', () => options.onHover?.(id)).on('mouseleave', () => options.onHover?.(undefined));
			}
		}
	}
	data.columns.forEach((column, c) => {
		const g = s.append('g').attr('class', 'rank-column').attr('data-name', column.name);
		const label = layout.labels[c];
		const text = g.append('text').attr('class', 'column-name').attr('x', round(colX(c))).attr('y', round(label.box.y + fontSize))
			.attr('text-anchor', 'middle').attr('font-weight', 600).attr('font-size', fontSize);
		text.append('title').text(column.name);
		label.lines.forEach((line, i) => {
			text.append('tspan').attr('x', round(colX(c))).attr('dy', i === 0 ? 0 : Math.round(fontSize * 1.2)).text(line);
		});
		if (label.truncated) text.attr('data-truncated', 'true');
		column.ids.slice(0, k).forEach((id, i) => {
			if (relevant.has(id)) {
				g.append('circle').attr('class', 'relevant-ring').attr('data-id', id).attr('cx', round(colX(c))).attr('cy', round(yOf(i + 1)))
					.attr('r', 6.5).attr('fill', 'none').attr('stroke', 'currentColor').attr('stroke-width', 1.5).attr('pointer-events', 'none');
			}
			const dot = g.append('circle').attr('class', 'rank-dot').attr('data-id', id)
				.attr('cx', round(colX(c))).attr('cy', round(yOf(i + 1)));
			dot.append('title').text(`${column.name} #${i + 1}: ${id}${relevant.has(id) ? ' (relevant)' : ''}`);
			// A dot is what the pointer finds first: it links to the panels as a line does.
			if (options.onHover) dot.on('mouseenter', () => options.onHover?.(id)).on('mouseleave', () => options.onHover?.(undefined));
		});
		g.append('text').attr('class', 'out-label').attr('x', round(colX(c))).attr('y', outY + 14)
			.attr('text-anchor', 'middle').attr('font-size', 10).attr('opacity', 0.6).text(`not in top ${k}`);
	});
	if (options.labelDocuments && n > 0) {
		const names = s.append('g').attr('class', 'doc-names').attr('font-size', 10);
		lastIds.forEach((id, i) => {
			names.append('text').attr('class', relevant.has(id) ? 'doc-name relevant' : 'doc-name').attr('data-id', id)
				.attr('x', round(colX(n - 1) + 10)).attr('y', round(yOf(i + 1) + 3.5)).attr('font-weight', relevant.has(id) ? 600 : 400).text(id);
		});
	}
	if (relevant.size > 0) {
		s.append('text').attr('class', 'relevant-key').attr('x', 4).attr('y', height - 4).attr('font-size', 10).attr('opacity', 0.7).text('○ ringed: judged relevant');
	}
	const axis = s.append('g').attr('class', 'rank-axis').attr('aria-hidden', 'true').attr('font-size', 10).attr('opacity', 0.6);
	for (let rank = 1; rank <= k; rank++) {
		axis.append('text').attr('x', round(colX(0) - 12)).attr('y', round(yOf(rank) + 3.5)).attr('text-anchor', 'end').text(String(rank));
	}
	highlightRank(svg, data.highlight);
	return svg;
}

/**
 * Emphasises one document's dots and lines in a chart from `rankChanges`, in place, so linked hover
 * does not rebuild the chart under the pointer. `undefined` clears the emphasis.
 * @example highlightRank(svg, 'd3') // d3's lines: orange, 3 px; everything else: faint
 */
export function highlightRank(svg: SVGSVGElement, id: string | undefined): void {
	for (const el of svg.querySelectorAll<SVGElement>('line.rank-line, circle.rank-dot')) {
		const hot = id !== undefined && el.dataset.id === id;
		el.classList.toggle('highlight', hot);
		if (el.tagName.toLowerCase() === 'line') {
			el.setAttribute('stroke', hot ? ACCENT_POSITIVE : 'currentColor');
			el.setAttribute('stroke-width', hot ? '3' : '1');
			el.setAttribute('opacity', hot ? '1' : '0.35');
		} else {
			el.setAttribute('r', hot ? '5' : '3.5');
			el.setAttribute('fill', hot ? ACCENT_POSITIVE : 'currentColor');
		}
	}
}
