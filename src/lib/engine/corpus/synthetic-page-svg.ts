/**
 * Draws one page of the synthetic pages collection as a small SVG: a white sheet divided into a grid of
 * square patches, each blank, holding grey "text" lines or one coloured shape. The drawing is exactly
 * what the patch vectors describe (see `synthetic-pages.ts`), so a patch heatmap over it can be checked
 * by eye. Pure string building: the same bytes in Node, workers and the browser.
 */

/** The colours a shape can have, with the fill used (Okabe–Ito, readable by colour-blind users). */
export const PAGE_COLORS = { red: '#d55e00', blue: '#0072b2', green: '#009e73', yellow: '#f0e442' } as const;
export type PageColor = keyof typeof PAGE_COLORS;
export const PAGE_SHAPES = ['circle', 'square', 'triangle', 'star'] as const;
export type PageShape = (typeof PAGE_SHAPES)[number];

/** What one patch shows. */
export type PatchContent = { kind: 'blank' } | { kind: 'text' } | { kind: 'shape'; color: PageColor; shape: PageShape };

/** Edge of one patch in SVG user units (pixels at 1x). */
export const PATCH_PX = 32;

/** The label of a patch's content, as it appears in `tokens` of documents.jsonl: `red circle`, `text`, `blank`. */
export function patchLabel(content: PatchContent): string {
	return content.kind === 'shape' ? `${content.color} ${content.shape}` : content.kind;
}

/**
 * SVG markup of a page: `rows x cols` patches of `PATCH_PX`, in row-major order as in `patches`, with a
 * small "synthetic" mark in the corner so a thumbnail never passes for a real scan.
 * @example pageSvg([{ kind: 'shape', color: 'red', shape: 'circle' }], [1, 1], 'Page 1')
 * // '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" ...><circle ... fill="#d55e00"/>...</svg>'
 */
export function pageSvg(patches: readonly PatchContent[], [rows, cols]: [number, number], title: string): string {
	const w = cols * PATCH_PX;
	const h = rows * PATCH_PX;
	const parts: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeXml(title)} (synthetic page)">`,
		`<rect width="${w}" height="${h}" fill="#ffffff"/>`
	];
	patches.forEach((content, i) => {
		const x = (i % cols) * PATCH_PX;
		const y = Math.floor(i / cols) * PATCH_PX;
		if (content.kind === 'text') parts.push(textLines(x, y));
		else if (content.kind === 'shape') parts.push(shape(content.shape, x + PATCH_PX / 2, y + PATCH_PX / 2, PAGE_COLORS[content.color]));
	});
	parts.push(`<text x="${w - 2}" y="${h - 2}" font-size="5" font-family="sans-serif" text-anchor="end" fill="#767676">synthetic</text>`, '</svg>');
	return parts.join('');
}

function textLines(x: number, y: number): string {
	// Three ragged grey lines read as "text" at thumbnail size.
	const widths = [24, 20, 14];
	return widths.map((len, k) => `<rect x="${x + 4}" y="${y + 7 + 8 * k}" width="${len}" height="3" fill="#9a9a9a"/>`).join('');
}

function shape(kind: PageShape, cx: number, cy: number, fill: string): string {
	const r = 11;
	switch (kind) {
		case 'circle':
			return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`;
		case 'square':
			return `<rect x="${cx - r + 1}" y="${cy - r + 1}" width="${2 * r - 2}" height="${2 * r - 2}" fill="${fill}"/>`;
		case 'triangle':
			return `<polygon points="${cx},${cy - r} ${cx + r},${cy + r - 2} ${cx - r},${cy + r - 2}" fill="${fill}"/>`;
		case 'star':
			return `<polygon points="${starPoints(cx, cy, r, r * 0.45)}" fill="${fill}"/>`;
	}
}

/** Five-pointed star, points rounded to 0.1 px so the bytes do not depend on float printing. */
function starPoints(cx: number, cy: number, outer: number, inner: number): string {
	const points: string[] = [];
	for (let k = 0; k < 10; k++) {
		const radius = k % 2 === 0 ? outer : inner;
		const angle = -Math.PI / 2 + (k * Math.PI) / 5;
		points.push(`${round1(cx + radius * Math.cos(angle))},${round1(cy + radius * Math.sin(angle))}`);
	}
	return points.join(' ');
}

function round1(v: number): number {
	return Math.round(v * 10) / 10 + 0;
}

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
