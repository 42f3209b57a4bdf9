/**
 * A vectors folder in the worker with the ColBERT model that made it loaded (the playground's model
 * bar): free-text queries are encoded by the model and ranked against the folder's stored vectors;
 * without the model the folder answers only its own queries; a model of another width is refused.
 * Tiny generated models behind the mock Hub, in Node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMultiVectorFolder } from '../../../src/lib/engine/corpus/node-multivector-folder';
import { loadEncoder } from '../../../src/lib/engine/encoders/load-encoder';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { defaultOptions } from '../../../src/lib/engine/panels';
import { MemoryStore } from '../../../src/lib/engine/store/store';
import type { TokenMatrix } from '../../../src/lib/engine/types';
import { EngineCore } from '../../../src/lib/worker/engine-core';
import { modelKey, type ModelChoice } from '../../../src/lib/worker/neural/protocol';
import type { EngineResponse } from '../../../src/lib/worker/protocol';
import { FIXTURE_MODELS, fixtureModelDir, startHubContext, type HubContext } from '../../engine/encoders/helpers';
import { readFolder } from '../../support/files';
import { expectType, nodeNeuralHost } from '../helpers';

const TEXTS = ['the red planet mars', 'apples and pears in the orchard', 'a planet of red dust and rock', 'heart attack symptoms', 'credit card debt'];
const QUERY = 'red planet';
const colbert: ModelChoice = { spec: FIXTURE_MODELS.colbertFolded, dtype: 'fp32', device: 'wasm' };
const options = { ...defaultOptions(), kernel: 'js' as const };

let hub: HubContext;
let core: EngineCore;
let nextId = 1;
const dir = mkdtempSync(join(tmpdir(), 'latelab-vectors-model-'));
let docs: TokenMatrix[];
let queryMatrix: TokenMatrix;

const send = (body: Record<string, unknown>): Promise<EngineResponse> => core.handle({ ...body, id: nextId++ } as never);
const vectorsSource = (folder: string) => ({ kind: 'vectors' as const, name: folder, files: [...readFolder(join(dir, folder))].map(([path, bytes]) => ({ path, blob: new Blob([bytes]) })) });

beforeAll(async () => {
	hub = await startHubContext();
	const model = fixtureModelDir(FIXTURE_MODELS.colbertFolded);
	const enc = await loadEncoder('colbert', { id: model, localDir: model });
	docs = (await enc.encodeDocuments(TEXTS)).map((d) => d.matrix);
	queryMatrix = (await enc.encodeQuery(QUERY)).matrix;
	await enc.dispose();
	await writeMultiVectorFolder(join(dir, 'made'), {
		manifest: { dim: docs[0].dim, kind: 'text', model: FIXTURE_MODELS.colbertFolded },
		documents: docs.map((m, i) => ({ record: { id: `t${i + 1}`, title: '', text: TEXTS[i] }, vectors: m })),
		queries: [{ record: { id: 'q1', title: '', text: 'stored query' }, vectors: docs[1] }]
	});
	const narrow: TokenMatrix = { data: Float32Array.from([1, 0, 0, 1]), rows: 2, dim: 2 };
	await writeMultiVectorFolder(join(dir, 'narrow'), {
		manifest: { dim: 2, kind: 'text' },
		documents: [{ record: { id: 'n1', title: '', text: '' }, vectors: narrow }],
		queries: [{ record: { id: 'nq', title: '', text: '' }, vectors: narrow }]
	});
	core = new EngineCore({ extensions: [(c) => nodeNeuralHost(c, new MemoryStore())] });
	await send({ type: 'configure-hub', hub: { remoteHost: hub.hub.url } });
}, 60_000);

afterAll(async () => {
	await hub?.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('a vectors folder with its ColBERT model loaded', () => {
	it('without the model the panel answers the folder\'s queries only; free text says which model it needs', async () => {
		expectType(await send({ type: 'load-corpus', source: vectorsSource('made') }), 'corpus-loaded');
		expectType(await send({ type: 'prepare-panel', panel: 'colbert', options }), 'panel-prepared');
		const own = expectType(await send({ type: 'search', panel: 'colbert', query: 'q1', k: 3 }), 'search-result');
		expect(own.hits[0].id).toBe('t2');
		const text = await send({ type: 'search', panel: 'colbert', query: QUERY, k: 3 });
		expect(text).toMatchObject({ type: 'error', error: { code: 'BAD_ARGUMENT', message: expect.stringMatching(/no precomputed vectors for query "red planet" .*the ColBERT model that made its vectors/) } });
	});

	it('with the model, a free-text query ranks the stored vectors by MaxSim of the encoded query, without a warning', async () => {
		expectType(await send({ type: 'load-model', role: 'colbert', choice: colbert, keep: [modelKey('colbert', colbert)] }), 'model-loaded');
		const prepared = expectType(await send({ type: 'prepare-panel', panel: 'colbert', options, model: modelKey('colbert', colbert) }), 'panel-prepared');
		expect(prepared.stats.warnings ?? []).toEqual([]);
		const r = expectType(await send({ type: 'search', panel: 'colbert', query: QUERY, k: 5 }), 'search-result');
		const expected = docs.map((d, i) => ({ id: `t${i + 1}`, score: maxSim(queryMatrix, d) })).sort((a, b) => b.score - a.score);
		expect(r.hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
		r.hits.forEach((h, i) => expect(Math.abs(h.score - expected[i].score)).toBeLessThan(1e-4));
		// The folder's own query still uses its stored vectors.
		const own = expectType(await send({ type: 'search', panel: 'colbert', query: 'q1', k: 3 }), 'search-result');
		expect(own.hits[0].id).toBe('t2');
	});

	it('the loaded model reports its width, so the page knows which folders it can encode queries for', async () => {
		const loaded = expectType(await send({ type: 'load-model', role: 'colbert', choice: colbert, keep: [modelKey('colbert', colbert)] }), 'model-loaded');
		expect(loaded.info.dim).toBe(docs[0].dim);
	});

	it('a loaded model of another width than the folder is left unused with a warning; the folder\'s own queries still rank', async () => {
		expectType(await send({ type: 'load-corpus', source: vectorsSource('narrow') }), 'corpus-loaded');
		const prepared = expectType(await send({ type: 'prepare-panel', panel: 'colbert', options, model: modelKey('colbert', colbert) }), 'panel-prepared');
		expect(prepared.stats.warnings).toEqual([expect.stringMatching(/holds 2-dim vectors; the ColBERT model .* encodes queries to 16, so only the folder's own queries are searched/)]);
		const own = expectType(await send({ type: 'search', panel: 'colbert', query: 'nq', k: 1 }), 'search-result');
		expect(own.hits[0].id).toBe('n1');
	});
});
