/**
 * Storage formats, token pooling and rescoring of the `colbert` pipeline (issue 10), against exhaustive
 * fp32 MaxSim on the same vectors: on the synthetic collection (`generateSyntheticCollection`, dim 96,
 * ~120 vectors per document) at each `--sizes`, and on SciFact with the generated tiny ColBERT.
 * Per configuration: bytes per document (stored format; residual's centroid table apart), index build
 * time (for synthetic collections this includes generating the vectors, the same for every row), query
 * latency (median and p90 wall time, median CPU time of the process; query vectors given, so encoding is
 * not counted), nDCG@10 on the qrels and recall@10 against the exact fp32 top 10. Rescore depths are
 * swept over one index per format (`searchVectors(q, k, { rescore })`); the fp32 copies for rescoring
 * sit in a temporary file (`NodeFileFp32Store`), as in the CLI. Ratios to exhaustive fp32 are measured
 * in the same run.
 *
 *   npx tsx bench/compression.bench.ts [--json] [--sizes 10000,100000] [--queries 30] [--large-queries 10]
 *     [--formats fp32,fp16,int8,binary,residual] [--pools 2,3,4] [--large-formats fp32,binary,int8]
 *     [--centroids 1024] [--scifact-queries 100] [--no-scifact] [--no-synthetic] [--large-fp32-js] [--large-pools 2]
 *
 * Sizes above 20,000 documents run `--large-formats` only, pooled only by `--large-pools`, with `--large-queries`
 * queries (the machine has 2 cores shared with other work). fp32 for 100k x 120 x 96 is 4.6 GB, more
 * than a wasm32 memory (4 GiB): the WASM scorer then spreads the documents over several memories
 * (`maxsim/sharded.ts`, 2 GiB each, scored one after the other); `--large-fp32-js` runs the fp32 rows
 * on the JS kernel instead, as before sharding.
 */
import { cpus, loadavg } from 'node:os';
import { evaluateRun } from '../src/lib/engine/eval/metrics';
import { createColbertPipeline, type ColbertPipeline } from '../src/lib/engine/pipelines/late-interaction';
import { NodeFileFp32Store } from '../src/lib/engine/store/node-fp32-vector-store';
import type { Qrels, TokenMatrix } from '../src/lib/engine/types';
import { benchArgs, round } from './bench-support';
import { log, quantile, queryVectorsOf, recallAgainst, scifactCollection, syntheticCollection, timeQueries, withStoreDir, type BenchCollection } from './collection-support';

const args = process.argv.slice(2);
const { json, flag } = benchArgs(args);
const list = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback).split(',').filter(Boolean);
const sizes = args.includes('--no-synthetic') ? [] : list('--sizes', '10000,100000').map(Number);
const nQueries = flag('--queries', 30);
const largeQueries = flag('--large-queries', 10);
const formats = list('--formats', 'fp32,fp16,int8,binary,residual');
const largeFormats = list('--large-formats', 'fp32,binary,int8');
const pools = list('--pools', '2,3,4').map(Number);
const largePools = list('--large-pools', '').map(Number);
const scifactQueries = flag('--scifact-queries', 100);
const RESCORE = [0, 50, 100, 200];
const CENTROIDS = flag('--centroids', 1024);

interface Row {
	collection: string;
	format: string;
	pool: number;
	rescore: number;
	vectors: number;
	bytesPerDocument: number;
	buildMs: number;
	medianMs: number;
	p90Ms: number;
	cpuMedianMs: number;
	ndcg10: number;
	recall10VsExact: number;
	/** Median fp32 exhaustive time / this median, same run (wall: noisy when other work shares the cores). */
	speedupVsFp32: number;
	/** The same ratio of median process CPU times (all threads), steadier on a shared machine. */
	cpuSpeedupVsFp32: number;
	/** nDCG@10 relative to exhaustive fp32's, same run. */
	ndcgVsFp32: number;
	/** Median wall ms per pipeline stage (`maxsim` = the stored-format scan + top-k; `rescore-read`, `rescore`). */
	stagesMs: Record<string, number>;
}

interface Bench extends BenchCollection {
	label: string;
	formats: string[];
	pools: number[];
	/** MaxSim backend of the fp32 rows (`--large-fp32-js`: js for collections beyond one wasm32 memory). */
	fp32Backend?: string;
}

