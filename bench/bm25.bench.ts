/**
 * BM25 on SciFact: index build time (median of several builds), queries per second over the 300 test
 * queries and all 1,109 queries (k = 10 and k = 1000), index bytes, (de)serialisation time, and one
 * build of a ~100k-document corpus (SciFact repeated, ids made unique) to check scaling, and the index
 * cache the CLI uses (`cachedBm25Index` over a `NodeDiskStore` in a temporary folder): building and
 * writing vs loading (fingerprint + file read + deserialise), medians over `--runs`.
 *
 *   npx tsx bench/bm25.bench.ts [--json] [--runs 5] [--scale 20]
 *
 * Reads `$LATELAB_DATA/scifact` or `../shared/data/scifact`; exits 0 with a note when it is absent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectionDir } from '../tests/support/data';
import { benchArgs, median, round } from './bench-support';
import { loadCorpusFromPath } from '../src/lib/engine/corpus/node-files';
import { Bm25Index } from '../src/lib/engine/lexical';
import { cachedBm25Index } from '../src/lib/engine/store/bm25-cached';
import { NodeDiskStore } from '../src/lib/engine/store/node-disk-store';
import type { Doc } from '../src/lib/engine/types';

const { json, flag } = benchArgs();
const runs = flag('--runs', 5);
const scale = flag('--scale', 20);

const dir = collectionDir('scifact');
if (dir === null) {
	console.log(`bm25 bench skipped: scifact not found (set LATELAB_DATA; looked beside ${resolve(dirname(fileURLToPath(import.meta.url)), '..')})`);
	process.exit(0);
}

// Wall time, and this process's CPU time: on a shared machine the CPU figure is the steadier one.
let lastCpuMs = 0;
const time = <T>(f: () => T): [T, number] => {
	const cpu = process.cpuUsage();
	const start = performance.now();
	const value = f();
	const wall = performance.now() - start;
	const used = process.cpuUsage(cpu);
	lastCpuMs = (used.user + used.system) / 1000;
	return [value, wall];
};

const corpus = await loadCorpusFromPath(dir, { split: 'test' });
const buildTimes: number[] = [];
const buildCpu: number[] = [];
let index!: Bm25Index;
for (let r = 0; r < runs; r++) {
	const [built, ms] = time(() => Bm25Index.build(corpus.docs));
	index = built;
	buildTimes.push(ms);
	buildCpu.push(lastCpuMs);
}

function queryRate(texts: string[], k: number) {
	const passes: number[] = [];
	const cpu: number[] = [];
	for (let r = 0; r < runs; r++) {
		passes.push(time(() => texts.forEach((t) => index.search(t, k)))[1]);
		cpu.push(lastCpuMs);
	}
	const ms = median(passes);
	const cpuMs = median(cpu);
	return {
		queries: texts.length,
		k,
		medianPassMs: round(ms),
		queriesPerSecond: Math.round((texts.length * 1000) / ms),
		queriesPerCpuSecond: Math.round((texts.length * 1000) / Math.max(cpuMs, 0.001)),
		msPerQuery: round(ms / texts.length, 3)
	};
}

const byId = new Map(corpus.queries.map((q) => [q.id, q.text]));
const testQueries = [...corpus.qrels.keys()].map((id) => byId.get(id) ?? '');
const allQueries = corpus.queries.map((q) => q.text);
const search = [queryRate(testQueries, 10), queryRate(allQueries, 10), queryRate(testQueries, 1000), queryRate(allQueries, 1000)];

const [bytes, serializeMs] = time(() => index.serialize());
const [, deserializeMs] = time(() => Bm25Index.deserialize(bytes));

// The CLI's path: cold (fingerprint, lookup, buildAsync, serialise, write) vs warm (fingerprint, read, deserialise).
const cacheRoot = mkdtempSync(join(tmpdir(), 'latelab-bm25-bench-'));
const cold: number[] = [];
const warm: number[] = [];
try {
	for (let r = 0; r < runs; r++) {
		const store = new NodeDiskStore(join(cacheRoot, `run${r}`));
		let t0 = performance.now();
		const built = await cachedBm25Index({ docs: corpus.docs, store });
		cold.push(performance.now() - t0);
		t0 = performance.now();
		const loaded = await cachedBm25Index({ docs: corpus.docs, store });
		warm.push(performance.now() - t0);
		if (built.source !== 'built' || loaded.source !== 'store') throw new Error(`cache bench: expected built then store, got ${built.source}, ${loaded.source}`);
	}
} finally {
	rmSync(cacheRoot, { recursive: true, force: true });
}
const cache = { coldBuildAndWriteMs: round(median(cold)), warmLoadMs: round(median(warm)), speedup: round(median(cold) / median(warm), 1) };
const textBytes = corpus.docs.reduce((sum, d) => sum + Buffer.byteLength(d.id) + Buffer.byteLength(d.title) + Buffer.byteLength(d.text), 0);

let scaled: { docs: number; buildMs: number; buildCpuMs: number; heapUsedMB: number; indexBytes: number; qpsTestK10: number } | null = null;
if (scale > 1) {
	const docs: Doc[] = [];
	for (let copy = 0; copy < scale; copy++) for (const d of corpus.docs) docs.push({ id: `${d.id}#${copy}`, title: d.title, text: d.text });
	const [big, ms] = time(() => Bm25Index.build(docs));
	const bigCpuMs = lastCpuMs;
	const [, searchMs] = time(() => testQueries.forEach((t) => big.search(t, 10)));
	scaled = {
		docs: docs.length,
		buildMs: Math.round(ms),
		buildCpuMs: Math.round(bigCpuMs),
		heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
		indexBytes: big.serialize().length,
		qpsTestK10: Math.round((testQueries.length * 1000) / searchMs)
	};
}

const result = {
	bench: 'bm25',
	date: new Date().toISOString(),
	machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
	data: dir,
	docs: corpus.docs.length,
	options: index.options,
	vocabulary: index.vocabularySize,
	avgDocLength: round(index.avgDocLength),
	build: { runs, medianMs: round(median(buildTimes)), medianCpuMs: round(median(buildCpu)), allMs: buildTimes.map((t) => round(t)) },
	search,
	indexBytes: bytes.length,
	corpusTextBytes: textBytes,
	serializeMs: round(serializeMs),
	deserializeMs: round(deserializeMs),
	cache,
	scaled
};

if (json) {
	console.log(JSON.stringify(result));
} else {
	console.log(`BM25 on ${result.docs} SciFact documents (${result.vocabulary} terms, avgdl ${result.avgDocLength}), ${result.machine.cores} cores, Node ${result.machine.node}`);
	console.log(`build: median ${result.build.medianMs} ms wall, ${result.build.medianCpuMs} ms CPU over ${runs} runs (${result.build.allMs.join(', ')})`);
	for (const s of search) console.log(`search k=${s.k}: ${s.queries} queries, ${s.queriesPerSecond} q/s wall, ${s.queriesPerCpuSecond} per CPU second (${s.msPerQuery} ms/query)`);
	console.log(`index: ${(result.indexBytes / 2 ** 20).toFixed(2)} MiB serialised (corpus text ${(textBytes / 2 ** 20).toFixed(2)} MiB of it at most); serialize ${result.serializeMs} ms, deserialize ${result.deserializeMs} ms`);
	console.log(`cache (disk, ${runs} runs): build + write ${cache.coldBuildAndWriteMs} ms, load ${cache.warmLoadMs} ms (${cache.speedup}x)`);
	if (scaled) console.log(`scale x${scale}: ${scaled.docs} docs built in ${scaled.buildMs} ms (${scaled.buildCpuMs} ms CPU), JS heap ${scaled.heapUsedMB} MiB, ${(scaled.indexBytes / 2 ** 20).toFixed(1)} MiB serialised, ${scaled.qpsTestK10} q/s (k=10)`);
}
