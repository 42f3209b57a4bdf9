/**
 * Exact rescoring's cost in Node: one query (32 tokens) against documents passed with the call
 * (`createDocumentScorer`, the WASM scratch mode that rescoring and PLAID's finalists use), on 1 and
 * 2 threads; and, in the same run, what packing those documents into the kernel's f32 layout costs in
 * JS (`packDocF32`) against the kernel's `pack_f32` (a memcpy of the rows, then SIMD transposes).
 * Random vectors: the shapes, not the values, set the time.
 *
 *   npx tsx bench/score-docs.bench.ts [--docs 100] [--tokens 250] [--dim 96] [--runs 40] [--json]
 */
import { align16 } from '../src/lib/engine/maxsim/kernel-memory';
import { instantiateKernel, kernelModule } from '../src/lib/engine/maxsim/kernel-module';
import { BLOCK_PANELS, docShape, packDocF32, paddedDim } from '../src/lib/engine/maxsim/pack';
import { createDocumentScorer } from '../src/lib/engine/maxsim/score-docs';
import type { TokenMatrix } from '../src/lib/engine/types';
import { benchArgs, median, round } from './bench-support';

const { json, flag } = benchArgs();
const n = flag('--docs', 100);
const rows = flag('--tokens', 250);
const dim = flag('--dim', 96);
const runs = flag('--runs', 40);

let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
const matrix = (r: number): TokenMatrix => ({ data: Float32Array.from({ length: r * dim }, random), rows: r, dim });
const docs = Array.from({ length: n }, () => matrix(rows));
const query = matrix(32);

async function timed(fn: () => unknown): Promise<number> {
	await fn(); // warm-up
	const t: number[] = [];
	for (let i = 0; i < runs; i++) {
		const a = performance.now();
		await fn();
		t.push(performance.now() - a);
	}
	return median(t);
}

const out: Record<string, number> = {};
for (const threads of [1, 2]) {
	const scorer = await createDocumentScorer({ dim, threads, backend: 'wasm' });
	out[`score ${threads} thread${threads > 1 ? 's' : ''}`] = await timed(() => scorer.score(query, docs, { finite: true }));
	await scorer.dispose();
}

// Packing alone, in one plain memory: JS strided writes against a row copy + the kernel's transposes.
const per = docShape(rows, BLOCK_PANELS.simd).panels * 4 * paddedDim(dim);
const memory = new WebAssembly.Memory({ initial: Math.ceil((n * per * 4 + rows * dim * 4 + 64) / 65536) + 1 });
const kernel = await instantiateKernel(await kernelModule('simd', false), memory);
out['pack in JS'] = await timed(() => {
	const all = new Float32Array(memory.buffer);
	for (let i = 0; i < n; i++) packDocF32(docs[i], BLOCK_PANELS.simd, all, i * per);
});
const staging = align16(n * per * 4);
out['pack in WASM (copy + pack_f32)'] = await timed(() => {
	for (let i = 0; i < n; i++) {
		new Float32Array(memory.buffer, staging, rows * dim).set(docs[i].data);
		kernel.pack_f32(staging, rows, dim, i * per * 4);
	}
});

if (json) console.log(JSON.stringify({ docs: n, tokens: rows, dim, queryTokens: 32, runs, medianMs: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(v, 2)])) }));
else {
	console.log(`${n} documents x ${rows} tokens, dim ${dim}, 32 query tokens; median of ${runs} runs`);
	for (const [k, v] of Object.entries(out)) console.log(`  ${k.padEnd(32)} ${v.toFixed(2).padStart(8)} ms`);
	console.log(`  packing: WASM ${(out['pack in JS'] / out['pack in WASM (copy + pack_f32)']).toFixed(1)}x faster than JS`);
}
