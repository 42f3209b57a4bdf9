/**
 * Input checks shared by every MaxSim backend, so all of them reject the same inputs with the same
 * error codes: `DIM_MISMATCH`, `NOT_FINITE`, `BAD_ARGUMENT`.
 */
import { createError } from '../errors';
import type { TokenMatrix } from '../types';

/**
 * Throws unless `matrix` is `rows x dim` with only finite values. `what` names it in the message.
 * @example checkMatrix({ data: Float32Array.of(1, NaN), rows: 1, dim: 2 }, 2, 'query') // throws NOT_FINITE
 */
export function checkMatrix(matrix: TokenMatrix, dim: number, what: string): void {
	checkShape(matrix, dim, what);
	const { rows, data } = matrix;
	const n = rows * dim;
	for (let i = 0; i < n; i++) {
		const v = data[i];
		// v - v is NaN exactly for NaN and +-Infinity
		if (v - v !== 0) {
			throw createError('NOT_FINITE', { detail: `${v} in ${what} at row ${Math.floor(i / dim)}, column ${i % dim}` });
		}
	}
}

/**
 * `checkMatrix` without the pass over the values: for matrices already checked (read back from a store
 * that validated them, decoded by a codec), where that pass would be repeated on every query.
 * @example checkShape({ data: Float32Array.of(1, 2), rows: 1, dim: 3 }, 3, 'doc') // throws BAD_ARGUMENT (2 values)
 */
export function checkShape(matrix: TokenMatrix, dim: number, what: string): void {
	if (matrix.dim !== dim) {
		throw createError('DIM_MISMATCH', { expected: dim, actual: matrix.dim, detail: ` (${what})` });
	}
	const { rows, data } = matrix;
	if (!Number.isInteger(rows) || rows < 0) {
		throw createError('BAD_ARGUMENT', { detail: `${what}: rows must be a non-negative integer, got ${rows}` });
	}
	if (!(data instanceof Float32Array) || data.length < rows * dim) {
		throw createError('BAD_ARGUMENT', {
			detail: `${what}: expected a Float32Array of at least ${rows} x ${dim} = ${rows * dim} values, got ${data?.length}`
		});
	}
}

/** Throws unless `dim` is a positive integer. */
export function checkDim(dim: number): void {
	if (!Number.isInteger(dim) || dim <= 0) {
		throw createError('BAD_ARGUMENT', { detail: `MaxSim dim must be a positive integer, got ${dim}` });
	}
}

/** Throws unless every index of `subset` names a stored document (0 <= i < size, integer). */
export function checkSubset(subset: ArrayLike<number>, size: number): void {
	for (let i = 0; i < subset.length; i++) {
		const index = subset[i];
		if (!Number.isInteger(index) || index < 0 || index >= size) {
			throw createError('BAD_ARGUMENT', { detail: `subset[${i}] = ${index} is not a document index in 0..${size - 1}` });
		}
	}
}

/** Throws unless `k` is a non-negative integer. */
export function checkK(k: number): void {
	if (!Number.isInteger(k) || k < 0) throw createError('BAD_ARGUMENT', { detail: `topK: k must be a non-negative integer, got ${k}` });
}
