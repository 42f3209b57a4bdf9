import { describe, expect, it } from 'vitest';
import { centroidBuildWork, centroidCountWithin, chooseCentroids, MIN_CAPPED_CENTROIDS } from '../../../src/lib/engine/compress/centroid-count';
import { defaultCentroidCount } from '../../../src/lib/engine/compress/kmeans';

/** The issue-12 folder: 5,000 documents x 250 vectors of dim 96, every document in ColBERTv2's sample. */
const FOLDER = { vectors: 1_250_000, sampleVectors: 1_250_000, dim: 96 };

describe('centroidCountWithin', () => {
	it('centroidBuildWork(k, shape) counts k-means on 64 vectors per centroid (5% held out), 4 iterations, then every vector', () => {
		// k = 1024: a sample of 65,536 vectors, 3,276 held out, 62,260 train.
		expect(centroidBuildWork(1024, FOLDER)).toBe(1024 * 96 * (4 * 62_260 + 3_276 + 1_250_000));
		// A sample smaller than 64 per centroid: k-means trains on all of it.
		expect(centroidBuildWork(256, { vectors: 1000, sampleVectors: 1000, dim: 8, iterations: 2 })).toBe(256 * 8 * (2 * 950 + 50 + 1000));
	});

	it('centroidCountWithin(shape, budget) gives exact counts for 1.25M x 96: 1,024 at 2e11, 16,384 (the rule) without a cap', () => {
		expect(defaultCentroidCount(FOLDER.vectors)).toBe(16_384);
		expect(centroidCountWithin(FOLDER, 2e11)).toBe(1024);
		expect(centroidCountWithin(FOLDER, 3.5e11)).toBe(2048);
		expect(centroidCountWithin(FOLDER, 1e11)).toBe(512);
		expect(centroidCountWithin(FOLDER, Infinity)).toBe(16_384);
		expect(centroidCountWithin(FOLDER, 1)).toBe(MIN_CAPPED_CENTROIDS);
	});

	it('centroidCountWithin(shape, budget) is a power of two, non-decreasing in budget, never above the rule nor below min(256, rule)', () => {
		for (const shape of [FOLDER, { vectors: 500, sampleVectors: 500, dim: 32 }, { vectors: 120_000, sampleVectors: 60_000, dim: 128 }]) {
			const rule = defaultCentroidCount(shape.vectors);
			let previous = 0;
			for (let budget = 1e3; budget <= 1e14; budget *= 3) {
				const k = centroidCountWithin(shape, budget);
				expect(Math.log2(k) % 1).toBe(0);
				expect(k).toBeGreaterThanOrEqual(previous);
				expect(k).toBeLessThanOrEqual(rule);
				expect(k).toBeGreaterThanOrEqual(Math.min(rule, MIN_CAPPED_CENTROIDS));
				if (k > Math.min(rule, MIN_CAPPED_CENTROIDS)) expect(centroidBuildWork(k, shape)).toBeLessThanOrEqual(budget);
				previous = k;
			}
		}
		// A small collection keeps the rule (here 2^floor(log2(16 sqrt(500))) = 256) whatever the budget.
		expect(centroidCountWithin({ vectors: 500, sampleVectors: 500, dim: 32 }, 1)).toBe(256);
		expect(centroidCountWithin({ vectors: 100, sampleVectors: 100, dim: 32 }, 1)).toBe(128);
	});

	it('chooseCentroids(requested, shape, budget) uses a number as given, and caps auto only when a budget is given', () => {
		expect(chooseCentroids('auto', FOLDER, 2e11)).toEqual({ count: 1024, rule: 16_384, capped: true });
		expect(chooseCentroids('auto', FOLDER)).toEqual({ count: 16_384, rule: 16_384, capped: false });
		expect(chooseCentroids(undefined, FOLDER)).toEqual({ count: 16_384, rule: 16_384, capped: false });
		expect(chooseCentroids(4096, FOLDER, 2e11)).toEqual({ count: 4096, rule: 16_384, capped: false });
		expect(chooseCentroids('auto', { vectors: 576, sampleVectors: 576, dim: 32 }, 2e11)).toEqual({ count: 256, rule: 256, capped: false });
	});
});
