/**
 * Every storage-format backend (js reference, wasm 1 thread, wasm 2 threads) on the shared cases
 * (`kernels/cases/maxsim.jsonc` + `storage.jsonc`), for `int8` and `binary`: scores within tolerance
 * of the references `maxSimInt8` / `maxSimBinary`, subset scoring, top-k order and ties, error codes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { withinTolerance, type MaxSimCase } from '../../../kernels/cases/maxsim-cases';
import { parseStorageCases } from '../../../kernels/cases/storage-cases';
import { JsStorageScorer } from '../../../src/lib/engine/maxsim/storage-js';
import { WasmStorageScorer, type StorageScorer } from '../../../src/lib/engine/maxsim/storage-wasm';

const texts = [readFileSync('kernels/cases/maxsim.jsonc', 'utf8'), readFileSync('kernels/cases/storage.jsonc', 'utf8')];

type Make = (dim: number) => Promise<StorageScorer>;

const live: StorageScorer[] = [];
afterAll(async () => {
	await Promise.all(live.map((s) => s.dispose()));
});

for (const format of ['int8', 'binary'] as const) {
	const { cases, relativeTolerance } = parseStorageCases(texts, format);
	/** minParallelWork 0 makes even tiny cases split across the 2 threads. */
	const backends: { name: string; make: Make }[] = [
		{ name: 'js', make: async (dim) => new JsStorageScorer(format, dim) },
		{ name: 'wasm-1t', make: (dim) => WasmStorageScorer.create({ format, dim, threads: 1 }) },
		{ name: 'wasm-2t', make: (dim) => WasmStorageScorer.create({ format, dim, threads: 2, minParallelWork: 0 }) }
	];

	const expectClose = (actual: Float32Array, c: MaxSimCase, indices: number[]) => {
		expect(actual.length).toBe(indices.length);
		indices.forEach((doc, i) => {
			if (!withinTolerance(actual[i], c.expected![doc], c.magnitude![doc], relativeTolerance)) {
				expect.fail(`doc ${doc}: got ${actual[i]}, reference ${c.expected![doc]} (magnitude ${c.magnitude![doc]})`);
			}
		});
	};

	for (const backend of backends) {
		describe(`${format} ${backend.name}`, () => {
			for (const c of cases) {
				it(`score(q), topK(q, k) on ${format} ${backend.name}: ${c.name}`, async () => {
					const scorer = await backend.make(c.dim);
					live.push(scorer);
					if (c.expectError) {
						const run = async () => {
							await scorer.add(c.docs);
							await scorer.score(c.query);
						};
						await expect(run()).rejects.toMatchObject({ code: c.expectError });
						return;
					}
					await scorer.add(c.docs);
					expect(scorer.size).toBe(c.docs.length);
					const all = c.docs.map((_, i) => i);
					expectClose(await scorer.score(c.query), c, all);
					if (c.subset) expectClose(await scorer.score(c.query, c.subset), c, c.subset);
					if (c.topK) {
						const pool = c.subset ?? all;
						const top = await scorer.topK(c.query, c.topK.k, c.subset);
						expect(top.length).toBe(Math.min(c.topK.k, pool.length));
						if (c.topK.expected) expect(top.map((h) => h.index)).toEqual(c.topK.expected);
						for (let i = 1; i < top.length; i++) expect(top[i - 1].score).toBeGreaterThanOrEqual(top[i].score);
						const worstKept = top.length ? c.expected![top[top.length - 1].index] : Infinity;
						const left = pool.filter((d) => !top.some((h) => h.index === d));
						for (const d of left) expect(c.expected![d]).toBeLessThanOrEqual(worstKept + relativeTolerance * c.magnitude![d]);
					}
				});
			}
		});
	}
}

it('the binary references give the hand example 1 and distance-0 docs the query row count', () => {
	const { cases } = parseStorageCases(texts, 'binary');
	expect(cases[0].expected![0]).toBe(1);
	expect(cases.find((c) => c.name.startsWith('a token equal to every query row'))!.expected![0]).toBe(9);
});
