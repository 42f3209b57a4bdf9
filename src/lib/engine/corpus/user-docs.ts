/**
 * User documents: one file (`.jsonl`, `.txt`, `.csv`) or pasted text, turned into a `Corpus` without
 * queries or qrels. The format comes from the file extension unless `format` says otherwise.
 */
import { createError } from '../errors';
import type { Corpus } from '../types';
import { progressTracker } from './beir';
import { type CsvColumns, readCsvDocs } from './csv-docs';
import { type DocsResult, readJsonlDocs } from './jsonl-docs';
import { type ByteSource, type LoadProgress, stringSource } from './sources';
import { readTextDocs, type TextMode } from './text-docs';
import type { DuplicateIdPolicy } from './validate';

/** Formats of user documents. `jsonl`: `{"_id"|"id", "title"?, "text"}` per line; see the readers for the others. */
export type DocFormat = 'jsonl' | 'txt' | 'csv';

const EXTENSIONS: Record<string, DocFormat> = {
	jsonl: 'jsonl',
	ndjson: 'jsonl',
	txt: 'txt',
	text: 'txt',
	md: 'txt',
	csv: 'csv',
	tsv: 'csv'
};

export interface UserDocsOptions {
	/** File name for messages and the corpus name (extension removed). */
	file: string;
	/** Overrides the extension. */
	format?: DocFormat;
	/** For `txt`: one document per line, per blank-line block, or `auto` (see `text-docs.ts`). */
	textMode?: TextMode;
	/** For `csv`: which columns hold text, id and title. */
	csv?: CsvColumns;
	/** `.jsonl` and `.csv` with ids: repeated ids throw `DUPLICATE_ID` (default) or keep the first and warn. */
	duplicateIds?: DuplicateIdPolicy;
	/** Size of the source in bytes, when known, for `totalBytes` in progress reports. */
	size?: number;
	onProgress?: (progress: LoadProgress) => void;
}

/**
 * The document format implied by a file name. Throws `UNKNOWN_FORMAT` for other extensions.
 * @example formatFromName('notes/Papers.CSV') // 'csv'
 */
export function formatFromName(file: string): DocFormat {
	const base = file.split(/[\\/]/).pop() ?? file;
	const dot = base.lastIndexOf('.');
	const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
	const format = EXTENSIONS[ext];
	if (!format) {
		const known = Object.keys(EXTENSIONS).map((e) => `.${e}`).join(', ');
		throw createError('UNKNOWN_FORMAT', { path: file, detail: `expected one of ${known}; rename the file so its extension says its format` });
	}
	return format;
}

/**
 * Reads user documents from a byte source into a `Corpus` with no queries and no qrels.
 * @example
 * const corpus = await loadUserDocs(stringSource('a first doc\na second doc'), { file: 'notes.txt' });
 * // corpus.name === 'notes', corpus.docs.map((d) => d.id) -> ['doc-1', 'doc-2']
 */
export async function loadUserDocs(source: ByteSource, options: UserDocsOptions): Promise<Corpus> {
	const { file } = options;
	const format = options.format ?? formatFromName(file);
	const track = progressTracker([{ size: options.size }], options.onProgress);
	const input = track.wrap(source);
	let result: DocsResult;
	if (format === 'jsonl') {
		result = await readJsonlDocs(input, { file, idKeys: ['_id', 'id'], generateIds: true, duplicateIds: options.duplicateIds, onDocs: track.docs });
	} else if (format === 'txt') {
		result = await readTextDocs(input, { file, mode: options.textMode, onDocs: track.docs });
	} else if (format === 'csv') {
		// A .tsv file is tab-separated even when its header has one column (so nothing to detect from).
		const delimiter = options.csv?.delimiter ?? (/\.tsv$/i.test(file) ? '\t' : undefined);
		result = await readCsvDocs(input, { file, ...options.csv, delimiter, duplicateIds: options.duplicateIds, onDocs: track.docs });
	} else {
		throw createError('UNKNOWN_OPTION', { what: 'format', value: String(format), expected: 'jsonl, txt, csv' });
	}
	return { name: corpusName(file), docs: result.docs, queries: [], qrels: new Map(), warnings: result.warnings };
}

/**
 * Pasted text, read with the `.txt` rules (one document per line, or per blank-line block in `auto`).
 * @example (await loadPastedText('Para one\nstill one.\n\nPara two.')).docs.length // 2
 */
export function loadPastedText(text: string, options: { mode?: TextMode; name?: string } = {}): Promise<Corpus> {
	return loadUserDocs(stringSource(text), { file: options.name ?? 'pasted text', format: 'txt', textMode: options.mode });
}

/** `dir/My Notes.txt` -> `My Notes`. */
export function corpusName(file: string): string {
	const base = file.split(/[\\/]/).filter(Boolean).pop() ?? file;
	const dot = base.lastIndexOf('.');
	return dot > 0 ? base.slice(0, dot) : base;
}
