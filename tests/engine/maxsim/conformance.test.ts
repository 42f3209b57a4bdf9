/**
 * Every MaxSim backend that runs in Node against the shared cases file `kernels/cases/maxsim.jsonc`
 * (the WebGPU browser tests read the same file): scores within the file's tolerance of the JS
 * reference, subset scoring, top-k order and ties, and the error codes for bad input.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMaxSimCases } from '../../../kernels/cases/maxsim-cases';
import { relaxedSimdSupported } from '../../../src/lib/engine/capabilities';
import { JsMaxSimScorer } from '../../../src/lib/engine/maxsim/js';
import type { MaxSimScorer } from '../../../src/lib/engine/maxsim/maxsim';
import { WasmMaxSimScorer } from '../../../src/lib/engine/maxsim/wasm';
import { expectCaseHolds } from '../../support/maxsim-conformance';

// Node 20 keeps relaxed SIMD behind a V8 flag; it is process-wide and must be set before compiling.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const { cases, relativeTolerance } = parseMaxSimCases(readFileSync('kernels/cases/maxsim.jsonc', 'utf8'));

/** Backends under test; minParallelMacs 0 makes even tiny cases split across the 2 threads. */
const BACKENDS: { name: string; make: (dim: number) => Promise<MaxSimScorer> }[] = [
	{ name: 'js', make: async (dim) => new JsMaxSimScorer(dim) },
	{ name: 'wasm-simd-1t', make: (dim) => WasmMaxSimScorer.create({ dim, threads: 1 }) },
	{ name: 'wasm-simd-2t', make: (dim) => WasmMaxSimScorer.create({ dim, threads: 2, minParallelMacs: 0 }) },
	{ name: 'wasm-relaxed-1t', make: (dim) => WasmMaxSimScorer.create({ dim, threads: 1, flavour: 'relaxed' }) },
	{ name: 'wasm-relaxed-2t', make: (dim) => WasmMaxSimScorer.create({ dim, threads: 2, flavour: 'relaxed', minParallelMacs: 0 }) },
	{ name: 'wasm-quantized-2t', make: (dim) => WasmMaxSimScorer.create({ dim, threads: 2, quantized: true, minParallelMacs: 0 }) }
];

const live: MaxSimScorer[] = [];
afterAll(async () => {
	await Promise.all(live.map((s) => s.dispose()));
});

async function open(make: (dim: number) => Promise<MaxSimScorer>, dim: number): Promise<MaxSimScorer> {
	const scorer = await make(dim);
	live.push(scorer);
	return scorer;
}

it('relaxedSimdSupported() is true once the V8 flag is set (so the relaxed runs below are real)', () => {
	expect(relaxedSimdSupported()).toBe(true);
});

for (const backend of BACKENDS) {
	describe(`${backend.name}`, () => {
		for (const c of cases) {
			it(`score(q), topK(q, k) on ${backend.name}: ${c.name}`, async () => {
				const scorer = await open(backend.make, c.dim);
				await expectCaseHolds(scorer, c, relativeTolerance);
			});
		}
	});
}
