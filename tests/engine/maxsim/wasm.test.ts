/** WasmMaxSimScorer beyond the shared cases: growth across add() calls, threads, the i16 screen, misuse. */
import { afterAll, expect, it } from 'vitest';
import { randomUnitRows } from '../../../src/lib/engine/random';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import type { MaxSimScorer } from '../../../src/lib/engine/maxsim/maxsim';
import { WasmMaxSimScorer } from '../../../src/lib/engine/maxsim/wasm';

const live: MaxSimScorer[] = [];
async function open(options: Parameters<typeof WasmMaxSimScorer.create>[0]): Promise<WasmMaxSimScorer> {
	const scorer = await WasmMaxSimScorer.create(options);
	live.push(scorer);
	return scorer;
}
afterAll(async () => {
	await Promise.all(live.map((s) => s.dispose().catch(() => undefined)));
});

it('add(docs) in many calls grows the memory and keeps earlier docs intact (2 threads)', async () => {
	const scorer = await open({ dim: 64, threads: 2, minParallelMacs: 0 });
	expect(scorer.threads).toBe(2);
	const docs = Array.from({ length: 60 }, (_, i) => randomUnitRows(1 + ((i * 37) % 300), 64, i + 1));
	const query = randomUnitRows(9, 64, 999);
	for (let i = 0; i < docs.length; i += 7) {
		await scorer.add(docs.slice(i, i + 7));
		await scorer.score(query); // scratch after the docs is overwritten by the next add
	}
	const scores = await scorer.score(query);
	docs.forEach((doc, i) => expect(scores[i]).toBeCloseTo(maxSim(query, doc), 4));
});

it('score(q) gives the same scores on 1 and 2 threads', async () => {
	const docs = Array.from({ length: 101 }, (_, i) => randomUnitRows(20 + (i % 50), 96, 500 + i));
	const query = randomUnitRows(32, 96, 7);
	const one = await open({ dim: 96, threads: 1 });
	const two = await open({ dim: 96, threads: 2, minParallelMacs: 0 });
	await one.add(docs);
	await two.add(docs);
	expect(Array.from(await two.score(query))).toEqual(Array.from(await one.score(query)));
});

it('topK(q, 10) with quantized: true recalls >= 0.95 of the exact top 10 after rescoring the top 100', async () => {
	const dim = 128;
	const docs = Array.from({ length: 600 }, (_, i) => randomUnitRows(30 + (i % 40), dim, 10_000 + i));
	const exact = await open({ dim, threads: 1 });
	const quantized = await open({ dim, threads: 2, quantized: true, rescoreDepth: 100, minParallelMacs: 0 });
	await exact.add(docs);
	await quantized.add(docs);
	let hits = 0;
	for (let q = 0; q < 4; q++) {
		const query = randomUnitRows(32, dim, 77 + q);
		const truth = new Set((await exact.topK(query, 10)).map((h) => h.index));
		const got = await quantized.topK(query, 10);
		hits += got.filter((h) => truth.has(h.index)).length;
		// rescored hits carry exact f32 scores
		for (const h of got) expect(h.score).toBeCloseTo(maxSim(query, docs[h.index]), 4);
	}
	expect(hits / 40).toBeGreaterThanOrEqual(0.95);
});

it('screen(q) approximates the exact scores within int8 quantisation error', async () => {
	const dim = 96;
	const docs = Array.from({ length: 30 }, (_, i) => randomUnitRows(40, dim, 300 + i));
	const query = randomUnitRows(32, dim, 5);
	const scorer = await open({ dim, quantized: true });
	await scorer.add(docs);
	const approx = await scorer.screen(query);
	docs.forEach((doc, i) => {
		const ref = maxSim(query, doc);
		expect(Math.abs(approx[i] - ref)).toBeLessThan(0.02 * 32); // about 1 / 127 per unit-vector dot
	});
});

it('screen(q) without quantized: true is rejected with BAD_ARGUMENT', async () => {
	const scorer = await open({ dim: 8 });
	await expect(scorer.screen(randomUnitRows(1, 8, 1))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
});

it('score(q, subset) rejects an index outside the store with BAD_ARGUMENT', async () => {
	const scorer = await open({ dim: 8 });
	await scorer.add([randomUnitRows(3, 8, 1)]);
	await expect(scorer.score(randomUnitRows(1, 8, 2), [0, 1])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	await expect(scorer.topK(randomUnitRows(1, 8, 2), -1)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
});

it('score(q) after dispose() is rejected, and dispose() stops the workers', async () => {
	const scorer = await WasmMaxSimScorer.create({ dim: 8, threads: 2 });
	await scorer.dispose();
	await expect(scorer.score(randomUnitRows(1, 8, 2))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
});

it('WasmMaxSimScorer.create({ flavour: "relaxed" }) fails with BACKEND_UNAVAILABLE where relaxed SIMD is missing', async () => {
	const { relaxedSimdSupported } = await import('../../../src/lib/engine/capabilities');
	if (relaxedSimdSupported()) {
		const scorer = await open({ dim: 8, flavour: 'relaxed' });
		expect(scorer.flavour).toBe('relaxed');
	} else {
		await expect(WasmMaxSimScorer.create({ dim: 8, flavour: 'relaxed' })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
	}
});

it("WasmMaxSimScorer.create({ storage: 'fp16' }) holds half the f32 bytes; a value past 65504 is NOT_FINITE; fp16 with quantized is BAD_ARGUMENT", async () => {
	const docs = Array.from({ length: 9 }, (_, i) => randomUnitRows(3 + i * 5, 24, i + 70));
	const half = await open({ dim: 24, storage: 'fp16' });
	const full = await open({ dim: 24 });
	await half.add(docs);
	await full.add(docs);
	expect(half.residentBytes * 2).toBeLessThanOrEqual(full.residentBytes + 16 * docs.length);
	expect(half.residentBytes * 2).toBeGreaterThanOrEqual(full.residentBytes - 16 * docs.length);
	await expect(half.add([{ data: Float32Array.of(70000, ...new Array(23).fill(0)), rows: 1, dim: 24 }])).rejects.toMatchObject({ code: 'NOT_FINITE' });
	await expect(WasmMaxSimScorer.create({ dim: 24, storage: 'fp16', quantized: true })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
});
