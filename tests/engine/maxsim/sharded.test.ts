/**
 * `ShardedScorer` (documents over several scorers, for collections beyond one wasm32 memory) on the
 * shared cases file: with a tiny shard size every case spreads over several WASM / JS shards and must
 * score, take subsets and top-k exactly as one scorer does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMaxSimCases } from '../../../kernels/cases/maxsim-cases';
import { JsMaxSimScorer } from '../../../src/lib/engine/maxsim/js';
import type { MaxSimScorer } from '../../../src/lib/engine/maxsim/maxsim';
import { createMaxSimScorer } from '../../../src/lib/engine/maxsim/select';
import { ShardedScorer } from '../../../src/lib/engine/maxsim/sharded';
import { WasmMaxSimScorer } from '../../../src/lib/engine/maxsim/wasm';
import { randomUnitRows } from '../../../src/lib/engine/random';
import { expectCaseHolds } from '../../support/maxsim-conformance';

const { cases, relativeTolerance } = parseMaxSimCases(readFileSync('kernels/cases/maxsim.jsonc', 'utf8'));
const live: MaxSimScorer[] = [];
afterAll(async () => {
	await Promise.all(live.map((s) => s.dispose()));
});

/** Shards of at most 200 tokens (+1 per document): most cases need several. */
const tiny = (doc: { rows: number }) => doc.rows + 1;
const SHARDS: { name: string; make: (dim: number) => Promise<MaxSimScorer> }[] = [
	{ name: 'js shards', make: (dim) => ShardedScorer.create(async () => new JsMaxSimScorer(dim), 200, tiny) },
	{ name: 'wasm shards, 2 threads', make: (dim) => ShardedScorer.create(() => WasmMaxSimScorer.create({ dim, threads: 2, minParallelMacs: 0 }), 200, tiny) }
];

for (const s of SHARDS) {
	describe(s.name, () => {
		for (const c of cases) {
			it(`ShardedScorer score(q), topK(q, k) on ${s.name}: ${c.name}`, async () => {
				const scorer = await s.make(c.dim);
				live.push(scorer);
				await expectCaseHolds(scorer, c, relativeTolerance);
			});
		}
	});
}

describe('ShardedScorer', () => {
	const dim = 16;
	const docs = Array.from({ length: 30 }, (_, i) => randomUnitRows(5 + (i % 9), dim, 40 + i));
	const query = randomUnitRows(6, dim, 3);

	it('ShardedScorer.add(docs) opens a new shard when the next document would pass maxShardBytes, across add calls', async () => {
		const sharded = await ShardedScorer.create(async () => new JsMaxSimScorer(dim), 50, (d) => d.rows);
		live.push(sharded);
		await sharded.add(docs.slice(0, 7));
		await sharded.add(docs.slice(7));
		const tokens = docs.reduce((n, d) => n + d.rows, 0);
		expect(sharded.size).toBe(30);
		expect(sharded.shardCount).toBeGreaterThanOrEqual(Math.ceil(tokens / 50));
		const single = new JsMaxSimScorer(dim);
		await single.add(docs);
		expect(await sharded.score(query)).toEqual(await single.score(query));
		const subset = [29, 0, 14, 15, 3, 3];
		expect(await sharded.score(query, subset)).toEqual(await single.score(query, subset));
		expect(await sharded.topK(query, 7)).toEqual(await single.topK(query, 7));
		expect(await sharded.topK(query, 4, subset)).toEqual(await single.topK(query, 4, subset));
	});

	it('ShardedScorer.add(docs) with a document of another dim is DIM_MISMATCH; a subset index past size is BAD_ARGUMENT', async () => {
		const sharded = await ShardedScorer.create(async () => new JsMaxSimScorer(dim), 50, (d) => d.rows);
		live.push(sharded);
		await expect(sharded.add([randomUnitRows(2, dim + 1, 1)])).rejects.toMatchObject({ code: 'DIM_MISMATCH' });
		await sharded.add(docs.slice(0, 3));
		await expect(sharded.score(query, [3])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});

	it("createMaxSimScorer({ backend: 'wasm' }) (sharded WASM) scores as the JS scorer", async () => {
		const { scorer } = await createMaxSimScorer({ backend: 'wasm', dim, threads: 1 });
		live.push(scorer);
		await scorer.add(docs);
		const js = new JsMaxSimScorer(dim);
		await js.add(docs);
		const expected = await js.score(query);
		(await scorer.score(query)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
		expect((await scorer.topK(query, 5)).map((h) => h.index)).toEqual((await js.topK(query, 5)).map((h) => h.index));
	});
});
