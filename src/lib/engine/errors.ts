/**
 * Every error the engine raises on purpose, in one table. Callers (CLI, UI, tests) branch on
 * `code`; the wording may change, the codes may not.
 */
export const ERROR_MESSAGES = {
	FILE_NOT_FOUND: 'file not found: {path}',
	NOT_UTF8: 'not valid UTF-8 at byte {offset}',
	MALFORMED_JSON: 'malformed JSON: {detail}',
	MISSING_FIELD: 'missing field "{field}"{detail}',
	BAD_FIELD: 'field "{field}" must be {expected}, got {actual}',
	DUPLICATE_ID: 'duplicate id "{id}" (first seen on line {firstLine})',
	EMPTY_CORPUS: 'no documents found{detail}',
	BAD_QRELS_LINE: 'expected "query-id<TAB>corpus-id<TAB>score" (BEIR) or "qid iter docid rel" (TREC) with an integer grade, got {detail}',
	BAD_CSV: 'CSV problem: {detail}',
	BAD_TREC_RUN: 'expected "qid Q0 docid rank score tag", got {detail}',
	UNKNOWN_FORMAT: 'cannot tell the format of {path}: {detail}',
	UNKNOWN_OPTION: 'unknown {what} "{value}"; expected one of: {expected}',
	BAD_ARGUMENT: '{detail}',
	DIM_MISMATCH: 'dimension mismatch: expected {expected}, got {actual}{detail}',
	NOT_FINITE: 'non-finite value (NaN or Infinity) {detail}',
	MODEL_FILE_MISSING: '{path} lacks {file}{detail}',
	MODEL_LOAD_FAILED: 'could not load model {model}: {detail}',
	NETWORK: 'network failure while fetching {url}: {detail}',
	OFFLINE: 'cannot reach {url}: {detail}',
	BACKEND_UNAVAILABLE: 'MaxSim backend "{backend}" is unavailable: {detail}',
	DEVICE_LOST: 'GPU device lost: {detail}',
	CACHE_CORRUPT: 'cache entry {key} is corrupt: {detail}',
	CACHE_BUDGET: 'does not fit the cache budget: {detail}',
	STORAGE_FULL: 'storage is full: {detail}',
	CANCELLED: 'cancelled{detail}'
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Where in user input a problem sits; `line` is 1-based. */
export interface ErrorLocation {
	file?: string;
	line?: number;
}

export class LatelabError extends Error {
	readonly code: ErrorCode;
	readonly file?: string;
	readonly line?: number;
	/** The values the message was made from (`{ path, file }` of MODEL_FILE_MISSING): callers read these, never the wording. */
	readonly params: Readonly<Record<string, string | number>>;

	constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }, params: Record<string, string | number> = {}) {
		super(message, options);
		this.name = 'LatelabError';
		this.code = code;
		this.file = location.file;
		this.line = location.line;
		this.params = { ...params };
	}
}

/**
 * Builds a `LatelabError` from the code table. The location prefixes the message as
 * `file:line: ` so a one-line CLI report says where the problem is.
 * @example createError('MISSING_FIELD', { field: 'text', detail: '' }, { file: 'c.jsonl', line: 3 }).message
 * // 'c.jsonl:3: missing field "text"'
 */
export function createError(
	code: ErrorCode,
	params: Record<string, string | number> = {},
	location: ErrorLocation = {},
	cause?: unknown
): LatelabError {
	const body = ERROR_MESSAGES[code].replace(/\{(\w+)\}/g, (_, key: string) =>
		key in params ? String(params[key]) : ''
	);
	const where = location.file ? `${location.file}${location.line ? `:${location.line}` : ''}: ` : '';
	return new LatelabError(code, where + body, location, cause === undefined ? undefined : { cause }, params);
}

/** True for errors the engine raised on purpose (user-facing), false for bugs. */
export function isLatelabError(error: unknown): error is LatelabError {
	return error instanceof LatelabError;
}
