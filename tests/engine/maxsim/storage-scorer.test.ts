/** createStorageScorer: which backend runs and why, what the scorer keeps in memory, bad options. */
import { expect, it } from 'vitest';
import { bytesPerVector, encodeInt8, maxSimBinary, encodeBinary, maxSimInt8 } from '../../../src/lib/engine/compress/codecs';
import { uniformRandom } from '../../../src/lib/engine/random';
import { createStorageScorer } from '../../../src/lib/engine/maxsim/storage-scorer';
import type { TokenMatrix } from '../../../src/lib/engine/types';

function matrix(rows: number, dim: number, seed: number): TokenMatrix {
	const random = uniformRandom(seed);
	return { data: Float32Array.from({ length: rows * dim }, () => random() * 2 - 1), rows, dim };
}

it('createStorageScorer({ format: "binary", dim: 2 }) scores the hand example on wasm with 2 threads and says why', async () => {
	const { scorer, choice, warnings } = await createStorageScorer({ format: 'binary', dim: 2, threads: 2 });
	try {
		expect(choice.backend).toBe('wasm');
		expect(choice.reason).toMatch(/^wasm: binary kernel .*2 threads/);
		expect(warnings).toEqual([]);
		expect(scorer.format).toBe('binary');
		expect(scorer.threads).toBe(2);
		// q = [[1, 0], [0, 1]] -> bits 01, 10; d = [[0.6, 0.8], [1, 0]] -> 11, 01: distances (1, 0) and (1, 2): 1 + 0
		await scorer.add([{ data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }]);
		expect(Array.from(await scorer.score({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }))).toEqual([1]);
	} finally {
		await scorer.dispose();
	}
});

it('createStorageScorer({ backend: "js" }) is the reference: maxSimInt8 / maxSimBinary of the encoded docs', async () => {
	const docs = [matrix(30, 96, 1), matrix(1, 96, 2)];
	const query = matrix(32, 96, 3);
	for (const format of ['int8', 'binary'] as const) {
		const { scorer, choice } = await createStorageScorer({ format, dim: 96, backend: 'js' });
		expect(choice).toEqual({ backend: 'js', reason: 'js: requested' });
		await scorer.add(docs);
		const want = docs.map((d) => (format === 'int8' ? maxSimInt8(query, encodeInt8(d)) : maxSimBinary(encodeBinary(query), encodeBinary(d))));
		const got = await scorer.score(query);
		want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
		await scorer.dispose();
	}
});

it('scorer.residentBytes of the wasm scorers is the format size: dim 96, 180 tokens -> 12 (binary) and 100 (int8) bytes per token', async () => {
	const docs = [matrix(180, 96, 4), matrix(180, 96, 5), matrix(0, 96, 6)];
	for (const format of ['int8', 'binary'] as const) {
		const { scorer } = await createStorageScorer({ format, dim: 96, backend: 'wasm', threads: 1 });
		expect(scorer.residentBytes).toBe(0);
		await scorer.add(docs);
		expect(scorer.residentBytes).toBe(360 * bytesPerVector(format, 96));
		await scorer.dispose();
	}
});

it('scorer.residentBytes of int8 at dim 100, 5 tokens counts the kernel padding (8 tokens x (100 + 4)), binary none (5 x 13)', async () => {
	const int8 = await createStorageScorer({ format: 'int8', dim: 100, backend: 'wasm', threads: 1 });
	await int8.scorer.add([matrix(5, 100, 7)]);
	expect(int8.scorer.residentBytes).toBe(8 * 104);
	await int8.scorer.dispose();
	const binary = await createStorageScorer({ format: 'binary', dim: 100, backend: 'wasm', threads: 1 });
	await binary.scorer.add([matrix(5, 100, 7)]);
	expect(binary.scorer.residentBytes).toBe(5 * 13);
	await binary.scorer.dispose();
});

it('createStorageScorer rejects an unknown format or backend (UNKNOWN_OPTION) and a bad dim (BAD_ARGUMENT)', async () => {
	await expect(createStorageScorer({ format: 'fp16' as never, dim: 4 })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
	await expect(createStorageScorer({ format: 'int8', dim: 4, backend: 'webgpu' as never })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
	await expect(createStorageScorer({ format: 'int8', dim: 0 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
});

it('a query or document of another dim is rejected with DIM_MISMATCH on every backend', async () => {
	for (const backend of ['js', 'wasm'] as const) {
		for (const format of ['int8', 'binary'] as const) {
			const { scorer } = await createStorageScorer({ format, dim: 8, backend, threads: 1 });
			await expect(scorer.add([matrix(2, 9, 1)])).rejects.toMatchObject({ code: 'DIM_MISMATCH' });
			await scorer.add([matrix(2, 8, 1)]);
			await expect(scorer.score(matrix(2, 7, 1))).rejects.toMatchObject({ code: 'DIM_MISMATCH' });
			await scorer.dispose();
		}
	}
});

it('createStorageScorer({ format: "binary", backend: "wasm" }) above the kernel dim limit uses js and warns', async () => {
	const { scorer, choice, warnings } = await createStorageScorer({ format: 'binary', dim: 70000, backend: 'wasm' });
	expect(choice.backend).toBe('js');
	expect(choice.reason).toMatch(/dims up to 65535/);
	expect(warnings[0]).toMatch(/^wasm unavailable/);
	await scorer.dispose();
});
