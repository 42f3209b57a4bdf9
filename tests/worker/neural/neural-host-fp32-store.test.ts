/**
 * NeuralHost's fp32 side store (issue 12): a ColBERT panel with compressed storage and rescoring keeps
 * its exact fp32 vectors in IndexedDB (fake-indexeddb here, as `globalThis.indexedDB` in the worker),
 * not in the worker's scoring memory; rescoring reads them back, and removing the panel deletes them.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectType, nodeNeuralHost } from '../helpers';
import { MemoryStore } from '../../../src/lib/engine/store/store';
import { EngineCore } from '../../../src/lib/worker/engine-core';
import { defaultOptions } from '../../../src/lib/engine/panels';
import type { EngineResponse } from '../../../src/lib/worker/protocol';
import { FIXTURE_MODELS, startHubContext, type HubContext } from '../../engine/encoders/helpers';

let ctx: HubContext;
let core: EngineCore;
let nextId = 1;
const QUERY = 'heart attack symptoms';
const exact = { ...defaultOptions(), kernel: 'js' as const };

function send(body: Record<string, unknown>): Promise<EngineResponse> {
	return core.handle({ ...body, id: nextId++ } as never);
}

/** The records the host's fp32 stores hold in IndexedDB `latelab-fp32` (0 when the database does not exist yet). */
async function storedRecords(): Promise<{ count: number; dims: Set<number> }> {
	const names = (await indexedDB.databases()).map((d) => d.name);
	if (!names.includes('latelab-fp32')) return { count: 0, dims: new Set() };
	const db = await openDB('latelab-fp32', 1);
	const all = (await db.getAll('docs')) as { dim: number }[];
	db.close();
	return { count: all.length, dims: new Set(all.map((r) => r.dim)) };
}

beforeAll(async () => {
	ctx = await startHubContext();
	core = new EngineCore({ extensions: [(c) => nodeNeuralHost(c, new MemoryStore())] });
	await send({ type: 'configure-hub', hub: { remoteHost: ctx.hub.url } });
	expectType(await send({ type: 'load-corpus', source: { kind: 'demo' } }), 'corpus-loaded');
	expectType(await send({ type: 'load-model', role: 'colbert', choice: { spec: FIXTURE_MODELS.colbertPylate, dtype: 'fp32', device: 'wasm' } }), 'model-loaded');
}, 60_000);

afterAll(async () => {
	await ctx?.close();
});

describe('NeuralHost prepare-panel with storage binary and rescore', () => {
	it('keeps the fp32 vectors in IndexedDB, rescores with them, and deletes them with the panel', async () => {
		const reference = expectType(await send({ type: 'prepare-panel', panel: 'colbert', options: exact }), 'panel-prepared');
		const docs = reference.stats.docs;
		expect(await storedRecords()).toEqual({ count: 0, dims: new Set() });

		// Rescoring every document with fp32 vectors gives exactly the fp32 panel's ranking.
		const prepared = expectType(await send({ type: 'prepare-panel', panel: 'colbert@binary', options: { ...exact, storage: 'binary', rescore: docs } }), 'panel-prepared');
		const held = await storedRecords();
		expect(held.count).toBe(docs);
		expect(held.dims).toEqual(new Set([prepared.stats.index?.dim]));

		const want = expectType(await send({ type: 'search', panel: 'colbert', query: QUERY, k: 5 }), 'search-result');
		const got = expectType(await send({ type: 'search', panel: 'colbert@binary', query: QUERY, k: 5 }), 'search-result');
		expect(got.hits.map((h) => h.id)).toEqual(want.hits.map((h) => h.id));
		got.hits.forEach((h, i) => expect(h.score).toBeCloseTo(want.hits[i].score, 4));

		expectType(await send({ type: 'remove-panel', panel: 'colbert@binary' }), 'panel-removed');
		expect((await storedRecords()).count).toBe(0);
	}, 90_000);
});
