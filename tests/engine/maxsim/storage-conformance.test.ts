/**
 * Every storage-format backend (js reference, wasm 1 thread, wasm 2 threads) on the shared cases
 * (`kernels/cases/maxsim.jsonc` + `storage.jsonc`), for `int8` and `binary`: scores within tolerance
 * of the references `maxSimInt8` / `maxSimBinary`, subset scoring, top-k order and ties, error codes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStorageCases } from '../../../kernels/cases/storage-cases';
import { JsStorageScorer } from '../../../src/lib/engine/maxsim/storage-js';
import { WasmStorageScorer, type StorageScorer } from '../../../src/lib/engine/maxsim/storage-wasm';
import { expectCaseHolds } from '../../support/maxsim-conformance';

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

	for (const backend of backends) {
		describe(`${format} ${backend.name}`, () => {
			for (const c of cases) {
				it(`score(q), topK(q, k) on ${format} ${backend.name}: ${c.name}`, async () => {
					const scorer = await backend.make(c.dim);
					live.push(scorer);
					await expectCaseHolds(scorer, c, relativeTolerance);
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
