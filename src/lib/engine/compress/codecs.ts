/**
 * Document storage formats of late interaction (issue 10): what one stored token vector costs and
 * the codecs of the formats that change the numbers. `fp16` (`codecs-fp16.ts`), `int8`
 * (`codecs-int8.ts`) and `binary` (`codecs-binary.ts`) live here; `residual` (ColBERTv2 / PLAID
 * centroids plus quantised residuals) lives in `residual.ts`, only its size is computed here.
 */
import { createError } from '../errors';

export { decodeFp16, encodeFp16, fromHalfBits, toHalfBits } from './codecs-fp16';
export { checkInt8, decodeInt8, encodeInt8, maxSimInt8, type Int8Matrix } from './codecs-int8';
export { checkBinary, encodeBinary, maxSimBinary, popcount32, wordsPerRow, type BinaryMatrix } from './codecs-binary';

/** How document vectors are stored. */
export type StorageFormat = 'fp32' | 'fp16' | 'int8' | 'binary' | 'residual';

/** Every storage format, the default (`fp32`) first. */
export const STORAGE_FORMATS: readonly StorageFormat[] = ['fp32', 'fp16', 'int8', 'binary', 'residual'];

/**
 * Bytes of one stored vector: fp32 `4 dim`, fp16 `2 dim`, int8 `dim + 4` (codes + float32 scale),
 * binary `ceil(dim / 8)`, residual `ceil(dim bits / 8) + 4` (codes + int32 centroid id, as ColBERTv2
 * stores it; the shared centroid table is not included). `bits` (1 or 2) is required for `residual`
 * and ignored otherwise. Throws `UNKNOWN_OPTION` for an unknown format, `BAD_ARGUMENT` for a bad dim or bits.
 * @example bytesPerVector('int8', 96) // 100
 * @example bytesPerVector('binary', 100) // 13
 * @example bytesPerVector('residual', 96, 2) // 28
 */
export function bytesPerVector(format: StorageFormat, dim: number, bits?: 1 | 2): number {
	if (!Number.isInteger(dim) || dim <= 0) throw createError('BAD_ARGUMENT', { detail: `bytesPerVector: dim must be a positive integer, got ${dim}` });
	switch (format) {
		case 'fp32':
			return 4 * dim;
		case 'fp16':
			return 2 * dim;
		case 'int8':
			return dim + 4;
		case 'binary':
			return Math.ceil(dim / 8);
		case 'residual':
			if (bits !== 1 && bits !== 2) throw createError('BAD_ARGUMENT', { detail: `bytesPerVector('residual'): bits must be 1 or 2, got ${bits}` });
			return Math.ceil((dim * bits) / 8) + 4;
		default:
			throw createError('UNKNOWN_OPTION', { what: 'storage format', value: String(format), expected: STORAGE_FORMATS.join(', ') });
	}
}
