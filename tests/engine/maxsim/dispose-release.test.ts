/**
 * What the MaxSim scorers let go of on dispose() (issue 12: a disposed panel's kernel memory must not
 * stay alive), what `reserve(rows)` takes, and the fallback that reads documents again instead of
 * keeping them. Observed through the scorers' own counters (`size`, `residentBytes`, `shardCount`,
 * `keptDocuments`) and, where only the internals show it, through their protected fields.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateSyntheticCollection } from '../../../src/lib/engine/corpus/synthetic-multivector';
import { createError } from '../../../src/lib/engine/errors';
import { DyingScorer } from '../../support/dying-scorer';
import { FallbackScorer } from '../../../src/lib/engine/maxsim/fallback';
import { JsMaxSimScorer } from '../../../src/lib/engine/maxsim/js';
import type { KernelMemory } from '../../../src/lib/engine/maxsim/kernel-memory';
import type { MaxSimScorer } from '../../../src/lib/engine/maxsim/maxsim';
import { ShardedScorer } from '../../../src/lib/engine/maxsim/sharded';
import { WasmStorageScorer } from '../../../src/lib/engine/maxsim/storage-wasm';
import { ListenerSlots, type KernelThread } from '../../../src/lib/engine/maxsim/thread-pool';
import { WasmMaxSimScorer } from '../../../src/lib/engine/maxsim/wasm';
import { createColbertPipeline } from '../../../src/lib/engine/pipelines/late-interaction';
import { randomUnitRows } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const PAGE = 65536;
/** A kernel memory's first size (16 pages), and the warm-up area below the documents (warm-up.ts). */
const INITIAL = 16 * PAGE;
const WARM_UP = 4096;
/** What `reserve` adds after the documents for a call's scratch (scorer-plumbing.ts) and per-document table entry + score. */
const CALL_BYTES = 256 * 1024;
const PER_DOC_SCRATCH = 20;
/** The most a reserved memory may hold for `n` documents taking `resident` bytes: no growth by halves. */
const reservedAtMost = (resident: number, n: number) => Math.max(INITIAL, WARM_UP + resident + n * PER_DOC_SCRATCH + CALL_BYTES + PAGE);

const live: MaxSimScorer[] = [];
afterAll(async () => {
	await Promise.all(live.map((s) => s.dispose().catch(() => undefined)));
});

/** The protected state of a kernel scorer, for the checks only the internals show. */
interface KernelInternals {
	workers: KernelThread[];
	memory: KernelMemory;
}
const internals = (scorer: object) => scorer as unknown as KernelInternals;

const docs = Array.from({ length: 40 }, (_, i) => randomUnitRows(3 + ((i * 13) % 40), 32, i + 1));
const query = randomUnitRows(5, 32, 99);

