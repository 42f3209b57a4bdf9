/** createMaxSimScorer: which backend runs, why, and the fallback when a backend dies at run time. */
import { expect, it } from 'vitest';
import { detectMaxSimCapabilities, isNodeRuntime, wasmSimdSupported } from '../../../src/lib/engine/capabilities';
import { createError } from '../../../src/lib/engine/errors';
import { DyingScorer } from '../../support/dying-scorer';
import { FallbackScorer } from '../../../src/lib/engine/maxsim/fallback';
import { JsMaxSimScorer } from '../../../src/lib/engine/maxsim/js';
import { createMaxSimScorer } from '../../../src/lib/engine/maxsim/select';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const query: TokenMatrix = { data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 };
const doc: TokenMatrix = { data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 };

it('detectMaxSimCapabilities() under Node reports SIMD and worker threads', async () => {
	const caps = await detectMaxSimCapabilities();
	expect(isNodeRuntime()).toBe(true);
	expect(caps.simd).toBe(wasmSimdSupported());
	expect(caps.simd).toBe(true);
	expect(caps.threads).toBe(true);
	expect(caps.hardwareConcurrency).toBeGreaterThanOrEqual(1);
});

it('createMaxSimScorer({ dim }) picks wasm in Node (no WebGPU) and says why', async () => {
	const { scorer, choice, warnings } = await createMaxSimScorer({ dim: 2, threads: 2 });
	try {
		expect(choice.backend).toBe('wasm');
		expect(scorer.backend).toBe('wasm');
		expect(scorer.threads).toBe(2);
		expect(choice.reason).toMatch(/^wasm: .*2 threads.*; webgpu: /);
		expect(warnings).toEqual([]);
		await scorer.add([doc]);
		expect((await scorer.score(query))[0]).toBeCloseTo(1.8, 6);
	} finally {
		await scorer.dispose();
	}
});

it('createMaxSimScorer({ backend: "webgpu" }) falls back to wasm with a warning when there is no adapter', async () => {
	const { scorer, choice, warnings } = await createMaxSimScorer({ dim: 2, backend: 'webgpu', threads: 1 });
	try {
		expect(choice.backend).toBe('wasm');
		expect(warnings.join(' ')).toMatch(/webgpu unavailable/);
	} finally {
		await scorer.dispose();
	}
});

it('createMaxSimScorer({ backend: "js", quantized: true }) runs js and warns that quantisation is WASM-only', async () => {
	const { scorer, choice, warnings } = await createMaxSimScorer({ dim: 2, backend: 'js', quantized: true });
	expect(choice).toEqual({ backend: 'js', reason: 'js: requested' });
	expect(warnings.join(' ')).toMatch(/WASM-only/);
	await scorer.add([doc]);
	expect((await scorer.topK(query, 1))[0]).toMatchObject({ index: 0 });
});

it('createMaxSimScorer({ backend: "cuda" }) throws UNKNOWN_OPTION, a bad dim BAD_ARGUMENT', async () => {
	await expect(createMaxSimScorer({ dim: 2, backend: 'cuda' as 'js' })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
	await expect(createMaxSimScorer({ dim: 0 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
});


it('FallbackScorer.score(q) switches to the fallback, re-adds every doc and warns, when the backend is lost', async () => {
	const warnings: string[] = [];
	const dying = new DyingScorer(2, 1);
	const scorer = new FallbackScorer(dying, async () => new JsMaxSimScorer(2), (w) => warnings.push(w));
	await scorer.add([doc]);
	await scorer.add([{ data: Float32Array.of(0, 1), rows: 1, dim: 2 }]);
	const before = await scorer.score(query);
	const after = await scorer.score(query);
	expect(Array.from(after)).toEqual(Array.from(before));
	expect(scorer.active).not.toBe(dying);
	expect(scorer.size).toBe(2);
	expect(warnings.length).toBe(1);
	expect(warnings[0]).toMatch(/GPU device lost/);
});

it('FallbackScorer.score(q) passes input errors through without switching', async () => {
	const warnings: string[] = [];
	const primary = new JsMaxSimScorer(2);
	const scorer = new FallbackScorer(primary, async () => new JsMaxSimScorer(2), (w) => warnings.push(w));
	await expect(scorer.score({ data: Float32Array.of(NaN, 0), rows: 1, dim: 2 })).rejects.toMatchObject({ code: 'NOT_FINITE' });
	expect(scorer.active).toBe(primary);
	expect(warnings).toEqual([]);
});