async function runCollection(b: Bench): Promise<Row[]> {
	const rows: Row[] = [];
	const qrels: Qrels = new Map(b.queries.map((q) => [q.id, b.corpus.qrels.get(q.id) ?? new Map()]));
	const n = b.corpus.docs.length;
	const vectors = await queryVectorsOf(b);
	const exactTop = new Map<string, string[]>();
	let base = { medianMs: NaN, cpuMs: NaN, ndcg: NaN };

	const measure = async (p: ColbertPipeline, format: string, pool: number, rescore: number) => {
		const search = (q: TokenMatrix) => p.searchVectors(q, 10, { rescore });
		const { run, times, cpu, results } = await timeQueries(b.queries, vectors, search, (r) => r.top.map((t) => p.source.ids[t.index]));
		let recall = 0;
		for (const { id, ids } of results) {
			if (format === 'fp32' && pool === 1) exactTop.set(id, ids);
			recall += recallAgainst(exactTop.get(id), ids);
		}
		const ndcg = evaluateRun(run, qrels, ['ndcg@10']).mean['ndcg@10'];
		// Where a query's time goes: each stage's median over the queries (wall clock).
		const byStage = new Map<string, number[]>();
		for (const { result } of results) for (const t of result.timings) byStage.set(t.stage, [...(byStage.get(t.stage) ?? []), t.ms]);
		const stagesMs = Object.fromEntries([...byStage].map(([stage, ms]) => [stage, round(quantile(ms, 0.5), 2)]));
		const medianMs = quantile(times, 0.5);
		const cpuMs = quantile(cpu, 0.5);
		if (format === 'fp32' && pool === 1) base = { medianMs, cpuMs, ndcg };
		const row: Row = {
			collection: b.label,
			format: `${format === 'residual' ? `residual ${p.indexStats.bits}-bit` : format} (${p.kernel.backend})`,
			pool,
			rescore,
			vectors: p.indexStats.vectors,
			bytesPerDocument: round(p.indexStats.bytes / n),
			buildMs: round(p.indexStats.buildMs),
			medianMs: round(medianMs, 2),
			p90Ms: round(quantile(times, 0.9), 2),
			cpuMedianMs: round(cpuMs, 2),
			ndcg10: round(ndcg, 4),
			recall10VsExact: round(recall / b.queries.length, 3),
			speedupVsFp32: round(base.medianMs / medianMs, 2),
			cpuSpeedupVsFp32: round(base.cpuMs / cpuMs, 2),
			ndcgVsFp32: round(ndcg / base.ndcg, 4),
			stagesMs
		};
		rows.push(row);
		log(`  ${JSON.stringify(row)}`);
	};

	const build = (options: Record<string, unknown>) => createColbertPipeline({ corpus: b.corpus, options: { ...b.options, ...options } }, { ...b.deps, fp32Store: () => new NodeFileFp32Store() });
	for (const format of b.formats) {
		for (const bits of format === 'residual' ? [2, 1] : [0]) {
			const compressed = format !== 'fp32';
			log(`${b.label}: ${format}${bits ? ` ${bits}-bit` : ''}`);
			// Residual: 1024 centroids (ColBERTv2's 2^floor(log2(16 sqrt(vectors))) is 16384 at 10^6 vectors, hours of k-means in JS).
			const p = await build({ storage: format, ...(bits ? { bits, centroids: CENTROIDS } : {}), ...(compressed ? { rescore: Math.max(...RESCORE) } : {}), ...(!compressed && b.fp32Backend ? { maxsimBackend: b.fp32Backend } : {}) });
			if (p.indexStats.centroidBytes) log(`  centroid table ${p.indexStats.centroidBytes} B`);
			log(`  kernel ${p.kernel.backend} (${p.kernel.reason})`);
			for (const rescore of compressed ? RESCORE : [0]) await measure(p, format, 1, rescore);
			await p.dispose?.();
		}
	}
	for (const pool of b.pools) {
		log(`${b.label}: fp32, pool ${pool}`);
		const p = await build({ pool });
		await measure(p, 'fp32', pool, 0);
		await p.dispose?.();
	}
	return rows;
}

const all: Row[] = [];
await withStoreDir('latelab-bench-compress-', async (storeDir) => {
	for (const size of sizes) {
		const large = size > 20_000;
		const collection = syntheticCollection({ docs: size, queries: large ? largeQueries : nQueries });
		all.push(
			...(await runCollection({
				label: `synthetic ${size / 1000}k`,
				...collection,
				formats: large ? largeFormats : formats,
				pools: large ? largePools : pools,
				...(large && args.includes('--large-fp32-js') && size * 120 * 96 * 4 > 3.5 * 2 ** 30 ? { fp32Backend: 'js' } : {})
			}))
		);
	}
	const scifact = args.includes('--no-scifact') ? undefined : await scifactCollection(storeDir, scifactQueries);
	if (scifact) all.push(...(await runCollection({ label: 'scifact (tiny test ColBERT)', ...scifact, formats, pools })));
});

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, load: loadavg().map((x) => round(x, 1)), node: process.version };
if (json) console.log(JSON.stringify({ machine, rows: all }));
else {
	console.log(machine);
	console.table(all);
}
