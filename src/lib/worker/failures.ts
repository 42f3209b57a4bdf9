/**
 * Turns anything thrown inside the worker into an `EngineFailure`: the engine's message (which already
 * says file and line) plus what the user can do about it. One table of fixes, keyed by error code; a
 * fix may read the error's `params` (the file a model lacks, the address that failed) and what the
 * request was about (`FailureContext`: the Hub, the dtype asked for). Unknown errors are bugs and say so.
 */
import { isLatelabError } from '../engine/errors';
import type { EngineFailure } from './protocol';

/** What the failing request was about, for fixes that name it. */
export interface FailureContext {
	/** The Hub address models are fetched from (`https://huggingface.co/`). */
	hub?: string;
	/** The dtype a model load asked for. */
	dtype?: string;
}

type Params = Readonly<Record<string, string | number>>;
type Fix = string | ((params: Params, context: FailureContext) => string);

/** The host part of a Hub address. @example hubHost('https://huggingface.co/') // 'huggingface.co' */
function hubHost(context: FailureContext): string {
	return (context.hub ?? 'https://huggingface.co/').replace(/^https?:\/\//, '').replace(/\/$/, '');
}

const LOCAL_FOLDER =
	'In the browser a folder is a URL path served by this app: copy the model in Hub layout (config.json, tokenizer.json, tokenizer_config.json, ' +
	'onnx/model_quantized.onnx or onnx/model.onnx for fp32) into static/models/<name>/, rebuild or restart the server, and enter /models/<name> as the model.';

const FIXES: Record<string, Fix> = {
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
	MODEL_FILE_MISSING: ({ file, path }, { dtype }) => {
		const name = String(file ?? '');
		// No config.json: nothing is at that id (a typo, a private repo) or that folder is not a model; the dtype is not the cause.
		if (name === 'config.json') {
			return String(path ?? '').startsWith('Hub repo')
				? 'No model answers at this id and revision: check its spelling (owner/name, as on the Hub) and the revision, or use a local model folder.'
				: `This folder is not a model folder (it has no config.json). ${LOCAL_FOLDER}`;
		}
		// The repo was found (config.json came) but a tokenizer or settings file is missing: the dtype is not the cause.
		if (name && !name.startsWith('onnx/')) {
			return `This model has no ${name}. Use a model exported for transformers.js (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) or add ${name} to its folder.`;
		}
		return `Check the model id and revision, or pick a dtype this model has (fp32 is onnx/model.onnx, q8 is onnx/model_quantized.onnx${dtype ? `; you asked for ${dtype}` : ''}).`;
	},
	OFFLINE: (_, context) => `Cannot reach ${hubHost(context)} — connect, or use a local model folder. ${LOCAL_FOLDER}`,
	NETWORK: 'Retry; if it keeps failing, choose a model folder on this computer.',
	BACKEND_UNAVAILABLE: 'Choose another kernel (auto picks one that works).',
	STORAGE_FULL: 'Free space under “Hub and caches” (clear encoded corpora or model downloads you no longer need), then prepare the panel again: the batches already encoded are kept and reused.'
};

/** A browser's words for a fetch that never reached the server (Chromium, Firefox, Safari). */
const FETCH_FAILED = /failed to fetch|networkerror|load failed/i;

/**
 * The cause and fix of an error thrown while handling a request.
 * @example toFailure(createError('OFFLINE', { url: 'https://huggingface.co/x', detail: '' }), { hub: 'https://huggingface.co/' }).message // 'Cannot reach huggingface.co (fetching https://huggingface.co/x failed)'
 */
export function toFailure(error: unknown, context: FailureContext = {}): EngineFailure {
	if (isLatelabError(error)) {
		const fix = FIXES[error.code] ?? 'Check the input named in the message and try again.';
		const failure: EngineFailure = {
			code: error.code,
			message: error.message,
			fix: typeof fix === 'function' ? fix(error.params, context) : fix,
			...(error.file !== undefined ? { file: error.file } : {}),
			...(error.line !== undefined ? { line: error.line } : {})
		};
		return error.code === 'OFFLINE' ? { ...failure, message: offlineMessage(context, error.params.url) } : failure;
	}
	const message = error instanceof Error ? error.message : String(error);
	// A fetch the runtime made itself (not through our loaders) failed before any answer: the network, not a bug.
	if (FETCH_FAILED.test(message)) return { code: 'OFFLINE', message: offlineMessage(context, undefined), fix: (FIXES.OFFLINE as Exclude<Fix, string>)({}, context) };
	return { code: 'INTERNAL', message, fix: 'This is a bug in latelab: reload the page, and report the message if it happens again.' };
}

function offlineMessage(context: FailureContext, url: string | number | undefined): string {
	return `Cannot reach ${hubHost(context)}${url ? ` (fetching ${url} failed)` : ''}`;
}
