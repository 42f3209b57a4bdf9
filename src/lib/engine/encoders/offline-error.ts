/**
 * The error for a `fetch` that got no HTTP response at all (refused, DNS, no network): OFFLINE, with
 * the ways out.
 *
 * @example offlineError('https://huggingface.co/x/resolve/main/config.json', new TypeError('fetch failed')).code // 'OFFLINE'
 */
import { createError, type LatelabError } from '../errors';

/** Maps a failed `fetch` (no HTTP response at all) to OFFLINE, with the fix. */
export function offlineError(url: string, error: unknown): LatelabError {
	const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
	const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
	return createError(
		'OFFLINE',
		{ url, detail: `${reason}. Check the network or the Hub address (HF_ENDPOINT / configureRuntime({ remoteHost })), or load the model from a local folder (see docs/MODELS-GUIDE.md)` },
		{},
		error
	);
}

