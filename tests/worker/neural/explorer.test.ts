/**
 * The cost–quality explorer in the worker (Node, no browser): a vectors folder loads as a corpus (bad
 * folders fail with their code and leave the previous corpus loaded), ColBERT panels rank its vectors
 * without a model under the schema's storage / pool / candidates options, report their index cost, and
 * a search or an evaluation against the exact panel carries the same drift as the engine computes
 * directly from the pipelines.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMultiVectorFolderFromDisk } from '../../../src/lib/engine/corpus/node-multivector-folder';
import { rankingDrift, runDrift } from '../../../src/lib/engine/eval/drift';
import type { Run } from '../../../src/lib/engine/eval/metrics';
import { defaultOptions, type PanelOptions } from '../../../src/lib/engine/panels';
import { createColbertPipeline } from '../../../src/lib/engine/pipelines/late-interaction';
import { EngineCore } from '../../../src/lib/worker/engine-core';
import { Evaluator } from '../../../src/lib/worker/evaluate';
import type { EngineResponse } from '../../../src/lib/worker/protocol';
import { expectType, nodeNeuralHost } from '../helpers';
import { readFolder, SYNTHETIC_PAGES } from '../../support/files';

const FOLDER = SYNTHETIC_PAGES;
const folderFiles = () => readFolder(FOLDER);

const source = (files: Map<string, Uint8Array<ArrayBuffer>>) => ({ kind: 'vectors' as const, name: 'synthetic pages', files: [...files].map(([path, bytes]) => ({ path, blob: new Blob([bytes]) })) });

let core: EngineCore;
let nextId = 1;
const send = (body: Record<string, unknown>): Promise<EngineResponse> => core.handle({ ...body, id: nextId++ } as never);
const opts = (o: Partial<PanelOptions>): PanelOptions => ({ ...defaultOptions(), kernel: 'js', ...o });

beforeAll(async () => {
	core = new EngineCore({ extensions: [(c) => nodeNeuralHost(c), (c) => new Evaluator(c)] });
	const loaded = expectType(await send({ type: 'load-corpus', source: source(folderFiles()) }), 'corpus-loaded');
	expect(loaded.corpus.vectors).toMatchObject({ kind: 'image', dim: 32, synthetic: true, totalVectors: 48 * 12 });
}, 60_000);

describe('explorer in the worker', () => {
	it('load-corpus (vectors folder) lists its queries and each page image with its grid', async () => {
		const r = expectType(await send({ type: 'load-corpus', source: source(folderFiles()) }), 'corpus-loaded');
		expect(r.corpus.vectors!.queries).toHaveLength(24);
		expect(Object.keys(r.corpus.vectors!.images!)).toHaveLength(48);
		expect(r.corpus.vectors!.images!['page-01'].grid).toEqual([4, 3]);
		expect(await r.corpus.vectors!.images!['page-01'].blob!.text()).toContain('>synthetic</text>');
	});

	it('prepare-panel ranks the folder without a model and reports the index cost per storage format', async () => {
		const exact = expectType(await send({ type: 'prepare-panel', panel: 'colbert', options: opts({}) }), 'panel-prepared');
		expect(exact.stats.index).toMatchObject({ format: 'fp32', documents: 48, vectors: 576, bytes: 576 * 32 * 4, fp32Bytes: 576 * 32 * 4, dim: 32 });
		const binary = expectType(await send({ type: 'prepare-panel', panel: 'colbert@2', options: opts({ storage: 'binary' }) }), 'panel-prepared');
		expect(binary.stats.index).toMatchObject({ format: 'binary', bytes: 576 * 4, bytesPerDocument: 12 * 4, fp32Bytes: 576 * 32 * 4 });
		const plaid = expectType(await send({ type: 'prepare-panel', panel: 'colbert@3', options: opts({ candidates: 'plaid' }) }), 'panel-prepared');
		expect(plaid.stats.kernel).toMatch(/^PLAID/);
		const pooled = expectType(await send({ type: 'prepare-panel', panel: 'colbert@4', options: opts({ pool: 2 }) }), 'panel-prepared');
		expect(pooled.stats.index!.vectors).toBeLessThan(576);
		expect(pooled.stats.index!.fp32Bytes).toBe(576 * 32 * 4);
	});

	it('search with exact carries the drift the engine computes from the same pipelines in Node', async () => {
		const c = await loadMultiVectorFolderFromDisk(FOLDER);
		const exactPipeline = await createColbertPipeline({ corpus: c.corpus, options: { maxsimBackend: 'js' } });
		const binaryPipeline = await createColbertPipeline({ corpus: c.corpus, options: { maxsimBackend: 'js', storage: 'binary' } });
		const q = c.corpus.queries[3].text;
		const expected = rankingDrift((await binaryPipeline.search(q, 10)).hits, (await exactPipeline.search(q, 10)).hits, 10);
		const r = expectType(await send({ type: 'search', panel: 'colbert@2', query: q, k: 10, exact: 'colbert' }), 'search-result');
		expect(r.drift).toEqual(expected);
		const same = expectType(await send({ type: 'search', panel: 'colbert', query: q, k: 10 }), 'search-result');
		expect(same.drift).toBeUndefined();
	});

	it('evaluate with exact reports index, median query time and the engine\'s runDrift', async () => {
		const r = expectType(await send({ type: 'evaluate', panels: ['colbert', 'colbert@2'], baseline: 'colbert', exact: { 'colbert@2': 'colbert' } }), 'evaluation');
		const [exact, binary] = r.report.panels;
		expect(exact.index!.format).toBe('fp32');
		expect(binary.index!.format).toBe('binary');
		expect(Number.isFinite(binary.medianQueryMs)).toBe(true);
		const c = await loadMultiVectorFolderFromDisk(FOLDER);
		const runOf = async (options: Record<string, unknown>): Promise<Run> => {
			const p = await createColbertPipeline({ corpus: c.corpus, options: { maxsimBackend: 'js', ...options } });
			return new Map(await Promise.all(c.corpus.queries.map(async (q) => [q.id, (await p.search(q.text, 100)).hits] as const)));
		};
		const expected = runDrift(await runOf({ storage: 'binary' }), await runOf({}), 10);
		expect(binary.drift).toMatchObject({ exact: 'colbert', queries: expected.queries });
		expect(binary.drift!.overlap).toBeCloseTo(expected.overlap, 12);
		expect(binary.drift!.meanDrift).toBeCloseTo(expected.meanDrift, 6);
		expect(binary.drift!.maxDrift).toBeCloseTo(expected.maxDrift, 6);
	});

	it('load-corpus with a bad vectors folder fails with its code and keeps the previous corpus', async () => {
		const before = core.corpus;
		const bad = async (edit: (files: Map<string, Uint8Array<ArrayBuffer>>) => void) => {
			const files = folderFiles();
			edit(files);
			return expectType(await send({ type: 'load-corpus', source: source(files) }), 'error').error.code;
		};
		const text = (files: Map<string, Uint8Array<ArrayBuffer>>, name: string) => new TextDecoder().decode(files.get(name));
		const put = (files: Map<string, Uint8Array<ArrayBuffer>>, name: string, s: string) => files.set(name, new Uint8Array(new TextEncoder().encode(s)));
		expect(await bad((f) => f.delete('manifest.json'))).toBe('FILE_NOT_FOUND');
		expect(await bad((f) => f.delete('images/page-05.svg'))).toBe('FILE_NOT_FOUND');
		expect(await bad((f) => put(f, 'manifest.json', text(f, 'manifest.json').replace('"dim": 32', '"dim": 16')))).toBe('DIM_MISMATCH');
		expect(await bad((f) => put(f, 'documents.jsonl', text(f, 'documents.jsonl').replace('"grid":[4,3]', '"grid":[3,3]')))).toBe('BAD_ARGUMENT');
		expect(await bad((f) => {
			const st = f.get('documents.safetensors')!.slice();
			const header = Number(new DataView(st.buffer).getBigUint64(0, true));
			new DataView(st.buffer).setFloat32(8 + header + 4 * 7, NaN, true);
			f.set('documents.safetensors', st);
		})).toBe('NOT_FINITE');
		expect(core.corpus).toBe(before);
	});
});
