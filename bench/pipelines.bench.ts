/**
 * Neural pipelines on the generated tiny ColBERT (PyLate layout) over the first `--docs` SciFact
 * documents (the demo corpus when SciFact is absent): what the encoded-corpus cache saves (first
 * build with encoding vs a build read back from the disk store), the binary batch format's
 * serialise/parse speed, and queries/s of exhaustive `colbert` vs `colbert-rerank` (BM25 top 100).
 * The model is tiny, so encoding numbers measure latelab's plumbing, not a real model.
 *
 *   npx tsx bench/pipelines.bench.ts [--json] [--docs 2000] [--queries 100]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpusFromPath } from '../src/lib/engine/corpus/node-files';
import { loadDemoCorpus } from '../src/lib/engine/corpus/demo';
import { decodeMultiVectorBatch, encodeMultiVectorBatch } from '../src/lib/engine/index/serialize';
import { createColbertPipeline, createColbertRerankPipeline } from '../src/lib/engine/pipelines/late-interaction';
import { NodeDiskStore } from '../src/lib/engine/store/node-disk-store';
import type { Corpus } from '../src/lib/engine/types';
import { collectionDir } from '../tests/support/data';
import { benchArgs, round } from './bench-support';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from './encoders-support';

const { json, flag } = benchArgs();
const nDocs = flag('--docs', 2000);
const nQueries = flag('--queries', 100);

await generateFixtures();
const scifact = collectionDir('scifact');
const full: Corpus = scifact ? await loadCorpusFromPath(scifact, {}) : loadDemoCorpus();
const corpus: Corpus = { ...full, docs: full.docs.slice(0, nDocs) };
const queries = full.queries.slice(0, nQueries).map((q) => q.text);
const model = fixtureModelDir(FIXTURE_MODELS.colbertPylate);
const storeDir = mkdtempSync(join(tmpdir(), 'latelab-bench-store-'));
const deps = { store: new NodeDiskStore(storeDir) };
const options = { models: { colbert: model }, batchSize: 32 };

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
	const t0 = performance.now();
	const value = await f();
	return [value, performance.now() - t0];
}

try {
	const [fresh, freshMs] = await timed(() => createColbertPipeline({ corpus, options }, deps));
	const stage = (p: typeof fresh, name: string) => round(p.buildTimings!.filter((t) => t.stage === name).reduce((s, t) => s + t.ms, 0));
	const freshEncode = stage(fresh, 'encode-corpus');
	const kernel = fresh.kernel;
	const qps = async (p: { search(q: string, k: number): Promise<unknown> }) => {
		await p.search(queries[0], 10);
		const t0 = performance.now();
		for (const q of queries) await p.search(q, 10);
		return round((queries.length / (performance.now() - t0)) * 1000);
	};
	const exhaustiveQps = await qps(fresh);
	await fresh.dispose?.();

	const [cached, cachedMs] = await timed(() => createColbertPipeline({ corpus, options }, deps));
	const cachedEncode = stage(cached, 'encode-corpus');
	await cached.dispose?.();
	const rerank = await createColbertRerankPipeline({ corpus, options: { ...options, depth: 100 } }, deps);
	const rerankQps = await qps(rerank);
	await rerank.dispose?.();

	// The batch format alone: parse every stored batch (header, length, CRC-32), then serialise it again.
	const [entry] = readdirSync(storeDir);
	const files = readdirSync(join(storeDir, entry)).map((f) => readFileSync(join(storeDir, entry, f)));
	const stored = files.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
	const [batches, readMs] = await timed(async () => stored.map((b, i) => decodeMultiVectorBatch(b, `batch ${i}`)));
	const [bytes, writeMs] = await timed(async () => batches.map((b) => encodeMultiVectorBatch(b)));
	const mb = bytes.reduce((s, b) => s + b.byteLength, 0) / 1e6;

	const result = {
		corpus: `${corpus.name} (first ${corpus.docs.length} documents)`,
		queries: queries.length,
		kernel: `${kernel.backend} (${kernel.reason})`,
		build: { freshMs: round(freshMs), freshEncodeMs: freshEncode, cachedMs: round(cachedMs), cachedEncodeMs: cachedEncode },
		store: { megabytes: round(mb, 2), serialiseMBps: round(mb / (writeMs / 1000)), parseMBps: round(mb / (readMs / 1000)) },
		queriesPerSec: { colbert: exhaustiveQps, colbertRerank100: rerankQps }
	};
	console.log(json ? JSON.stringify(result) : result);
} finally {
	rmSync(storeDir, { recursive: true, force: true });
}
