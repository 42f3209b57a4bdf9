/**
 * Every storage-format backend (js reference, wasm 1 thread, wasm 2 threads) on the shared cases
 * (`kernels/cases/maxsim.jsonc` + `storage.jsonc`), for `int8` and `binary`: scores within tolerance
 * of the references `maxSimInt8` / `maxSimBinary`, subset scoring, top-k order and ties, error codes;
 * and `fp16` on the f32 kernel's half-precision mode (`score_f16`) against `maxSim` of the decoded docs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStorageCases } from '../../../kernels/cases/storage-cases';
import type { MaxSimScorer } from '../../../src/lib/engine/maxsim/maxsim';
import { JsStorageScorer } from '../../../src/lib/engine/maxsim/storage-js';
import { WasmMaxSimScorer } from '../../../src/lib/engine/maxsim/wasm';
import { WasmStorageScorer } from '../../../src/lib/engine/maxsim/storage-wasm';
import { expectCaseHolds } from '../../support/maxsim-conformance';

const texts = [readFileSync('kernels/cases/maxsim.jsonc', 'utf8'), readFileSync('kernels/cases/storage.jsonc', 'utf8')];

type Make = (dim: number) => Promise<MaxSimScorer>;

const live: MaxSimScorer[] = [];
afterAll(async () => {
	await Promise.all(live.map((s) => s.dispose()));
});

for (const format of ['int8', 'binary', 'fp16'] as const) {
	const { cases, relativeTolerance } = parseStorageCases(texts, format);
	/** minParallelWork / minParallelMacs 0 makes even tiny cases split across the 2 threads. */
	const backends: { name: string; make: Make }[] =
		format === 'fp16'
			? [
					{ name: 'wasm-1t', make: (dim) => WasmMaxSimScorer.create({ dim, threads: 1, storage: 'fp16' }) },
					{ name: 'wasm-2t', make: (dim) => WasmMaxSimScorer.create({ dim, threads: 2, storage: 'fp16', minParallelMacs: 0 }) }
				]
			: [
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
