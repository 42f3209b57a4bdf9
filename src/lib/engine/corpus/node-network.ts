/**
 * Tells connection failures (offline, DNS, refused) from other fetch errors, for clear messages.
 * Node's fetch (undici) throws `TypeError('fetch failed')` with the system error in `cause`.
 */
const CONNECTION_CODES: Record<string, string> = {
	ENOTFOUND: 'host name not found (offline or no DNS)',
	EAI_AGAIN: 'DNS lookup failed (offline?)',
	ECONNREFUSED: 'connection refused',
	ENETUNREACH: 'network unreachable (offline?)',
	EHOSTUNREACH: 'host unreachable',
	ETIMEDOUT: 'connection timed out',
	UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
	ECONNRESET: 'connection reset'
};

/**
 * A short reason when `error` (or one of its causes) is a connection failure, else undefined.
 * @example connectionFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })) // 'connection refused (ECONNREFUSED)'
 */
export function connectionFailure(error: unknown): string | undefined {
	for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && code in CONNECTION_CODES) return `${CONNECTION_CODES[code]} (${code})`;
		const errors = (e as { errors?: unknown }).errors;
		if (Array.isArray(errors)) {
			for (const inner of errors) {
				const reason = connectionFailure(inner);
				if (reason) return reason;
			}
		}
	}
	return undefined;
}
