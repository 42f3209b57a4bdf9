/**
 * Cases of the compressed storage formats: every case of `maxsim.jsonc` plus `storage.jsonc`, with
 * expected scores from the references of `src/lib/engine/compress/codecs.ts` (`maxSimInt8` on the
 * int8-encoded doc, `maxSimBinary` on both binarised, `maxSim` on the fp16-decoded doc) instead of
 * the f32 `maxSim` on the doc as given. Pure TypeScript
 * (no fs): pass the files' text in.
 * @example
 * const { cases } = parseStorageCases([maxsimText, storageText], 'binary');
 * cases[0].expected // Float64Array [1] (q = [[1,0],[0,1]], d = [[0.6,0.8],[1,0]]: bits 11 and 10, distances 1 and 0, 0 + 1)
 */
import { decodeFp16, decodeInt8, encodeBinary, encodeFp16, encodeInt8, maxSimBinary, maxSimInt8 } from '../../src/lib/engine/compress/codecs';
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import { expandCases, magnitudeOf, type MaxSimCases } from './maxsim-cases';

/**
 * Binary scores are sums of `1 - 2 h / dim` with integer h: backends may differ only by float
 * rounding, so they are held to this relative tolerance of the bound `query rows`.
 */
export const BINARY_RELATIVE_TOLERANCE = 1e-6;

/**
 * Expands the cases of every text and computes, per doc, the expected score in `format` and the
 * magnitude that scales the tolerance: for int8 the Cauchy-Schwarz bound with the decoded doc, for
 * binary the number of query rows (each token similarity is in [-1, 1]), for fp16 the bound with the
 * decoded doc. `relativeTolerance` is the first file's for int8 and fp16, `BINARY_RELATIVE_TOLERANCE`
 * for binary.
 */
export function parseStorageCases(texts: string[], format: 'int8' | 'binary' | 'fp16'): MaxSimCases {
	const files = texts.map(expandCases);
	const cases = files.flatMap((f) => f.cases);
	for (const c of cases) {
		if (c.expectError) continue;
		if (format === 'binary') {
			const q = encodeBinary(c.query);
			c.expected = Float64Array.from(c.docs, (doc) => maxSimBinary(q, encodeBinary(doc)));
			c.magnitude = Float64Array.from(c.docs, () => c.query.rows);
		} else if (format === 'fp16') {
			const decoded = c.docs.map((doc) => ({ data: decodeFp16(encodeFp16(doc.data.subarray(0, doc.rows * doc.dim))), rows: doc.rows, dim: doc.dim }));
			c.expected = Float64Array.from(decoded, (doc) => (c.query.rows === 0 ? 0 : maxSim(c.query, doc)));
			c.magnitude = Float64Array.from(decoded, (doc) => magnitudeOf(c.query, doc));
		} else {
			const encoded = c.docs.map(encodeInt8);
			c.expected = Float64Array.from(encoded, (doc) => maxSimInt8(c.query, doc));
			c.magnitude = Float64Array.from(encoded, (doc) => magnitudeOf(c.query, decodeInt8(doc)));
		}
	}
	return { relativeTolerance: format === 'binary' ? BINARY_RELATIVE_TOLERANCE : files[0].relativeTolerance, cases };
}
