/** WASM thread counts, checked once for every scorer that starts workers. */
import { createError } from '../errors';

/** More workers than this only costs memory (each holds a kernel instance) on any machine we run on. */
export const MAX_THREADS = 64;

/**
 * How many WASM threads a scorer asks for: the `threads` option (an integer in 1..MAX_THREADS,
 * `BAD_ARGUMENT` otherwise, so `--opt threads=abc` is not quietly one thread), or by default the
 * logical cores, at most 8.
 * @example requestedThreads(undefined, 2) // 2
 * @example requestedThreads(4, 2) // 4
 */
export function requestedThreads(threads: unknown, hardwareConcurrency: number): number {
	if (threads === undefined) return Math.max(1, Math.min(hardwareConcurrency, 8));
	if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
		throw createError('BAD_ARGUMENT', { detail: `threads must be an integer in 1..${MAX_THREADS} (this machine has ${hardwareConcurrency} logical cores), got ${String(threads)}` });
	}
	return threads;
}
