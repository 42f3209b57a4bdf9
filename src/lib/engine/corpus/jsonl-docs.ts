/**
 * JSON Lines readers for documents (`corpus.jsonl` and user `.jsonl`) and queries (`queries.jsonl`).
 * One object per line; blank lines are skipped; unknown keys (BEIR `metadata`, ...) are ignored.
 */
import type { Doc, Query } from '../types';
import { readLines } from './lines';
import type { ByteSource } from './sources';
import { checkDocs, type DuplicateIdPolicy, IdRegistry, parseJsonObject, readId, readString } from './validate';

/** Documents read from one file, with non-fatal findings. */
export interface DocsResult {
	docs: Doc[];
	warnings: string[];
}

export interface JsonlDocsOptions {
	/** File name for error messages. */
	file: string;
	/** Keys tried in order for the id: BEIR uses `['_id']`, user files may also say `id`. */
	idKeys?: readonly string[];
	/** When no id key is present: give `doc-<n>` (n = 1-based document number) instead of failing. */
	generateIds?: boolean;
	/** Repeated ids: throw (default) or keep the first and warn. */
	duplicateIds?: DuplicateIdPolicy;
	/** Called every 1,000 documents and at the end with the running count. */
	onDocs?: (docs: number) => void;
}

/**
 * Reads documents `{"_id", "title"?, "text"}`: `text` is required (it may be empty, e.g. CACM title-only
 * documents), `title` optional. Throws `MALFORMED_JSON`, `MISSING_FIELD`, `BAD_FIELD`, `DUPLICATE_ID`,
 * `NOT_UTF8` (all naming file and line) or `EMPTY_CORPUS`.
 * @example
 * const { docs } = await readJsonlDocs(stringSource('{"_id": 7, "text": "hi"}\n'), { file: 'c.jsonl' });
 * // docs: [{ id: '7', title: '', text: 'hi' }]
 */
export async function readJsonlDocs(source: ByteSource, options: JsonlDocsOptions): Promise<DocsResult> {
	const { file, idKeys = ['_id'], generateIds = false, onDocs } = options;
	const docs: Doc[] = [];
	const ids = new IdRegistry(file, options.duplicateIds);
	for await (const line of readLines(source, { file })) {
		if (line.text.trim() === '') continue;
		const record = parseJsonObject(line, file);
		let id = readId(record, idKeys, file, line.line);
		if (id === undefined) {
			if (!generateIds) readString(record, idKeys[0], true, file, line.line);
			id = `doc-${docs.length + 1}`;
		}
		const text = readString(record, 'text', true, file, line.line);
		const title = readString(record, 'title', false, file, line.line);
		if (!ids.add(id, line.line)) continue;
		docs.push({ id, title, text });
		if (onDocs && docs.length % 1000 === 0) onDocs(docs.length);
	}
	onDocs?.(docs.length);
	return { docs, warnings: [...ids.warnings(), ...checkDocs(docs, file)] };
}

/**
 * Reads queries `{"_id", "text"}` (BEIR `queries.jsonl`); other keys are ignored. An empty file gives
 * no queries (not an error: a corpus may come without them).
 * @example
 * await readJsonlQueries(stringSource('{"_id": "q1", "text": "heart attack"}'), { file: 'queries.jsonl' });
 * // { queries: [{ id: 'q1', text: 'heart attack' }], warnings: [] }
 */
export async function readJsonlQueries(
	source: ByteSource,
	options: { file: string; duplicateIds?: DuplicateIdPolicy }
): Promise<{ queries: Query[]; warnings: string[] }> {
	const { file } = options;
	const queries: Query[] = [];
	const ids = new IdRegistry(file, options.duplicateIds);
	for await (const line of readLines(source, { file })) {
		if (line.text.trim() === '') continue;
		const record = parseJsonObject(line, file);
		const id = readId(record, ['_id'], file, line.line) ?? readString(record, '_id', true, file, line.line);
		const text = readString(record, 'text', true, file, line.line);
		if (ids.add(id, line.line)) queries.push({ id, text });
	}
	return { queries, warnings: ids.warnings() };
}