describe('dispose() lets go of the kernel', () => {
	for (const [name, make] of [
		['WasmMaxSimScorer', () => WasmMaxSimScorer.create({ dim: 32, threads: 2 })],
		['WasmStorageScorer (int8)', () => WasmStorageScorer.create({ format: 'int8', dim: 32, threads: 2 })]
	] as const) {
		it(`${name}.dispose() terminates its workers, drops memory, instance and table: size, residentBytes 0, threads 1`, async () => {
			const scorer = await make();
			await scorer.add(docs);
			await scorer.score(query);
			const workers = [...internals(scorer).workers];
			expect(workers.length).toBe(1);
			expect(scorer.residentBytes).toBeGreaterThan(0);
			await scorer.dispose();
			expect(scorer.size).toBe(0);
			expect(scorer.residentBytes).toBe(0);
			expect(scorer.threads).toBe(1);
			expect(internals(scorer).workers).toEqual([]);
			// A terminated thread refuses work; the memory getter refuses a disposed scorer.
			await expect(workers[0].run('score_f32', [])).rejects.toThrow(/terminated/);
			expect(() => internals(scorer).memory).toThrow(/after dispose\(\)/);
			await expect(scorer.score(query)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		});
	}

	it('ShardedScorer.dispose() disposes every shard and clears them: shardCount, size, residentBytes 0; later calls BAD_ARGUMENT', async () => {
		const shards: WasmMaxSimScorer[] = [];
		const sharded = await ShardedScorer.create(
			async () => {
				const s = await WasmMaxSimScorer.create({ dim: 32 });
				shards.push(s);
				return s;
			},
			200,
			(d) => d.rows
		);
		await sharded.add(docs);
		expect(sharded.shardCount).toBeGreaterThan(1);
		await sharded.dispose();
		expect(sharded.shardCount).toBe(0);
		expect(sharded.size).toBe(0);
		expect(sharded.residentBytes).toBe(0);
		expect(sharded.dim).toBe(32);
		expect(shards.every((s) => s.size === 0 && s.residentBytes === 0)).toBe(true);
		await expect(sharded.score(query)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		await expect(sharded.add(docs)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});

	it('ListenerSlots.clear() leaves the runtime listeners pointing at nothing of ours', () => {
		const slots = new ListenerSlots();
		const seen: string[] = [];
		slots.setMessage((r) => seen.push(r.type));
		slots.setError(() => seen.push('error'));
		slots.message({ type: 'ready' });
		slots.setMessage((r) => seen.push(`thread ${r.type}`));
		slots.message({ type: 'done', id: 1 });
		slots.clear();
		slots.message({ type: 'done', id: 2 });
		slots.error(new Error('late'));
		expect(seen).toEqual(['ready', 'thread done']);
	});
});

describe('reserve(rows)', () => {
	// Large enough for the reservation to pass the memory's first 1 MiB (except binary's codes).
	const big = Array.from({ length: 60 }, (_, i) => randomUnitRows(150 + ((i * 37) % 100), 96, i + 7));
	const rows = big.map((d) => d.rows);
	const q96 = randomUnitRows(5, 96, 98);
	for (const [name, make] of [
		['WasmMaxSimScorer', () => WasmMaxSimScorer.create({ dim: 96, threads: 2, minParallelMacs: 0 })],
		['WasmMaxSimScorer (quantized)', () => WasmMaxSimScorer.create({ dim: 96, quantized: true })],
		['WasmMaxSimScorer (fp16)', () => WasmMaxSimScorer.create({ dim: 96, storage: 'fp16' })],
		['WasmStorageScorer (int8)', () => WasmStorageScorer.create({ format: 'int8', dim: 96, threads: 2 })],
		['WasmStorageScorer (binary)', () => WasmStorageScorer.create({ format: 'binary', dim: 96 })]
	] as const) {
		it(`${name}.reserve(rows) grows the memory once to the documents plus a call's scratch; add and score then fit`, async () => {
			const scorer = await make();
			live.push(scorer);
			await scorer.reserve(rows);
			const reserved = internals(scorer).memory.byteLength;
			for (let i = 0; i < big.length; i += 9) await scorer.add(big.slice(i, i + 9));
			const scores = await scorer.score(q96);
			expect(scores.length).toBe(big.length);
			expect(internals(scorer).memory.byteLength).toBe(reserved);
			// Exact: nothing beyond the documents, their table entries and scores, the call scratch and the last page.
			expect(reserved).toBeLessThanOrEqual(reservedAtMost(scorer.residentBytes, big.length));
		});
	}
});


describe('FallbackScorer(primary, makeFallback, warn, reread)', () => {
	it('keeps no documents and, when the backend is lost, reads the first size documents again for the fallback', async () => {
		const warnings: string[] = [];
		let reads = 0;
		// The source has more documents than were added: the fallback must take only the added ones.
		async function* reread() {
			reads++;
			for (let i = 0; i < docs.length; i += 16) yield docs.slice(i, i + 16);
		}
		const scorer = new FallbackScorer(new DyingScorer(32, 1), async () => new JsMaxSimScorer(32), (w) => warnings.push(w), reread);
		await scorer.add(docs.slice(0, 20));
		await scorer.add(docs.slice(20, 30));
		expect(scorer.keptDocuments).toBe(0);
		const before = await scorer.score(query);
		const after = await scorer.score(query);
		expect(reads).toBe(1);
		expect(scorer.size).toBe(30);
		expect(Array.from(after)).toEqual(Array.from(before));
		expect(warnings).toHaveLength(1);
		await scorer.dispose();
	});

	it('without reread it keeps the added matrices (the old contract) and clears them on dispose', async () => {
		const scorer = new FallbackScorer(new JsMaxSimScorer(32), async () => new JsMaxSimScorer(32), () => undefined);
		await scorer.add(docs);
		expect(scorer.keptDocuments).toBe(docs.length);
		await scorer.dispose();
		expect(scorer.keptDocuments).toBe(0);
	});
});

describe('the fp32 colbert pipeline on a collection', () => {
	it('createColbertPipeline keeps no float copy beside the kernel, reserves the exact arena, and dispose() empties the shards', async () => {
		const collection = generateSyntheticCollection({ docs: 300, queries: 3, dim: 32, tokensPerDoc: 48, seed: 5 });
		const p = await createColbertPipeline({ corpus: collection.corpus, options: { maxsimBackend: 'wasm', threads: 2 } });
		const fallback = p.index.scorer as FallbackScorer;
		expect(fallback).toBeInstanceOf(FallbackScorer);
		expect(fallback.keptDocuments).toBe(0);
		const sharded = fallback.active as ShardedScorer;
		expect(sharded.shardCount).toBe(1);
		const shard = (sharded as unknown as { shards: { scorer: WasmMaxSimScorer }[] }).shards[0].scorer;
		expect(shard.residentBytes).toBeGreaterThan(INITIAL);
		expect(internals(shard).memory.byteLength).toBeLessThanOrEqual(reservedAtMost(shard.residentBytes, 300));
		await p.search('q1', 10);
		await p.dispose();
		expect(sharded.shardCount).toBe(0);
		expect(shard.residentBytes).toBe(0);
		expect(internals(shard).workers).toEqual([]);
	});
});
