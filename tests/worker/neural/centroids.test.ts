/**
 * The Centroids option in the worker (issue 12): with `auto`, a PLAID or residual-storage panel trains
 * ColBERTv2's centroid count capped by the host's build budget, and its index stats say both counts;
 * a number chosen in the panel is used as it is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCentroidCount } from '../../../src/lib/engine/compress/kmeans';
import { centroidCountWithin } from '../../../src/lib/engine/compress/centroid-count';
import { generateSyntheticCollection } from '../../../src/lib/engine/corpus/synthetic-multivector';
import { writeMultiVectorFolder } from '../../../src/lib/engine/corpus/node-multivector-folder';
import { defaultOptions, type PanelOptions } from '../../../src/lib/engine/panels';
import { EngineCore } from '../../../src/lib/worker/engine-core';
import { NeuralHost } from '../../../src/lib/worker/neural/neural-host';
import type { EngineResponse } from '../../../src/lib/worker/protocol';
import { costLine } from '../../../src/lib/viz/cost-format';
import { costSummary } from '../../../src/lib/engine/eval/cost';
import { expectType } from '../helpers';
import { readFolder } from '../../support/files';

const DOCS = 300;
const TOKENS = 60;
const DIM = 32;
/** Small enough to cap ColBERTv2's 2,048 centroids for these ~18k vectors. */
const BUDGET = 2e9;

let dir: string;
let core: EngineCore;
let nextId = 1;
const send = (body: Record<string, unknown>): Promise<EngineResponse> => core.handle({ ...body, id: nextId++ } as never);
const opts = (o: Partial<PanelOptions>): PanelOptions => ({ ...defaultOptions(), kernel: 'js', ...o });

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'latelab-centroids-'));
	const c = generateSyntheticCollection({ docs: DOCS, queries: 4, dim: DIM, tokensPerDoc: TOKENS, seed: 3 });
	await writeMultiVectorFolder(dir, {
		manifest: { dim: DIM, kind: 'text', model: c.manifest.model },
		documents: c.documents.map((record, i) => ({ record, vectors: c.docVectors(i) })),
		queries: c.queries.map((record) => ({ record, vectors: c.queryVectors(record.id)! })),
		qrels: { test: c.corpus.qrels }
	});
	core = new EngineCore({ extensions: [(e) => new NeuralHost(e, { centroidBudget: BUDGET })] });
	const files = [...readFolder(dir)].map(([path, bytes]) => ({ path, blob: new Blob([bytes]) }));
	expectType(await send({ type: 'load-corpus', source: { kind: 'vectors', name: 'synthetic', files } }), 'corpus-loaded');
}, 60_000);

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('Centroids in the worker', () => {
	it('prepare-panel (PLAID, centroids auto) trains ColBERTv2\'s count capped by the host\'s budget and says so', async () => {
		const r = expectType(await send({ type: 'prepare-panel', panel: 'colbert', options: opts({ candidates: 'plaid' }) }), 'panel-prepared');
		const index = r.stats.index!;
		const rule = defaultCentroidCount(index.vectors);
		expect(rule).toBe(2048);
		const capped = centroidCountWithin({ vectors: index.vectors, sampleVectors: index.vectors, dim: DIM }, BUDGET);
		expect(capped).toBeLessThan(rule);
		expect(index.centroids).toEqual({ count: capped, rule, capped: true });
		expect(costLine(costSummary(index, index.fp32Bytes, []))).toContain(`${capped} centroids (ColBERTv2's rule: 2,048; capped so the index builds in this tab)`);
	}, 60_000);

	it('prepare-panel (residual storage, centroids auto) is capped the same way; a number chosen is used as it is', async () => {
		const residual = expectType(await send({ type: 'prepare-panel', panel: 'colbert@2', options: opts({ storage: 'residual' }) }), 'panel-prepared');
		expect(residual.stats.index!.centroids).toMatchObject({ rule: 2048, capped: true });
		const chosen = expectType(await send({ type: 'prepare-panel', panel: 'colbert@3', options: opts({ candidates: 'plaid', centroids: 256 }) }), 'panel-prepared');
		expect(chosen.stats.index!.centroids).toEqual({ count: 256, rule: 2048, capped: false });
		expect(chosen.stats.kernel).toMatch(/^PLAID/);
	}, 60_000);

	it('prepare-panel (exhaustive fp32) reports no centroids', async () => {
		const r = expectType(await send({ type: 'prepare-panel', panel: 'colbert@4', options: opts({}) }), 'panel-prepared');
		expect(r.stats.index!.centroids).toBeUndefined();
	}, 60_000);
});
