import { uniformRandom } from '../../src/lib/engine/random';
import type { TokenMatrix } from '../../src/lib/engine/types';

/** `rows` x `dim` values uniform in [-1, 1) from `seed`, each row L2-normalised unless `unit` is false (k-means and nearest-centroid tests). */
export function randomMatrix(rows: number, dim: number, seed: number, unit = true): TokenMatrix {
	const r = uniformRandom(seed);
	const data = Float32Array.from({ length: rows * dim }, () => r() * 2 - 1);
	if (unit) {
		for (let i = 0; i < rows; i++) {
			const n = Math.hypot(...data.subarray(i * dim, (i + 1) * dim));
			for (let d = 0; d < dim; d++) data[i * dim + d] /= n;
		}
	}
	return { data, rows, dim };
}
