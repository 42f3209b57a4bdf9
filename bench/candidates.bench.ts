/**
 * Candidate stages against exhaustive MaxSim: exhaustive fp32 (`colbert`, the MaxSim kernel), MUVERA
 * (`colbert-muvera`, depth 50 / 100 / 300 by default over one FDE index) and PLAID (`colbert-plaid`, ColBERT's
 * k <= 10 defaults and the k <= 100 / k > 100 settings over one index), on the synthetic collection
 * (`generateSyntheticCollection`) at each `--sizes` and on SciFact with the generated tiny ColBERT.
 * Per method: build time (index only: packing, FDEs, k-means + residual encoding), index bytes, query
 * latency (median, p90, and median CPU time of the process, which stays meaningful when other processes
 * share the cores; query vectors given, so encoding is not counted), candidate and touched
 * shares, nDCG@10 on the qrels and recall@10 against the exhaustive top 10; and, across sizes, how the
 * median query time grows.
 *
 *   npx tsx bench/candidates.bench.ts [--json] [--sizes 10000,100000] [--tokens 120] [--queries 30] [--shard-gb 1]
 *                                      [--centroids 1024] [--scifact-queries 100] [--no-scifact] [--no-synthetic]
 *                                      [--methods muvera,plaid] (the exhaustive baseline always runs)
 *                                      [--muvera k_sim=5,dim_proj=16,r_reps=20] (fastembed's defaults)
 *                                      [--depths 50,100,300] (MUVERA's rescoring depths, one FDE index)
 *                                      [--topics 1000] (the generator's topic count; default documents / 100, at most 400)
 *
 * `--centroids` sets PLAID's k on the synthetic collections (0: ColBERTv2's 2^floor(log2(16 sqrt(vectors))));
 * SciFact always uses ColBERTv2's k.
 */
import { cpus, loadavg } from 'node:os';
import { evaluateRun } from '../src/lib/engine/eval/metrics';
import { createMuveraPipeline, createPlaidPipeline, type CandidateOverrides, type CandidatePipeline } from '../src/lib/engine/pipelines/candidate-stages';
import type { CandidateStage } from '../src/lib/engine/candidates/top';
import { MultiVectorIndex } from '../src/lib/engine/index/multivector';
import type { MultiVectorDoc } from '../src/lib/engine/index/serialize';
import { openMultiVectorSource } from '../src/lib/engine/pipelines/multivector-source';
import type { Qrels, TokenMatrix } from '../src/lib/engine/types';
import { benchArgs, muveraFlag, round } from './bench-support';
import { log, quantile, recallAgainst, scifactCollection, syntheticCollection, timeQueries, withStoreDir, type BenchCollection } from './collection-support';

const args = process.argv.slice(2);
const { json, flag, optional, list: listFlag } = benchArgs(args);
const sizes = args.includes('--no-synthetic') ? [] : listFlag('--sizes', [10_000, 100_000]);
const tokens = flag('--tokens', 120);
const topics = optional('--topics');
const shardGb = flag('--shard-gb', 1);
const nQueries = flag('--queries', 30);
const centroidsFlag = flag('--centroids', 1024);
const scifactQueries = flag('--scifact-queries', 100);
const muveraDepths = listFlag('--depths', [50, 100, 300]);
const methods = args.includes('--methods') ? args[args.indexOf('--methods') + 1].split(',') : ['muvera', 'plaid'];
/** MUVERA's FDE parameters (fastembed's defaults unless `--muvera k_sim=5,dim_proj=16,r_reps=20` says otherwise). */
const muveraParams = muveraFlag(args);
const muveraLabel = `k_sim ${muveraParams.k_sim}, dim_proj ${muveraParams.dim_proj}, r_reps ${muveraParams.r_reps}`;
const muveraDefault = muveraParams.k_sim === 5 && muveraParams.dim_proj === 16 && muveraParams.r_reps === 20;

interface Row {
	collection: string;
	method: string;
	buildMs: number;
	bytes: number;
	bytesPerDocument: number;
	medianMs: number;
	p90Ms: number;
	/** Median CPU time of this process per query (all its threads): steadier than wall time on a shared machine. */
	cpuMedianMs: number;
	candidateShare: number;
	touchedShare: number;
	ndcg10: number;
	recall10VsExact: number;
	/** Median wall ms per stage of the candidate search (its own report). */
	stageMs?: Record<string, number>;
	/** Mean documents per stage. */
	stageDocs?: Record<string, number>;
}

interface Bench extends BenchCollection {
	label: string;
	centroids?: number;
}

