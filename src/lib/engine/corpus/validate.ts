/**
 * Field-level validation shared by every corpus reader: one JSON object per line, ids as strings,
 * typed fields, duplicate ids reported with both lines. Errors carry `{ file, line }`.
 */
import { createError } from '../errors';
import type { Doc } from '../types';
import type { Line } from './lines';

/** A parsed JSON Lines record: the object and the line it came from. */
export type JsonRecord = Record<string, unknown>;

/**
 * `JSON.parse`'s complaint about one line, with the place given as a character of that line: V8 adds
 * "(line 1 column 28)", which reads as a contradiction beside the file's own line number.
 * @example jsonProblem('Unterminated string in JSON at position 27 (line 1 column 28)') // 'Unterminated string in JSON at character 28 of the line'
 */
export function jsonProblem(message: string): string {
	return message.replace(/ \(line \d+ column \d+\)$/, '').replace(/at position (\d+)/, (_, at: string) => `at character ${Number(at) + 1} of the line`);
}

/**
 * Parses one JSONL line that must hold a JSON object. Throws `MALFORMED_JSON` naming the line.
 * @example parseJsonObject({ text: '{"_id": 1}', line: 4 }, 'c.jsonl') // { _id: 1 }
 */
export function parseJsonObject(line: Line, file: string): JsonRecord {
	let value: unknown;
	try {
		value = JSON.parse(line.text);
	} catch (cause) {
		const detail = jsonProblem(cause instanceof Error ? cause.message : String(cause));
		throw createError('MALFORMED_JSON', { detail }, { file, line: line.line }, cause);
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		const actual = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
		throw createError('MALFORMED_JSON', { detail: `expected one JSON object per line, got ${actual}` }, { file, line: line.line });
	}
	return value as JsonRecord;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'string' ? `a string` : `a ${typeof value}`;
}

/**
 * Reads an id from the first present key of `keys`. BEIR ids are strings, but some files write them as
 * JSON numbers: those are accepted and stringified (`12` -> `"12"`). Returns undefined when no key is
 * present; throws `BAD_FIELD` for other types or an empty string.
 * @example readId({ _id: 12 }, ['_id'], 'c.jsonl', 1) // '12'
 */
export function readId(record: JsonRecord, keys: readonly string[], file: string, line: number): string | undefined {
	for (const key of keys) {
		if (!(key in record)) continue;
		const value = record[key];
		if (typeof value === 'string' && value !== '') return value;
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
		const actual = value === '' ? 'an empty string' : describe(value);
		throw createError('BAD_FIELD', { field: key, expected: 'a non-empty string or number', actual }, { file, line });
	}
	return undefined;
}

/**
 * Reads a string field. A missing or `null` optional field gives `''`; a missing required field throws
 * `MISSING_FIELD`; any other non-string throws `BAD_FIELD`.
 * @example readString({ title: null }, 'title', false, 'c.jsonl', 2) // ''
 */
export function readString(record: JsonRecord, key: string, required: boolean, file: string, line: number): string {
	const value = record[key];
	if (typeof value === 'string') return value;
	if (value === undefined || (value === null && !required)) {
		if (!required) return '';
		const present = Object.keys(record).slice(0, 8).join(', ');
		throw createError('MISSING_FIELD', { field: key, detail: ` (fields present: ${present || 'none'})` }, { file, line });
	}
	throw createError('BAD_FIELD', { field: key, expected: 'a string', actual: describe(value) }, { file, line });
}

/**
 * What to do when an id repeats: `error` (default) throws `DUPLICATE_ID` naming both lines;
 * `keep-first` keeps the first record, skips the repeat and reports it in the warnings. (The CACM
 * copy in `../shared/data` has one such defect: id "28" on lines 28 and 2856.)
 */
export type DuplicateIdPolicy = 'error' | 'keep-first';

/**
 * Remembers ids and the line each was first seen on, and applies the duplicate policy.
 * @example const ids = new IdRegistry('c.jsonl'); ids.add('a', 1); ids.add('a', 5); // throws: c.jsonl:5 ... line 1
 */
export class IdRegistry {
	private readonly firstLine = new Map<string, number>();
	private skipped = 0;
	private example = '';

	constructor(
		private readonly file: string,
		private readonly policy: DuplicateIdPolicy = 'error'
	) {}

	/** True when the id is new (keep the record), false when it repeats under `keep-first` (skip it). */
	add(id: string, line: number): boolean {
		const first = this.firstLine.get(id);
		if (first === undefined) {
			this.firstLine.set(id, line);
			return true;
		}
		if (this.policy === 'error') throw createError('DUPLICATE_ID', { id, firstLine: first }, { file: this.file, line });
		if (this.skipped === 0) this.example = `"${id}" on lines ${first} and ${line}`;
		this.skipped++;
		return false;
	}

	/** One warning summarising skipped repeats, or none. */
	warnings(): string[] {
		if (this.skipped === 0) return [];
		return [`${this.file}: ${this.skipped} record(s) with an id seen before were skipped, the first kept (e.g. ${this.example})`];
	}
}

/**
 * Final checks on a list of documents: throws `EMPTY_CORPUS` when there are none and returns warnings
 * (documents with neither title nor text are kept, so qrels can still name them, but reported).
 * @example checkDocs([{ id: 'a', title: '', text: '' }], 'c.jsonl') // ['c.jsonl: 1 document has neither title nor text (e.g. "a")']
 */
export function checkDocs(docs: readonly Doc[], file: string): string[] {
	if (docs.length === 0) throw createError('EMPTY_CORPUS', { detail: ` in ${file}` }, { file });
	let blank = 0;
	let example = '';
	for (const doc of docs) {
		if (doc.title.trim() === '' && doc.text.trim() === '') {
			if (blank === 0) example = doc.id;
			blank++;
		}
	}
	if (blank === 0) return [];
	const noun = blank === 1 ? 'document has' : 'documents have';
	return [`${file}: ${blank} ${noun} neither title nor text (e.g. "${example}")`];
}
