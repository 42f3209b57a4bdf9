/**
 * Turns anything thrown inside the worker into an `EngineFailure`: the engine's message (which already
 * says file and line) plus what the user can do about it. Unknown errors are bugs and say so.
 */
import { isLatelabError } from '../engine/errors';
import type { EngineFailure } from './protocol';

const FIXES: Record<string, string> = {
	EMPTY_CORPUS: 'Paste or upload at least one non-empty document.',
	NOT_UTF8: 'Save the file as UTF-8 (most editors offer "Save with encoding") and load it again.',
	MALFORMED_JSON: 'Fix the line named above (each line must be one JSON object), or paste plain text instead.',
	MISSING_FIELD: 'Give every document a "text" field (and "_id" or "id" if you want your own ids).',
	BAD_FIELD: 'Make that field a string in every document.',
	DUPLICATE_ID: 'Give each document a unique id, or drop the id field and let latelab number them.',
	BAD_CSV: 'Check the quoting on the line named above; a CSV needs a header row with a "text" column.',
	UNKNOWN_FORMAT: 'Use a .jsonl, .txt or .csv file (or a BEIR .zip), or paste the text.',
	FILE_NOT_FOUND: 'Choose the file again: the browser may have lost access to it.',
	BAD_ARGUMENT: 'Check the input named in the message.',
	CANCELLED: 'Nothing to fix: the work was cancelled.',
	MODEL_LOAD_FAILED: 'Check the model id or folder in the model bar, then retry.',
	OFFLINE: 'Connect to the network, or choose a model folder on this computer.',
	NETWORK: 'Retry; if it keeps failing, choose a model folder on this computer.',
	BACKEND_UNAVAILABLE: 'Choose another kernel (auto picks one that works).'
};

/** The cause and fix of an error thrown while handling a request. */
export function toFailure(error: unknown): EngineFailure {
	if (isLatelabError(error)) {
		return {
			code: error.code,
			message: error.message,
			fix: FIXES[error.code] ?? 'Check the input named in the message and try again.',
			...(error.file !== undefined ? { file: error.file } : {}),
			...(error.line !== undefined ? { line: error.line } : {})
		};
	}
	const message = error instanceof Error ? error.message : String(error);
	return { code: 'INTERNAL', message, fix: 'This is a bug in latelab: reload the page, and report the message if it happens again.' };
}
