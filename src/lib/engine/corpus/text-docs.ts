/**
 * Plain-text documents (`.txt` files and pasted text): one document per line, or one per block of
 * lines separated by blank lines.
 *
 * The rule for `mode: 'auto'` (the default): **blocks** when the text has at least one blank line
 * *and* at least one block of two or more consecutive non-blank lines (i.e. multi-line paragraphs
 * separated by blank lines); otherwise **lines**. So a list of one-line documents stays one document
 * per line whether or not blank lines separate them, and wrapped paragraphs stay whole.
 * Force either reading with `mode: 'lines'` or `mode: 'blocks'`.
 *
 * Lines are trimmed; whitespace-only lines count as blank and never become documents. In blocks
 * mode a document's text is its trimmed lines joined with `\n`. Ids are `doc-1`, `doc-2`, ... in file
 * order; titles are empty.
 */
import type { Doc } from '../types';
import type { DocsResult } from './jsonl-docs';
import { readLines } from './lines';
import type { ByteSource } from './sources';
import { checkDocs } from './validate';

/** How plain text is cut into documents; see the module comment for the `auto` rule. */
export type TextMode = 'auto' | 'lines' | 'blocks';

export interface TextDocsOptions {
	file: string;
	mode?: TextMode;
	onDocs?: (docs: number) => void;
}

/** Which reading `auto` picks, given the blocks (runs of non-blank lines) and whether a blank line separates two of them. */
export function detectTextMode(blocks: ReadonlyArray<readonly string[]>, hasBlankLine: boolean): 'lines' | 'blocks' {
	return hasBlankLine && blocks.some((b) => b.length > 1) ? 'blocks' : 'lines';
}

/**
 * Reads plain-text documents. Throws `EMPTY_CORPUS` when there is no non-blank line, `NOT_UTF8` on bad bytes.
 * @example
 * const { docs } = await readTextDocs(stringSource('Para one\ncontinues.\n\nPara two.'), { file: 'notes.txt' });
 * // auto -> blocks: [{ id: 'doc-1', title: '', text: 'Para one\ncontinues.' }, { id: 'doc-2', title: '', text: 'Para two.' }]
 */
export async function readTextDocs(source: ByteSource, options: TextDocsOptions): Promise<DocsResult> {
	const { file, mode = 'auto', onDocs } = options;
	const blocks: string[][] = [];
	let current: string[] | null = null;
	/** Only blank lines *between* blocks matter: leading and trailing ones say nothing about the layout. */
	let hasBlankLine = false;
	for await (const { text } of readLines(source, { file })) {
		const trimmed = text.trim();
		if (trimmed === '') {
			current = null;
			continue;
		}
		if (!current) {
			if (blocks.length > 0) hasBlankLine = true;
			blocks.push((current = []));
		}
		current.push(trimmed);
	}
	const chosen = mode === 'auto' ? detectTextMode(blocks, hasBlankLine) : mode;
	const texts = chosen === 'blocks' ? blocks.map((b) => b.join('\n')) : blocks.flat();
	const docs: Doc[] = texts.map((text, i) => ({ id: `doc-${i + 1}`, title: '', text }));
	onDocs?.(docs.length);
	return { docs, warnings: checkDocs(docs, file) };
}
