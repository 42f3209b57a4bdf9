/**
 * Where PLAID loses the target: on the synthetic collection (32-vector queries), for one centroid
 * count, the share of queries whose target document survives each stage (probe, stage 2's ndocs,
 * stage 3's ndocs / 4, the final top 10), the share of exact MaxSim's top 10 left after stage 3, and
 * the final recall@10 against exact with stage 4 on decoded residuals and on the fp32 vectors; plus
 * how close a vector is to its centroid and to its decoded copy. Stages 1-3 are replayed with
 * `plaid.ts`'s functions in `PlaidIndex.search`'s order, for ColBERT's three settings.
 *
 *   npx tsx bench/plaid-stages.bench.ts [--docs 2000] [--centroids 1024] [--queries 30]
 */
import { bestOf, centroidInteraction, centroidScores, centroidsAboveThreshold, probedCentroids } from '../src/lib/engine/candidates/plaid';
import { PlaidIndex } from '../src/lib/engine/candidates/plaid-index';
import { documentSampleSize, sampleIndices } from '../src/lib/engine/compress/kmeans';
import { trainResidualCodec } from '../src/lib/engine/compress/residual';
import { generateSyntheticCollection } from '../src/lib/engine/corpus/synthetic-multivector';
import { createDocumentScorer } from '../src/lib/engine/maxsim/score-docs';
import { createMaxSimScorer } from '../src/lib/engine/maxsim/select';
import { benchArgs, round } from './bench-support';
import { log } from './collection-support';

const { flag } = benchArgs(process.argv.slice(2));
const n = flag('--docs', 2000);
const k = flag('--centroids', 1024);
const nq = flag('--queries', 30);
const c = generateSyntheticCollection({ docs: n, queries: nq, seed: 7, text: false });
const docs = Array.from({ length: n }, (_, i) => c.docVectors(i));
const dim = c.dim;
const t0 = performance.now();
// The pipeline's training: ColBERTv2's document sample, then k-means and the residual buckets.
const codec = trainResidualCodec(Array.from(sampleIndices(n, documentSampleSize(n), 123), (i) => docs[i]), { bits: 2, centroids: k, seed: 123 });
const index = new PlaidIndex(codec);
for (let i = 0; i < n; i += 2000) index.add(docs.slice(i, i + 2000));
log(`built in ${round((performance.now() - t0) / 1000)} s`);

// Cosine of a vector with its centroid and with its decoded copy, over ~200 documents.
let toCentroid = 0;
let toDecoded = 0;
let rows = 0;
for (let d = 0; d < n; d += Math.max(1, Math.floor(n / 200))) {
	const decoded = index.decode(d);
	const ids = index.residuals(d).centroidIds;
	for (let r = 0; r < docs[d].rows; r++, rows++) {
		for (let j = 0; j < dim; j++) {
			const x = docs[d].data[r * dim + j];
			toDecoded += x * decoded.data[r * dim + j];
			toCentroid += x * codec.centroids.data[ids[r] * dim + j];
		}
	}
}
console.log({ documents: n, centroids: k, vectorsPerCentroid: round(c.totalVectors / k), distinctCentroidsPerDoc: round(index.docCentroids().codes.length / n, 1), cosToCentroid: round(toCentroid / rows, 4), cosToDecoded: round(toDecoded / rows, 4) });

const exact = (await createMaxSimScorer({ dim, threads: 2 })).scorer;
await exact.add(docs);
const decodedScorer = await createDocumentScorer({ dim, threads: 2 });
const lists = index.invertedLists();
const docCentroids = index.docCentroids();
const rowsOut: Record<string, unknown>[] = [];
for (const [nprobe, threshold, ndocs] of [[1, 0.5, 256], [2, 0.45, 1024], [4, 0.4, 4096]]) {
	const sum = { candidates: 0, probe: 0, stage2: 0, stage3: 0, top10: 0, exactAfter3: 0, decoded: 0, fp32: 0 };
	for (const query of c.corpus.queries) {
		const q = c.queryVectors(query.id)!;
		const target = Number([...c.corpus.qrels.get(query.id)!].find(([, g]) => g === 2)![0].slice(1));
		const reference = (await exact.topK(q, 10)).map((h) => h.index);
		const scores = centroidScores(q, codec.centroids);
		const probed = probedCentroids(scores, q.rows, k, nprobe);
		const mark = new Uint8Array(n);
		for (let cent = 0; cent < k; cent++) if (probed[cent]) for (let p = lists.offsets[cent]; p < lists.offsets[cent + 1]; p++) mark[lists.codes[p]] = 1;
		const candidates = [...mark].flatMap((m, i) => (m ? [i] : []));
		const pruned = centroidInteraction(scores, q.rows, docCentroids, candidates, centroidsAboveThreshold(scores, q.rows, k, threshold));
		const kept = bestOf(candidates, pruned, ndocs).map((x) => x.index);
		const finalists = bestOf(kept, centroidInteraction(scores, q.rows, docCentroids, kept), Math.floor(ndocs / 4)).map((x) => x.index);
		const decoded = await index.search(q, 10, { nprobe, threshold, ndocs, scorer: decodedScorer });
		const fp32 = await index.search(q, 10, { nprobe, threshold, ndocs, exact });
		const found = (ids: number[]) => reference.filter((e) => ids.includes(e)).length / 10;
		sum.candidates += candidates.length / n;
		sum.probe += mark[target];
		sum.stage2 += kept.includes(target) ? 1 : 0;
		sum.stage3 += finalists.includes(target) ? 1 : 0;
		sum.top10 += decoded.top.some((h) => h.index === target) ? 1 : 0;
		sum.exactAfter3 += found(finalists);
		sum.decoded += found(decoded.top.map((h) => h.index));
		sum.fp32 += found(fp32.top.map((h) => h.index));
	}
	const mean = Object.fromEntries(Object.entries(sum).map(([key, v]) => [key, round(v / nq, 3)]));
	rowsOut.push({ setting: `nprobe ${nprobe}, thr ${threshold}, ndocs ${ndocs}`, candidateShare: mean.candidates, 'target after probe': mean.probe, 'after stage 2': mean.stage2, 'after stage 3': mean.stage3, 'in top 10': mean.top10, 'exact top 10 after stage 3': mean.exactAfter3, 'recall@10 decoded': mean.decoded, 'recall@10 fp32 stage 4': mean.fp32 });
}
console.table(rowsOut);
await exact.dispose();
await decodedScorer.dispose();
