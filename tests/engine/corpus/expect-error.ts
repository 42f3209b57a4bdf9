import { expect } from 'vitest';
import { isLatelabError, type ErrorCode, type LatelabError } from '../../../src/lib/engine/errors';

/** Awaits `promise`, fails the test unless it rejects with a LatelabError of `code` (and location), returns it. */
export async function expectError(
	promise: Promise<unknown>,
	code: ErrorCode,
	where: { file?: string; line?: number } = {}
): Promise<LatelabError> {
	let caught: unknown;
	try {
		await promise;
	} catch (error) {
		caught = error;
	}
	expect(caught, `expected a ${code} error, nothing was thrown`).toBeDefined();
	if (!isLatelabError(caught)) throw caught;
	expect(caught.code).toBe(code);
	if ('file' in where) expect(caught.file).toBe(where.file);
	if ('line' in where) expect(caught.line).toBe(where.line);
	return caught;
}
