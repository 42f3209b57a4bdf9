/**
 * LanceDB as latelab's on-disk engine, on the synthetic multi-vector collection (the SOURCE generator:
 * topics, contextual noise, queries drawn from a target document): store write time and bytes on disk,
 * IVF_PQ build time, and per query the latency (median, p90) of
 * - exhaustive multivector search (`bypassVectorIndex`, exact MaxSim: the reference top 10),
 * - ANN through the multivector IVF_PQ index at several `nprobes` (recall@10 against exhaustive),
 * - two-phase: pooled single vector (its IVF_PQ index) top `depth`, exact MaxSim rerank (recall@10).
 *
 *   npx tsx bench/lancedb.bench.ts [--docs 10000] [--queries 30] [--dim 96] [--tokens 120]
 *     [--partitions 0 (LanceDB default)] [--subvectors 0 (default)] [--exhaustive-queries 30] [--js-reference]
 *     [--json] [--keep] [--store <dir>]
 *
 * `--store <dir>` searches a store written by an earlier run with the same --docs/--dim/--tokens (kept with
 * --keep, or left by an interrupted run) instead of writing and indexing again.
 * The recall reference is LanceDB's exhaustive search, or with --js-reference latelab's own exact MaxSim
 * (a `MultiVectorIndex` on the fastest kernel, filled and scored 5,000 regenerated documents at a time:
 * no 100k x 120 x 96 floats in memory), which
 * lets --exhaustive-queries be small (LanceDB's exhaustive scan is then timed on that many and checked
 * against the reference).
 * Writes the store to a temporary folder (removed at the end unless --keep).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lanceModules } from '../src/cli/lance-modules';
import { generateSyntheticCollection } from '../src/lib/engine/corpus/synthetic-multivector';
import { openLanceStore, type StoreSearchOptions } from '../src/lib/engine/engines/lancedb-search';
import { buildLanceIndex, writeLanceStore } from '../src/lib/engine/engines/lancedb-write';
import type { MultiVectorDoc } from '../src/lib/engine/index/serialize';
import { MultiVectorIndex } from '../src/lib/engine/index/multivector';
import { benchArgs, median, round } from './bench-support';

const { json, flag } = benchArgs();
const nDocs = flag('--docs', 10_000);
const nQueries = flag('--queries', 30);
const dim = flag('--dim', 96);
const tokens = flag('--tokens', 120);
const partitions = flag('--partitions', 0) || undefined;
const subVectors = flag('--subvectors', 0) || undefined;
const exhaustiveQueries = Math.min(nQueries, flag('--exhaustive-queries', nQueries));
const keep = process.argv.includes('--keep');
const jsReference = process.argv.includes('--js-reference');
const storeArg = process.argv.indexOf('--store');
const reuse = storeArg >= 0 ? process.argv[storeArg + 1] : undefined;

const log = (s: string) => {
	if (!json) console.log(s);
};
const modules = lanceModules();
const dir = reuse ?? mkdtempSync(join(tmpdir(), 'latelab-lancedb-bench-'));
const folderBytes = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? folderBytes(join(d, e.name)) : statSync(join(d, e.name)).size), 0);
const p90 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.9))];

const t0 = performance.now();
const c = generateSyntheticCollection({ docs: nDocs, queries: nQueries, dim, tokensPerDoc: tokens, seed: 1, text: false });
const genMs = performance.now() - t0;
log(`synthetic: ${nDocs} docs, ${c.totalVectors} vectors (dim ${dim}), ${c.queries.length} queries; generated in ${round(genMs / 1000)} s`);

const source = {
	dim,
	async *documents() {
		for (let first = 0; first < nDocs; first += 256) {
			const docs: MultiVectorDoc[] = [];
			for (let row = first; row < Math.min(nDocs, first + 256); row++) docs.push({ matrix: c.docVectors(row), ids: [], tokens: [] });
			yield { first, docs };
		}
	}
};
let cpuMark = process.cpuUsage();
const cpuSince = () => {
	const used = process.cpuUsage(cpuMark);
	cpuMark = process.cpuUsage();
	return (used.user + used.system) / 1000;
};
let write = { ms: 0 };
let writeCpuMs = 0;
let built = { ms: 0, columns: [] as string[] };
let indexCpuMs = 0;
let bytesNoIndex = 0;
if (!reuse) {
	write = await writeLanceStore({
		modules,
		uri: dir,
		meta: { model: 'synthetic', dim, pool: 1, documents: nDocs, source: `synthetic-${nDocs}-${dim}-${tokens}`, kind: 'text' },
		source,
		info: (row) => ({ id: c.documents[row].id, title: '', text: '' }),
		onProgress: (p) => {
			if (!json && p.done % 10240 === 0) console.log(`  written ${p.done}/${p.total}`);
		}
	});
	writeCpuMs = cpuSince();
	bytesNoIndex = folderBytes(dir);
	log(`write: ${round(write.ms / 1000)} s (cpu ${round(writeCpuMs / 1000)} s), ${round(bytesNoIndex / 1e6)} MB on disk (${round(bytesNoIndex / nDocs)} B/doc)`);
	built = await buildLanceIndex(modules, dir, { partitions, subVectors });
	indexCpuMs = cpuSince();
	log(`IVF_PQ on ${built.columns.join(' + ')}: ${round(built.ms / 1000)} s (cpu ${round(indexCpuMs / 1000)} s), ${round(folderBytes(dir) / 1e6)} MB on disk with the indexes`);
}
const bytesIndexed = folderBytes(dir);
const store = await openLanceStore(modules, dir);
const queries = c.queries.map((q) => c.queryVectors(q.id)!);

const reference: string[][] = [];
if (jsReference) {
	const t = performance.now();
	const best = queries.map(() => [] as { id: string; score: number }[]);
	for (let first = 0; first < nDocs; first += 5000) {
		const index = await MultiVectorIndex.create(dim);
		const rows = Math.min(nDocs, first + 5000) - first;
		for (let b = 0; b < rows; b += 500) {
			const docs: MultiVectorDoc[] = [];
			for (let r = first + b; r < first + Math.min(rows, b + 500); r++) docs.push({ matrix: c.docVectors(r), ids: [], tokens: [] });
			await index.add(docs);
		}
		for (let i = 0; i < queries.length; i++) {
			for (const h of await index.topK(queries[i], 10)) best[i].push({ id: c.documents[first + h.index].id, score: h.score });
			best[i].sort((a, b) => b.score - a.score);
			best[i].length = Math.min(best[i].length, 10);
		}
		await index.dispose();
	}
	best.forEach((top, i) => (reference[i] = top.map((h) => h.id)));
	log(`reference: latelab exact MaxSim over ${nDocs} documents for ${queries.length} queries in ${round((performance.now() - t) / 1000)} s`);
}

type Row = { name: string; ms: number[]; cpuMs: number[]; recall: number[] };
const rows: Row[] = [];
async function measure(name: string, options: StoreSearchOptions, count: number) {
	const row: Row = { name, ms: [], cpuMs: [], recall: [] };
	for (let i = 0; i < count; i++) {
		// Wall time, and this process's CPU time (LanceDB's threads included): on a shared machine the
		// CPU figure is the steadier one.
		const cpu = process.cpuUsage();
		const start = performance.now();
		const { hits } = await store.search(queries[i], 10, options);
		row.ms.push(performance.now() - start);
		const used = process.cpuUsage(cpu);
		row.cpuMs.push((used.user + used.system) / 1000);
		const ids = hits.map((h) => h.id);
		if (options.mode === 'exhaustive' && !jsReference) reference[i] = ids;
		else row.recall.push(ids.filter((id) => reference[i].includes(id)).length / reference[i].length);
	}
	rows.push(row);
	log(`  ${name.padEnd(30)} median ${round(median(row.ms))} ms  p90 ${round(p90(row.ms))} ms  cpu ${round(median(row.cpuMs))} ms${row.recall.length ? `  recall@10 ${round(row.recall.reduce((s, x) => s + x, 0) / row.recall.length, 3)}` : ''}`);
}

const measured = jsReference ? nQueries : exhaustiveQueries;
log(`queries (${measured} with ${jsReference ? "latelab's exact" : "LanceDB's exhaustive"} reference), top 10:`);
if (exhaustiveQueries > 0) await measure('exhaustive (exact MaxSim)', { mode: 'exhaustive' }, exhaustiveQueries);
for (const nprobes of [10, 20, 50]) await measure(`ann nprobes ${nprobes}`, { mode: 'ann', nprobes }, measured);
await measure('ann nprobes 20, refine 10', { mode: 'ann', nprobes: 20, refine: 10 }, measured);
for (const depth of [100, 200, 500]) await measure(`two-phase depth ${depth}`, { mode: 'two-phase', depth }, measured);

const summary = {
	docs: nDocs,
	vectors: c.totalVectors,
	dim,
	queries: measured,
	reference: jsReference ? 'latelab maxSim' : 'lancedb exhaustive',
	machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`,
	writeMs: round(write.ms),
	writeCpuMs: round(writeCpuMs),
	indexCpuMs: round(indexCpuMs),
	bytesOnDisk: bytesNoIndex,
	bytesWithIndex: bytesIndexed,
	indexMs: round(built.ms),
	indexColumns: built.columns,
	indices: store.indices,
	results: rows.map((r) => ({
		name: r.name,
		medianMs: round(median(r.ms)),
		p90Ms: round(p90(r.ms)),
		medianCpuMs: round(median(r.cpuMs)),
		recallAt10: r.recall.length ? round(r.recall.reduce((s, x) => s + x, 0) / r.recall.length, 3) : 1
	}))
};
if (json) console.log(JSON.stringify(summary, null, 2));
if (!keep && !reuse) rmSync(dir, { recursive: true, force: true });
else log(`store kept in ${dir}`);