async function runCollection(b: Bench): Promise<Row[]> {
	const rows: Row[] = [];
	const qrels: Qrels = new Map(b.queries.map((q) => [q.id, b.corpus.qrels.get(q.id) ?? new Map()]));
	const n = b.corpus.docs.length;
	const exactTop = new Map<string, string[]>();
	const measure = async (
		method: string,
		build: { buildMs: number; bytes: number },
		search: (q: TokenMatrix) => Promise<{ ids: string[]; candidates: number; touched: number; stages?: CandidateStage[] }>,
		vectors: Map<string, TokenMatrix>,
		timed?: { wall: number; cpu: number }[]
	) => {
		// `timed`: per-query times measured elsewhere (the sharded exhaustive scan); the loop then only collects results.
		const measured = await timeQueries(b.queries, vectors, search, (r) => r.ids, timed === undefined);
		const { run, results } = measured;
		const times = timed ? timed.map((t) => t.wall) : measured.times;
		const cpu = timed ? timed.map((t) => t.cpu) : measured.cpu;
		let cand = 0;
		let touched = 0;
		let recall = 0;
		for (const { id, ids, result } of results) {
			cand += result.candidates / n;
			touched += result.touched / n;
			if (method === 'exhaustive') exactTop.set(id, ids);
			recall += recallAgainst(exactTop.get(id), ids);
		}
		const ndcg = evaluateRun(run, qrels, ['ndcg@10']).mean['ndcg@10'];
		const row: Row = {
			collection: b.label,
			method,
			buildMs: round(build.buildMs),
			bytes: build.bytes,
			bytesPerDocument: round(build.bytes / n),
			medianMs: round(quantile(times, 0.5), 2),
			p90Ms: round(quantile(times, 0.9), 2),
			cpuMedianMs: round(quantile(cpu, 0.5), 2),
			candidateShare: round(cand / b.queries.length, 4),
			touchedShare: round(touched / b.queries.length, 4),
			ndcg10: round(ndcg, 4),
			recall10VsExact: round(recall / b.queries.length, 3)
		};
		const staged = results.filter((r) => r.result.stages);
		if (staged.length > 0) {
			row.stageMs = {};
			row.stageDocs = {};
			for (const st of staged[0].result.stages!) {
				const of = staged.map((r) => r.result.stages!.find((x) => x.stage === st.stage)!);
				row.stageMs[st.stage] = round(quantile(of.map((x) => x.ms), 0.5), 2);
				row.stageDocs[st.stage] = round(of.reduce((s, x) => s + x.documents, 0) / of.length, 1);
			}
		}
		rows.push(row);
		log(`  ${method}: ${JSON.stringify(row)}`);
	};

	log(`${b.label}: exhaustive`);
	// The exhaustive baseline: the same source, every document packed into the MaxSim kernel (fp32).
	// A WASM memory holds at most 4 GiB (100k documents x 120 vectors x 96 dims is 4.6 GB), and this
	// machine's memory is shared, so the documents go in shards of at most --shard-gb, one resident at
	// a time: each shard is packed, every query scored on it (all threads), then it is freed. A query's
	// time is the sum of its shard times (what a scan of every document costs), its top 10 the merge.
	const source = await openMultiVectorSource({ corpus: b.corpus, options: { ...b.options } }, b.deps);
	const vectors = new Map<string, TokenMatrix>();
	for (const q of b.queries) vectors.set(q.id, await source.queryVectors(q.key));
	let packMs = 0;
	let floats = 0;
	let packed = 0;
	let shardCount = 0;
	const shardTimes = new Map(b.queries.map((q) => [q.id, { wall: 0, cpu: 0, hits: [] as { index: number; score: number }[] }]));
	let pending: MultiVectorDoc[][] = [];
	let pendingFloats = 0;
	const runShard = async () => {
		if (pending.length === 0) return;
		const t0 = performance.now();
		const index = await MultiVectorIndex.create(source.dim, {});
		for (const docs of pending) await index.add(docs);
		packMs += performance.now() - t0;
		if (shardCount === 0) log(`  MaxSim kernel: ${index.choice.backend} (${index.choice.reason})`);
		const first = packed;
		packed += pending.reduce((s, d) => s + d.length, 0);
		pending = [];
		pendingFloats = 0;
		shardCount++;
		await index.topK(vectors.get(b.queries[0].id)!, 10); // warm-up
		for (const q of b.queries) {
			const w0 = performance.now();
			const c0 = process.cpuUsage();
			const top = await index.topK(vectors.get(q.id)!, 10);
			const c = process.cpuUsage(c0);
			const t = shardTimes.get(q.id)!;
			t.wall += performance.now() - w0;
			t.cpu += (c.user + c.system) / 1000;
			for (const h of top) t.hits.push({ index: first + h.index, score: h.score });
		}
		await index.dispose();
	};
	for await (const { docs } of source.documents()) {
		const batchFloats = docs.reduce((s, d) => s + d.matrix.rows * d.matrix.dim, 0);
		if (pendingFloats + batchFloats > (shardGb * 2 ** 30) / 4) await runShard();
		pending.push(docs);
		pendingFloats += batchFloats;
		floats += batchFloats;
	}
	await runShard();
	log(`  ${shardCount} shard(s), packed in ${round(packMs)} ms`);
	let i = 0;
	await measure('exhaustive', { buildMs: packMs, bytes: floats * 4 }, async (q) => {
		// The searches were timed shard by shard above; this replays their merged top 10 in query order.
		const id = b.queries[i++ % b.queries.length].id;
		const top = shardTimes.get(id)!.hits.sort((x, y) => y.score - x.score || x.index - y.index).slice(0, 10);
		return { ids: top.map((t) => source.ids[t.index]), candidates: n, touched: n };
	}, vectors, b.queries.map((q) => shardTimes.get(q.id)!));
	await source.dispose();

	const sweep = async (p: CandidatePipeline, label: string, settings: CandidateOverrides) =>
		measure(label, { buildMs: p.indexStats.buildMs, bytes: p.indexStats.bytes }, async (q) => {
			const r = await p.searchVectors(q, 10, settings);
			return { ids: r.top.map((t) => p.source.ids[t.index]), candidates: r.candidates, touched: r.touched, stages: r.stages };
		}, vectors);

	if (methods.includes('muvera')) {
		log(`${b.label}: MUVERA (${muveraLabel})`);
		const muvera = await createMuveraPipeline({ corpus: b.corpus, options: { ...b.options, ...muveraParams }, onProgress: progress('fde') }, b.deps);
		log(`  ${muvera.kernel}; build ${JSON.stringify(muvera.buildTimings)}`);
		for (const depth of muveraDepths) await sweep(muvera, `muvera depth ${depth}${muveraDefault ? '' : ` (${muveraLabel})`}`, { depth });
		await muvera.dispose?.();
	}
	if (!methods.includes('plaid')) return rows;

	log(`${b.label}: PLAID (2-bit residuals${b.centroids ? `, ${b.centroids} centroids` : ', ColBERTv2 centroid count'})`);
	const plaid = await createPlaidPipeline({ corpus: b.corpus, options: { ...b.options, ...(b.centroids ? { centroids: b.centroids } : {}) }, onProgress: progress('plaid') }, b.deps);
	// The table holds k x dim floats plus 2^bits - 1 cutoffs and 2^bits weights (fewer than one row).
	log(`  ${plaid.kernel}; ${Math.floor(plaid.indexStats.parts.centroids / 4 / plaid.source.dim)} centroids, bytes by part ${JSON.stringify(plaid.indexStats.parts)}, build ${JSON.stringify(plaid.buildTimings)}`);
	await sweep(plaid, 'plaid defaults (nprobe 1, thr 0.5, ndocs 256)', {});
	await sweep(plaid, 'plaid nprobe 2, thr 0.45, ndocs 1024', { nprobe: 2, threshold: 0.45, ndocs: 1024 });
	await sweep(plaid, 'plaid nprobe 4, thr 0.4, ndocs 4096', { nprobe: 4, threshold: 0.4, ndocs: 4096 });
	await plaid.dispose?.();
	return rows;
}

