/**
 * What the ColBERT cost benchmarks (`compression.bench.ts`, `candidates.bench.ts`) share: the
 * collections they run on (the synthetic one at a size, SciFact with the generated tiny ColBERT in a
 * temporary disk store), the query vectors, and the timed query loop (warm-up, wall and process CPU
 * time per query, the run for nDCG, recall@10 against the exact top 10).
 *
 * @example
 * quantile([4, 1, 3, 2], 0.5) // 3
 * recallAgainst(['a', 'b'], ['b', 'c']) // 0.5
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryKeyFor } from '../src/lib/engine/corpus/multivector-folder';
import { loadCorpusFromPath } from '../src/lib/engine/corpus/node-files';
import { generateSyntheticCollection, type SyntheticOptions } from '../src/lib/engine/corpus/synthetic-multivector';
import type { Run } from '../src/lib/engine/eval/metrics';
import { openMultiVectorSource } from '../src/lib/engine/pipelines/multivector-source';
import type { NeuralDeps } from '../src/lib/engine/pipelines/neural-context';
import { NodeDiskStore } from '../src/lib/engine/store/node-disk-store';
import type { Corpus, TokenMatrix } from '../src/lib/engine/types';
import { collectionDir } from '../tests/support/data';
import { round } from './bench-support';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from './encoders-support';

/** A collection a benchmark runs on: corpus, what opens its vectors, and the queries (id, text or vector key). */
export interface BenchCollection {
	corpus: Corpus;
	deps: NeuralDeps;
	options: Record<string, unknown>;
	queries: { id: string; key: string }[];
}

export const log = (m: string) => process.stderr.write(`${m}\n`);

/** The value at quantile `q` of `xs` (no interpolation). */
export const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Share of `exact` found in `ids` (recall@|exact|; 0 / 0 counts as 0). */
export function recallAgainst(exact: readonly string[] | undefined, ids: readonly string[]): number {
	const want = new Set(exact);
	return ids.filter((id) => want.has(id)).length / Math.max(1, want.size);
}

/** The synthetic collection (`generateSyntheticCollection`, seed 7, no text) with its own query vectors. */
export function syntheticCollection(options: Omit<SyntheticOptions, 'seed' | 'text'>): BenchCollection {
	const t0 = performance.now();
	const collection = generateSyntheticCollection({ ...options, seed: 7, text: false });
	log(`synthetic ${options.docs}: ${collection.totalVectors} vectors, generated in ${round(performance.now() - t0)} ms`);
	const corpus = collection.corpus;
	return { corpus, deps: {}, options: {}, queries: corpus.queries.map((q) => ({ id: q.id, key: queryKeyFor(corpus, q) })) };
}

/**
 * SciFact (from `/work/shared/data`) encoded by the generated tiny ColBERT into a disk store under
 * `storeDir`, with its first `maxQueries` judged queries; undefined when the data is not there.
 */
export async function scifactCollection(storeDir: string, maxQueries: number): Promise<BenchCollection | undefined> {
	const dir = collectionDir('scifact');
	if (!dir) return undefined;
	await generateFixtures();
	const corpus = await loadCorpusFromPath(dir, {});
	const judged = corpus.queries.filter((q) => (corpus.qrels.get(q.id)?.size ?? 0) > 0).slice(0, maxQueries);
	return {
		corpus,
		deps: { store: new NodeDiskStore(storeDir) },
		options: { models: { colbert: fixtureModelDir(FIXTURE_MODELS.colbertPylate) } },
		queries: judged.map((q) => ({ id: q.id, key: q.text }))
	};
}

/** Runs `task` with a fresh temporary folder for a disk store, then deletes it and its `<folder>.meta`. */
export async function withStoreDir<T>(prefix: string, task: (dir: string) => Promise<T>): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	try {
		return await task(dir);
	} finally {
		// The disk store keeps its entries' descriptions and leases beside the folder, in <folder>.meta.
		for (const d of [dir, `${dir}.meta`]) rmSync(d, { recursive: true, force: true });
	}
}

/** Each query's vectors, from the collection's source (opened and closed here). */
export async function queryVectorsOf(b: BenchCollection): Promise<Map<string, TokenMatrix>> {
	const source = await openMultiVectorSource({ corpus: b.corpus, options: { ...b.options } }, b.deps);
	try {
		const vectors = new Map<string, TokenMatrix>();
		for (const q of b.queries) vectors.set(q.id, await source.queryVectors(q.key));
		return vectors;
	} finally {
		await source.dispose();
	}
}

/** What `timeQueries` measured: per-query wall and CPU ms, the ranked ids as a run, and each result. */
export interface TimedQueries<R> {
	run: Run;
	times: number[];
	cpu: number[];
	results: { id: string; ids: string[]; result: R }[];
}

/**
 * One warm-up search (unless `warmUp` is false), then every query timed: wall time and the process's CPU
 * time (all its threads, steadier than wall time on a shared machine). `idsOf` names a result's ranked documents.
 */
export async function timeQueries<R>(queries: { id: string }[], vectors: Map<string, TokenMatrix>, search: (q: TokenMatrix) => Promise<R>, idsOf: (r: R) => string[], warmUp = true): Promise<TimedQueries<R>> {
	if (warmUp) await search(vectors.get(queries[0].id)!);
	const out: TimedQueries<R> = { run: new Map(), times: [], cpu: [], results: [] };
	for (const q of queries) {
		const t0 = performance.now();
		const c0 = process.cpuUsage();
		const result = await search(vectors.get(q.id)!);
		out.times.push(performance.now() - t0);
		const c = process.cpuUsage(c0);
		out.cpu.push((c.user + c.system) / 1000);
		const ids = idsOf(result);
		out.run.set(q.id, ids.map((id, i) => ({ id, score: -i, rank: i + 1 })));
		out.results.push({ id: q.id, ids, result });
	}
	return out;
}
