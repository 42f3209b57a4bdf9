/**
 * Small vector facts the engine adapters and exports share: the pooled single vector a first phase
 * searches, whether a collection's vectors are unit length (which decides the distance an engine
 * may use and still return latelab's MaxSim), and LanceDB's distance convention for multivectors.
 */
import type { TokenMatrix } from '../types';

/** A vector is "unit" when its length is within this of 1 (float32 encoders normalise to ~1e-7). */
export const UNIT_TOLERANCE = 1e-3;

/**
 * The pooled single vector of a document: the mean of its token vectors, L2-normalised (a zero mean,
 * or a document without vectors, gives the zero vector). This is the cheap first-phase vector of the
 * two-phase pattern (OpenSearch's k-NN then `lateInteractionScore`, Qdrant's prefetch then MaxSim).
 * Shapes: `doc` nd x dim -> Float32Array(dim).
 * @example
 * // mean of [1, 0] and [0, 1] is [0.5, 0.5]; normalised [0.7071, 0.7071]
 * pooledVector({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }) // Float32Array [0.7071, 0.7071]
 */
export function pooledVector(doc: TokenMatrix): Float32Array {
	const { data, rows, dim } = doc;
	const sum = new Float64Array(dim);
	for (let r = 0; r < rows; r++) for (let k = 0; k < dim; k++) sum[k] += data[r * dim + k];
	let norm = 0;
	for (let k = 0; k < dim; k++) norm += sum[k] * sum[k];
	norm = Math.sqrt(norm);
	const out = new Float32Array(dim);
	if (norm > 0) for (let k = 0; k < dim; k++) out[k] = sum[k] / norm;
	return out;
}

/**
 * True when every row of `matrix` has length 1 within `UNIT_TOLERANCE`. ColBERT encoders output unit
 * rows; hierarchical pooling's unnormalised means do not, and for those cosine MaxSim differs from
 * latelab's dot-product MaxSim.
 * @example isUnitRows({ data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }) // true
 */
export function isUnitRows(matrix: TokenMatrix): boolean {
	const { data, rows, dim } = matrix;
	for (let r = 0; r < rows; r++) {
		let n = 0;
		for (let k = 0; k < dim; k++) n += data[r * dim + k] * data[r * dim + k];
		if (Math.abs(Math.sqrt(n) - 1) > UNIT_TOLERANCE) return false;
	}
	return true;
}

/**
 * LanceDB's multivector `_distance` converted to MaxSim. Measured on @lancedb/lancedb 0.31.0 with known
 * vectors (tests/engine/engines/lancedb.test.ts): for a query of nq rows, LanceDB returns
 * `_distance = 1 - sum_i max_j sim(q_i, d_j)`, with sim the cosine (`distanceType('cosine')`), the dot
 * product (`'dot'`) or `1 - |q - d|^2` (`'l2'`). So MaxSim = 1 - _distance, whatever nq is: with 4 query
 * rows and MaxSim 2.775 the distance is -1.775 (not nq - MaxSim, not a per-row sum of 1 - cos).
 * @example lanceDistanceToMaxSim(-1.775) // 2.775
 */
export function lanceDistanceToMaxSim(distance: number): number {
	return 1 - distance;
}

/** A single-vector cosine `_distance` (`1 - cos`) as the cosine. @example lanceCosineDistanceToSimilarity(0.25) // 0.75 */
export function lanceCosineDistanceToSimilarity(distance: number): number {
	return 1 - distance;
}

/** `rows x dim` floats as nested arrays (for JSON bodies and LanceDB rows). @example toRows({ data: Float32Array.of(1, 2, 3, 4), rows: 2, dim: 2 }) // [[1, 2], [3, 4]] */
export function toRows(matrix: TokenMatrix): number[][] {
	const out: number[][] = [];
	for (let r = 0; r < matrix.rows; r++) out.push(Array.from(matrix.data.subarray(r * matrix.dim, (r + 1) * matrix.dim)));
	return out;
}
