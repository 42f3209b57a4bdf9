/**
 * Where MUVERA's FDE puts the document each synthetic query was drawn from (its target, judged 2),
 * against where exact MaxSim puts it: the measurement behind "the depth MUVERA needs grows with the
 * collection" (docs/BENCHMARKS.md, "Candidate stages"). Same collections as `candidates.bench.ts`
 * (`syntheticCollection`, seed 7), fastembed's FDE parameters unless `--muvera` says otherwise.
 * Per size: each target's exact and FDE rank, the share of targets inside the FDE's top 50 / 100 /
 * 200 / 300, and the FDE dot product over the exact MaxSim of targets against the other documents of
 * exact's top 10 (a lower ratio = the FDE underrates the target).
 *
 *   npx tsx bench/muvera-target-ranks.ts [--json] [--sizes 10000,100000] [--queries 30] [--tokens 120]
 *                                        [--muvera k_sim=5,dim_proj=16,r_reps=20] [--topics 1000]
 *
 * `--topics` overrides the generator's topic count (default: documents / 100, capped at 400), to
 * separate the collection's size from the number of same-topic documents a target competes with.
 *
 * Exact scores come from the WASM MaxSim kernel in shards of 20,000 documents (one WASM memory holds
 * at most 4 GiB); each document's FDE is dotted with every query's FDE as it is built, so no FDE index
 * is kept.
 */
import { cpus } from 'node:os';
import { createMuvera } from '../src/lib/engine/candidates/muvera';
import { defaultSyntheticTopics, generateSyntheticCollection } from '../src/lib/engine/corpus/synthetic-multivector';
import { createMaxSimScorer } from '../src/lib/engine/maxsim/select';
import type { TokenMatrix } from '../src/lib/engine/types';
import { benchArgs, muveraFlag, round } from './bench-support';
import { log, quantile } from './collection-support';

const args = process.argv.slice(2);
const { json, flag, optional, list } = benchArgs(args);
const sizes = list('--sizes', [10_000, 100_000]);
const nQueries = flag('--queries', 30);
const tokens = flag('--tokens', 120);
const topics = optional('--topics');
const flagged = muveraFlag(args);
const params = { kSim: flagged.k_sim, dimProj: flagged.dim_proj, rReps: flagged.r_reps };
const SHARD_DOCS = 20_000;
const DEPTHS = [50, 100, 200, 300];

/** 1-based rank of document `d` in `scores` (ties: lower index first, as the pipelines break them). */
function rankOf(scores: Float32Array, d: number): number {
	let above = 0;
	const s = scores[d];
	for (let i = 0; i < scores.length; i++) if (scores[i] > s || (scores[i] === s && i < d)) above++;
	return above + 1;
}

/** The indices of the `k` highest scores, best first. */
function topIndices(scores: Float32Array, k: number): number[] {
	return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
}

async function measure(n: number) {
	const collection = generateSyntheticCollection({ docs: n, queries: nQueries, tokensPerDoc: tokens, topics, seed: 7, text: false });
	const { corpus, dim } = collection;
	const muvera = createMuvera(dim, params);
	const queries = corpus.queries.map((q) => collection.queryVectors(q.id)!);
	const queryFdes = queries.map((q) => muvera.encodeQuery(q));
	const exact = queries.map(() => new Float32Array(n));
	const fde = queries.map(() => new Float32Array(n));
	const t0 = performance.now();
	for (let first = 0; first < n; first += SHARD_DOCS) {
		const last = Math.min(n, first + SHARD_DOCS);
		const docs: TokenMatrix[] = [];
		for (let d = first; d < last; d++) {
			const m = collection.docVectors(d);
			docs.push(m);
			const f = muvera.encodeDocument(m);
			for (let q = 0; q < queries.length; q++) {
				const a = queryFdes[q];
				let s = 0;
				for (let i = 0; i < a.length; i++) s += a[i] * f[i];
				fde[q][d] = s;
			}
		}
		const { scorer } = await createMaxSimScorer({ dim, backend: 'wasm' });
		await scorer.add(docs);
		for (let q = 0; q < queries.length; q++) exact[q].set(await scorer.score(queries[q]), first);
		await scorer.dispose();
		log(`  ${n}: ${last} documents scored (${round((performance.now() - t0) / 1000)} s)`);
	}
	const perQuery = corpus.queries.map((query, q) => {
		const targetId = [...(corpus.qrels.get(query.id) ?? new Map<string, number>())].find(([, grade]) => grade === 2)?.[0];
		const target = corpus.docs.findIndex((d) => d.id === targetId);
		const others = topIndices(exact[q], 11).filter((d) => d !== target).slice(0, 9);
		const ratio = (d: number) => fde[q][d] / exact[q][d];
		return {
			query: query.id,
			exactRank: rankOf(exact[q], target),
			fdeRank: rankOf(fde[q], target),
			targetRatio: ratio(target),
			othersRatio: quantile(others.map(ratio), 0.5)
		};
	});
	const fdeRanks = perQuery.map((r) => r.fdeRank);
	const summary = {
		documents: n,
		topics: topics ?? defaultSyntheticTopics(n),
		queries: perQuery.length,
		fde: `k_sim ${params.kSim}, dim_proj ${params.dimProj}, r_reps ${params.rReps}`,
		targetExactRank1: perQuery.filter((r) => r.exactRank === 1).length,
		targetFdeRank: { median: quantile(fdeRanks, 0.5), p90: quantile(fdeRanks, 0.9), max: Math.max(...fdeRanks) },
		targetsWithinDepth: Object.fromEntries(DEPTHS.map((depth) => [depth, round(fdeRanks.filter((r) => r <= depth).length / fdeRanks.length, 3)])),
		fdeOverExact: { target: round(quantile(perQuery.map((r) => r.targetRatio), 0.5), 3), otherTop10: round(quantile(perQuery.map((r) => r.othersRatio), 0.5), 3) },
		seconds: round((performance.now() - t0) / 1000)
	};
	return { summary, perQuery };
}

const results = [];
for (const n of sizes) {
	log(`synthetic ${n}: exact and FDE scores of every document for ${nQueries} queries`);
	const r = await measure(n);
	log(`  ${JSON.stringify(r.summary)}`);
	results.push(r);
}
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };
if (json) console.log(JSON.stringify({ machine, results }));
else {
	for (const { summary: s, perQuery } of results) {
		console.log(`synthetic ${s.documents}, ${s.topics} topics (${s.fde}), ${s.queries} queries: target exact rank 1 in ${s.targetExactRank1}; FDE rank median ${s.targetFdeRank.median}, p90 ${s.targetFdeRank.p90}, max ${s.targetFdeRank.max}`);
		console.log(`  targets within FDE depth ${DEPTHS.map((d) => `${d}: ${s.targetsWithinDepth[d]}`).join(', ')}; FDE / exact, median: target ${s.fdeOverExact.target}, rest of exact top 10 ${s.fdeOverExact.otherTop10}`);
		console.log(`  per query (exact rank / FDE rank): ${perQuery.map((r) => `${r.exactRank}/${r.fdeRank}`).join(' ')}`);
	}
}
