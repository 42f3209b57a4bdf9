/**
 * Column labels that fit their column: a name wraps onto at most `maxLines` lines at word boundaries
 * and the last line ends in "…" when the rest does not fit. Widths are estimated from the characters
 * (no layout engine needed, so the same boxes come out in jsdom, tslab and the browser); the estimate
 * errs wide so real text stays inside its box.
 */

export interface ColumnLabelLayout {
	/** The full name (for the `<title>` tooltip). */
	name: string;
	/** The lines drawn, top first; the last may end in "…". */
	lines: string[];
	/** Whether some of the name is not shown. */
	truncated: boolean;
	/** Estimated box of the drawn lines, centred on the column: x is the left edge. */
	box: { x: number; y: number; width: number; height: number };
}

export interface ColumnLabelOptions {
	/** Font size in px. Default 11. */
	fontSize?: number;
	/** Line height in px. Default 1.2 × fontSize. */
	lineHeight?: number;
	/** Lines per label. Default 2. */
	maxLines?: number;
	/** Baseline of the first line. Default `fontSize`. */
	top?: number;
}

const ELLIPSIS = '…';

/**
 * Estimated width of `text` in px at `fontSize` in a proportional sans-serif (generous: wide letters
 * and capitals count more, thin ones less).
 * @example estimateTextWidth('BM25', 10) // ≈ 25
 */
export function estimateTextWidth(text: string, fontSize: number): number {
	let em = 0;
	for (const ch of text) {
		if (/[iljtfr.,:;'|!()[\]\s]/.test(ch)) em += 0.34;
		else if (/[mwMW@]/.test(ch)) em += 0.9;
		else if (/[A-Z]/.test(ch)) em += 0.7;
		else if (/[0-9]/.test(ch)) em += 0.58;
		else em += 0.58;
	}
	return em * fontSize;
}

/** The longest prefix of `text` that fits `maxWidth` with "…" appended. */
function ellipsize(text: string, maxWidth: number, fontSize: number): string {
	let chars = [...text];
	while (chars.length && estimateTextWidth(chars.join('').trimEnd() + ELLIPSIS, fontSize) > maxWidth) chars = chars.slice(0, -1);
	return chars.join('').trimEnd() + ELLIPSIS;
}

/**
 * Splits `name` into at most `maxLines` lines no wider than `maxWidth`: whole words where they fit,
 * a word longer than a line is cut, and what is left after the last line is replaced by "…".
 * @example wrapLabel('ColBERT two-stage (tiny-colbert-folded)', 150, 11)
 * // { lines: ['ColBERT two-stage', '(tiny-colbert-folded)'], truncated: false }
 */
export function wrapLabel(name: string, maxWidth: number, fontSize = 11, maxLines = 2): { lines: string[]; truncated: boolean } {
	const words = name.trim().split(/\s+/).filter(Boolean);
	const fits = (s: string) => estimateTextWidth(s, fontSize) <= maxWidth;
	const lines: string[] = [];
	let i = 0;
	while (i < words.length && lines.length < maxLines) {
		let line = words[i];
		if (!fits(line)) {
			// A single word wider than the line: cut it here (the last line gets "…" below).
			if (lines.length + 1 === maxLines) break;
			let cut = [...line];
			while (cut.length > 1 && !fits(cut.join(''))) cut = cut.slice(0, -1);
			lines.push(cut.join(''));
			words[i] = line.slice(cut.join('').length);
			continue;
		}
		i++;
		while (i < words.length && fits(`${line} ${words[i]}`)) line += ` ${words[i++]}`;
		lines.push(line);
	}
	if (i >= words.length) return { lines, truncated: false };
	const rest = [...(lines.length === maxLines ? [lines.pop()!] : []), ...words.slice(i)].join(' ');
	lines.push(ellipsize(rest, maxWidth, fontSize));
	return { lines, truncated: true };
}

/**
 * Lays out one label per column centred on `centers[c]`, each within `maxWidth` px.
 * @example layoutColumnLabels(['BM25', 'ColBERT'], [75, 225], 142)[1].lines // ['ColBERT']
 */
export function layoutColumnLabels(names: string[], centers: number[], maxWidth: number, options: ColumnLabelOptions = {}): ColumnLabelLayout[] {
	const fontSize = options.fontSize ?? 11;
	const lineHeight = options.lineHeight ?? Math.round(fontSize * 1.2);
	const top = options.top ?? fontSize;
	return names.map((name, c) => {
		const { lines, truncated } = wrapLabel(name, Math.max(maxWidth, fontSize), fontSize, options.maxLines ?? 2);
		const width = Math.max(0, ...lines.map((l) => estimateTextWidth(l, fontSize)));
		return {
			name,
			lines,
			truncated,
			box: { x: centers[c] - width / 2, y: top - fontSize, width, height: fontSize + (lines.length - 1) * lineHeight + Math.round(fontSize * 0.25) }
		};
	});
}
