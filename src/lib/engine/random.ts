/**
 * Seeded randomness for everything that must be reproducible: permutation tests, benchmark
 * workloads, kernel test cases, generated test models. One generator, so every part of latelab
 * draws the same stream from the same seed.
 */

/**
 * mulberry32 (Tommy Ettinger's public-domain generator): a uint32 stream, the same on every platform.
 * @example const next = mulberry32(42); next() // a uint32, the same on every run
 */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let z = state;
		z = Math.imul(z ^ (z >>> 15), z | 1);
		z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
		return (z ^ (z >>> 14)) >>> 0;
	};
}

/**
 * The mulberry32 stream scaled to [0, 1).
 * @example const random = uniformRandom(7); random() // in [0, 1), the same on every run
 */
export function uniformRandom(seed: number): () => number {
	const next = mulberry32(seed);
	return () => next() / 4294967296;
}

/**
 * `rows` x `dim` random unit vectors (entries uniform in [-1, 1), each row scaled to length 1), the
 * workload of MaxSim benchmarks, kernel cases and tests. `seed` starts a fresh stream; a `uniformRandom`
 * stream passed instead is continued, so a sequence of matrices can share one stream.
 * @example randomUnitRows(2, 3, 7).data.length // 6, and each row's squared entries sum to 1 (within 1e-6)
 */
export function randomUnitRows(rows: number, dim: number, seed: number | (() => number)): { data: Float32Array; rows: number; dim: number } {
	const random = typeof seed === 'number' ? uniformRandom(seed) : seed;
	const data = new Float32Array(rows * dim);
	for (let r = 0; r < rows; r++) {
		let norm = 0;
		for (let k = 0; k < dim; k++) {
			const v = random() * 2 - 1;
			data[r * dim + k] = v;
			norm += v * v;
		}
		// An all-zero row cannot happen with a float stream in practice; guard anyway instead of dividing by 0.
		const inv = 1 / Math.sqrt(norm || 1);
		for (let k = 0; k < dim; k++) data[r * dim + k] *= inv;
	}
	return { data, rows, dim };
}
