/**
 * CSV documents (papaparse does the field parsing). The first record is the header. The text column
 * is the one given, else the first header named `text`, `body` or `content` (case-insensitive); the id
 * column is given or `_id`/`id`/`doc_id`/`docid`; the title column is given or `title`. Without an id
 * column, ids are `doc-<n>` (n = 1-based row number, header excluded).
 *
 * Streaming: lines arrive from `readLines`; a tiny quote tracker joins lines that sit inside a quoted
 * field, so each record (one or more lines) is parsed on its own and errors name its first line.
 * The delimiter (`,` `;` tab `|` ...) is detected from the header by papaparse unless given.
 */
import Papa from 'papaparse';
import { createError } from '../errors';
import type { Doc } from '../types';
import type { DocsResult } from './jsonl-docs';
import { readLines } from './lines';
import type { ByteSource } from './sources';
import { checkDocs, type DuplicateIdPolicy, IdRegistry } from './validate';

/** Column choices for CSV documents; names are matched exactly, then case-insensitively. */
export interface CsvColumns {
	textColumn?: string;
	idColumn?: string;
	titleColumn?: string;
	/** Field delimiter; default: detected from the header (`,` `;` tab `|` ...), `,` for a one-column header. */
	delimiter?: string;
}

export interface CsvDocsOptions extends CsvColumns {
	file: string;
	duplicateIds?: DuplicateIdPolicy;
	onDocs?: (docs: number) => void;
}

const TEXT_NAMES = ['text', 'body', 'content'];
const ID_NAMES = ['_id', 'id', 'doc_id', 'docid'];
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * Reads CSV documents. Throws `BAD_CSV` (no text column: the message lists the columns found; a row
 * with the wrong number of fields; an unclosed quote), `DUPLICATE_ID`, `EMPTY_CORPUS`, `NOT_UTF8`.
 * @example
 * const { docs } = await readCsvDocs(stringSource('id,body\n7,"hello, world"\n'), { file: 'docs.csv' });
 * // [{ id: '7', title: '', text: 'hello, world' }]
 */
export async function readCsvDocs(source: ByteSource, options: CsvDocsOptions): Promise<DocsResult> {
	const { file, onDocs } = options;
	const docs: Doc[] = [];
	const ids = new IdRegistry(file, options.duplicateIds);
	let header: string[] | null = null;
	let delimiter = ',';
	let columns = { text: -1, id: -1, title: -1 };
	let record: string[] = [];
	let recordLine = 0;
	let recordChars = 0;
	let inQuotes = false;

	const handle = (text: string, line: number) => {
		const parsed = Papa.parse<string[]>(text, header || options.delimiter ? { delimiter: header ? delimiter : options.delimiter } : {});
		const errors = parsed.errors.filter((e) => e.code !== 'UndetectableDelimiter');
		if (errors.length > 0) throw createError('BAD_CSV', { detail: errors[0].message }, { file, line });
		if (!header) {
			header = parsed.data[0].map((h) => h.trim());
			delimiter = parsed.meta.delimiter;
			columns = pickColumns(header, options, file);
			return;
		}
		for (const [i, row] of parsed.data.entries()) {
			const at = line + i;
			if (row.length !== header.length) {
				throw createError('BAD_CSV', { detail: `this row has ${row.length} fields, the header has ${header.length}` }, { file, line: at });
			}
			const given = columns.id >= 0 ? row[columns.id].trim() : '';
			if (columns.id >= 0 && given === '') {
				throw createError('MISSING_FIELD', { field: header[columns.id], detail: ' (empty id)' }, { file, line: at });
			}
			const id = columns.id >= 0 ? given : `doc-${docs.length + 1}`;
			if (!ids.add(id, at)) continue;
			docs.push({ id, title: columns.title >= 0 ? row[columns.title] : '', text: row[columns.text] });
			if (onDocs && docs.length % 1000 === 0) onDocs(docs.length);
		}
	};

	for await (const { text, line } of readLines(source, { file })) {
		if (record.length === 0) {
			if (text.trim() === '') continue;
			recordLine = line;
		}
		record.push(text);
		recordChars += text.length;
		inQuotes = endsInsideQuotes(text, header ? delimiter : (options.delimiter ?? ','), inQuotes);
		if (inQuotes && recordChars > MAX_RECORD_CHARS) {
			throw createError('BAD_CSV', { detail: `a quoted field opened here is still open after ${MAX_RECORD_CHARS} characters` }, { file, line: recordLine });
		}
		if (!inQuotes) {
			handle(record.join('\n'), recordLine);
			record = [];
			recordChars = 0;
		}
	}
	if (record.length > 0) handle(record.join('\n'), recordLine);
	if (!header) throw createError('EMPTY_CORPUS', { detail: ` in ${file} (not even a header line)` }, { file });
	onDocs?.(docs.length);
	return { docs, warnings: [...ids.warnings(), ...checkDocs(docs, file)] };
}

/**
 * Whether a line ends inside a quoted field, given whether it started inside one. A quote opens a
 * field only at the field's start (as papaparse reads it); `""` inside quotes is an escaped quote.
 * @example endsInsideQuotes('1,"two', ',', false) // true
 */
export function endsInsideQuotes(line: string, delimiter: string, startInside: boolean): boolean {
	let inside = startInside;
	let fieldStart = !startInside;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (inside) {
			if (c === '"') {
				if (line[i + 1] === '"') i++;
				else inside = false;
			}
		} else if (fieldStart && c === '"') {
			inside = true;
			fieldStart = false;
			continue;
		}
		if (!inside) fieldStart = line.startsWith(delimiter, i);
	}
	return inside;
}

/** Resolves column indexes; throws `BAD_CSV` listing the header when the text (or a given) column is absent. */
function pickColumns(header: string[], options: CsvColumns, file: string): { text: number; id: number; title: number } {
	const found = header.map((h) => JSON.stringify(h)).join(', ');
	const find = (given: string | undefined, defaults: string[], role: string, required: boolean): number => {
		const wanted = given !== undefined ? [given] : defaults;
		for (const name of wanted) {
			const exact = header.indexOf(name);
			if (exact >= 0) return exact;
			const loose = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
			if (loose >= 0) return loose;
		}
		if (given !== undefined || required) {
			const expected = given !== undefined ? `"${given}"` : defaults.map((d) => `"${d}"`).join(' or ');
			throw createError('BAD_CSV', { detail: `no ${role} column ${expected}; columns found: ${found}` }, { file, line: 1 });
		}
		return -1;
	};
	return {
		text: find(options.textColumn, TEXT_NAMES, 'text', true),
		id: find(options.idColumn, ID_NAMES, 'id', false),
		title: find(options.titleColumn, ['title'], 'title', false)
	};
}