function progress(prefix: string) {
	let last = 0;
	return (p: { stage: string; done: number; total: number }) => {
		const now = performance.now();
		if (now - last < 15_000 && p.done < p.total) return;
		last = now;
		log(`    ${prefix} ${p.stage} ${p.done}/${p.total}`);
	};
}

const all: Row[] = [];
await withStoreDir('latelab-bench-cand-', async (storeDir) => {
	for (const size of sizes) {
		const collection = syntheticCollection({ docs: size, queries: nQueries, tokensPerDoc: tokens, topics });
		const topicLabel = topics === undefined ? '' : `, ${topics} topics`;
		all.push(...(await runCollection({ label: `synthetic ${size / 1000}k (dim 96, ~${tokens} tok${topicLabel})`, ...collection, centroids: centroidsFlag || undefined })));
	}
	const scifact = args.includes('--no-scifact') ? undefined : await scifactCollection(storeDir, scifactQueries);
	if (scifact) all.push(...(await runCollection({ label: 'scifact (tiny test ColBERT, dim 16)', ...scifact })));
});

// Growth of the median query CPU time between the first and last synthetic size, per method.
const growth: Record<string, { wall: number; cpu: number }> = {};
if (sizes.length > 1) {
	const first = all.filter((r) => r.collection.startsWith(`synthetic ${sizes[0] / 1000}k`));
	const last = all.filter((r) => r.collection.startsWith(`synthetic ${sizes.at(-1)! / 1000}k`));
	for (const r of first) {
		const other = last.find((x) => x.method === r.method);
		if (other) growth[r.method] = { wall: round(other.medianMs / r.medianMs, 2), cpu: round(other.cpuMedianMs / r.cpuMedianMs, 2) };
	}
}
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, load: loadavg().map((x) => round(x, 1)), node: process.version };
if (json) console.log(JSON.stringify({ machine, tokens, queries: nQueries, rows: all, growth }));
else {
	console.log(machine);
	console.table(all);
	console.log('median query time growth (wall, CPU)', sizes.join(' -> '), growth);
}
