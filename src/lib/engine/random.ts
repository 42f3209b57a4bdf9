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
