import { describe, expect, it } from 'vitest';
import { trainResidualCodec } from '../../../src/lib/engine/compress/residual';
import { bestOf, centroidInteraction, centroidScores, centroidsAboveThreshold, plaidDefaults, probedCentroids } from '../../../src/lib/engine/candidates/plaid';
import { PlaidIndex } from '../../../src/lib/engine/candidates/plaid-index';
import { JsMaxSimScorer } from '../../../src/lib/engine/maxsim/js';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { createDocumentScorer } from '../../../src/lib/engine/maxsim/score-docs';
import { uniformRandom } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

/** Documents drawn around a few topic directions, so centroids mean something. */
function clusteredDocs(n: number, dim: number, seed: number, tokens = [4, 12]): TokenMatrix[] {
	const r = uniformRandom(seed);
	const topics = Array.from({ length: 6 }, () => Array.from({ length: dim }, () => r() * 2 - 1));
	return Array.from({ length: n }, () => {
		const rows = tokens[0] + Math.floor(r() * (tokens[1] - tokens[0]));
		const data = new Float32Array(rows * dim);
		const topic = topics[Math.floor(r() * topics.length)];
		for (let i = 0; i < rows; i++) {
			const own = r() < 0.6 ? topic : topics[Math.floor(r() * topics.length)];
			for (let d = 0; d < dim; d++) data[i * dim + d] = own[d] + (r() - 0.5) * 0.8;
			const norm = Math.hypot(...data.subarray(i * dim, (i + 1) * dim));
			for (let d = 0; d < dim; d++) data[i * dim + d] /= norm;
		}
		return { data, rows, dim };
	});
}

const dot = (a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number) => {
	let s = 0;
	for (let d = 0; d < dim; d++) s += a[ao + d] * b[bo + d];
	return s;
};

/** A document with each token replaced by its centroid (only kept centroids). */
function centroidDoc(index: PlaidIndex, doc: number, keep?: (c: number) => boolean): TokenMatrix {
	const { centroids, dim } = index.codec;
	const ids = [...index.residuals(doc).centroidIds].filter((c) => !keep || keep(c));
	const data = new Float32Array(ids.length * dim);
	ids.forEach((c, i) => data.set(centroids.data.subarray(c * dim, (c + 1) * dim), i * dim));
	return { data, rows: ids.length, dim };
}

const dim = 8;
const docs = clusteredDocs(120, dim, 3);
const queries = clusteredDocs(4, dim, 77, [5, 6]);
const codec = trainResidualCodec(docs, { bits: 2, centroids: 32, seed: 1 });
const index = new PlaidIndex(codec);
index.add(docs.slice(0, 50));
index.add(docs.slice(50));

describe('PLAID', () => {
	it('plaidDefaults(k) follows ColBERT Searcher: by k <= 10, <= 100, larger', () => {
		expect(plaidDefaults(10)).toEqual({ nprobe: 1, threshold: 0.5, ndocs: 256 });
		expect(plaidDefaults(100)).toEqual({ nprobe: 2, threshold: 0.45, ndocs: 1024 });
		expect(plaidDefaults(1000)).toEqual({ nprobe: 4, threshold: 0.4, ndocs: 4096 });
		expect(plaidDefaults(2000).ndocs).toBe(8000);
	});

	it('centroidScores(q, c) holds every query token x centroid dot product, centroid-major', () => {
		const q = queries[0];
		const s = centroidScores(q, codec.centroids);
		for (let c = 0; c < 32; c++) for (let i = 0; i < q.rows; i++) expect(s[c * q.rows + i]).toBeCloseTo(dot(q.data, i * dim, codec.centroids.data, c * dim, dim), 5);
	});

	it('probedCentroids(s, nq, k, nprobe) is the union of each token nprobe best centroids', () => {
		const q = queries[1];
		const s = centroidScores(q, codec.centroids);
		const expected = new Set<number>();
		for (let i = 0; i < q.rows; i++) {
			const order = Array.from({ length: 32 }, (_, c) => c).sort((a, b) => s[b * q.rows + i] - s[a * q.rows + i] || a - b);
			order.slice(0, 3).forEach((c) => expected.add(c));
		}
		const probed = probedCentroids(s, q.rows, 32, 3);
		expect([...probed].flatMap((p, c) => (p ? [c] : []))).toEqual([...expected].sort((a, b) => a - b));
	});

	it('centroidsAboveThreshold(s, nq, k, t) keeps centroids whose best token score reaches t', () => {
		expect([...centroidsAboveThreshold(Float32Array.of(0.1, 0.5, 0.4, 0.2, 0.6, 0.6), 2, 3, 0.5)]).toEqual([1, 0, 1]);
	});

	it('centroidInteraction(s, nq, docs, ids, keep) equals MaxSim of the query with each token replaced by its (kept) centroid', () => {
		const q = queries[2];
		const s = centroidScores(q, codec.centroids);
		const keep = centroidsAboveThreshold(s, q.rows, 32, 0.45);
		const ids = Array.from({ length: 120 }, (_, d) => d);
		const full = centroidInteraction(s, q.rows, index.docCentroids(), ids);
		const pruned = centroidInteraction(s, q.rows, index.docCentroids(), ids, keep);
		for (const d of ids) {
			expect(full[d]).toBeCloseTo(maxSim(q, centroidDoc(index, d)), 4);
			const reference = centroidDoc(index, d, (c) => keep[c] === 1);
			if (reference.rows === 0) expect(pruned[d]).toBe(-Infinity);
			else expect(pruned[d]).toBeCloseTo(maxSim(q, reference), 4);
		}
		expect(pruned.some((x) => x === -Infinity)).toBe(true); // the threshold pruned something
	});

	it('centroidInteraction on the hand example sums each token best centroid', () => {
		const docsC = { codes: Int32Array.of(0, 1, 1), offsets: Int32Array.of(0, 2, 3) };
		const s = Float32Array.of(1, 0, 0.2, 0.9);
		expect([...centroidInteraction(s, 2, docsC, [0, 1])].map((x) => +x.toFixed(6))).toEqual([1.9, 1.1]);
		expect([...centroidInteraction(s, 2, docsC, [1], Uint8Array.of(1, 0))]).toEqual([-Infinity]);
		expect(bestOf([5, 9], Float32Array.of(1, 2), 1)).toEqual([{ index: 9, score: 2 }]);
	});

	it('plaidIndex.invertedLists() lists, per centroid, the documents having a token there', () => {
		const lists = index.invertedLists();
		for (let c = 0; c < 32; c++) {
			const expected = docs.flatMap((_, d) => ([...index.residuals(d).centroidIds].includes(c) ? [d] : []));
			expect([...lists.codes.subarray(lists.offsets[c], lists.offsets[c + 1])]).toEqual(expected);
		}
		expect(index.size).toBe(120);
		expect(index.vectors).toBe(docs.reduce((s, d) => s + d.rows, 0));
		expect(index.bytes.codes).toBe(index.vectors * (2 + 4)); // dim 8 at 2 bits = 2 bytes + int32 id
		expect(index.bytes.table).toBe(codec.tableBytes);
	});

	it('plaidIndex.decode(d) equals codec.decode of the document encoded alone', () => {
		for (const d of [0, 49, 50, 119]) expect([...index.decode(d).data]).toEqual([...codec.decode(codec.encode(docs[d])).data]);
	});

	it('plaidIndex.search(q, k, { nprobe: all, ndocs >= 4 N, exact }) equals the exact MaxSim ranking', async () => {
		const exact = new JsMaxSimScorer(dim);
		await exact.add(docs);
		for (const q of queries) {
			const r = await index.search(q, 10, { nprobe: 32, ndocs: 480, threshold: -Infinity, exact });
			const brute = docs.map((d, i) => ({ index: i, score: maxSim(q, d) })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 10);
			expect(r.top.map((t) => t.index)).toEqual(brute.map((b) => b.index));
			expect(r.candidates).toBe(120);
			expect(r.touched).toBe(120);
		}
	});

	it('plaidIndex.search(q, k, { nprobe: all, ndocs >= 4 N }) ranks by MaxSim over the decoded residuals', async () => {
		const q = queries[3];
		const r = await index.search(q, 5, { nprobe: 32, ndocs: 480 });
		const brute = docs.map((_, i) => ({ index: i, score: maxSim(q, index.decode(i)) })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 5);
		expect(r.top.map((t) => t.index)).toEqual(brute.map((b) => b.index));
		r.top.forEach((t, i) => expect(t.score).toBeCloseTo(brute[i].score, 5));
		expect(r.stages.at(-1)!.stage).toBe('plaid-decompress-maxsim');
	});

	it('plaidIndex.search(q, k, { scorer }) scores the decoded finalists on the WASM kernel: same ranking and scores as the JS reference', async () => {
		const scorer = await createDocumentScorer({ dim, backend: 'wasm', threads: 1 });
		try {
			for (const q of queries) {
				const opts = { nprobe: 2, threshold: 0.3, ndocs: 40 };
				const reference = await index.search(q, 8, opts);
				const r = await index.search(q, 8, { ...opts, scorer });
				expect(r.top.map((t) => t.index)).toEqual(reference.top.map((t) => t.index));
				r.top.forEach((t, i) => expect(t.score).toBeCloseTo(reference.top[i].score, 4));
				expect(r.stages.map((st) => st.documents)).toEqual(reference.stages.map((st) => st.documents));
			}
		} finally {
			await scorer.dispose();
		}
	});

	it('plaidIndex.search(q, k, { probe: "wasm" }) finds the same candidates, stage counts and ranking as the JS probe', async () => {
		for (const q of queries) {
			for (const opts of [{ nprobe: 2, threshold: 0.45, ndocs: 64 }, { nprobe: 1, threshold: 0.5, ndocs: 16 }]) {
				const js = await index.search(q, 5, { ...opts, probe: 'js' });
				const wasm = await index.search(q, 5, { ...opts, probe: 'wasm' });
				expect(wasm.stages.map((s) => s.documents)).toEqual(js.stages.map((s) => s.documents));
				expect(wasm.top.map((t) => t.index)).toEqual(js.top.map((t) => t.index));
				wasm.top.forEach((t, i) => expect(t.score).toBeCloseTo(js.top[i].score, 5));
			}
		}
	});

	it('plaidIndex.search(q, k, { nprobe, threshold, ndocs }) prunes stage by stage as a brute-force PLAID does', async () => {
		for (const q of queries) {
			const opts = { nprobe: 2, threshold: 0.5, ndocs: 24 };
			const r = await index.search(q, 3, opts);
			// Reference: every stage spelled out with sorts.
			const s = centroidScores(q, codec.centroids);
			const nq = q.rows;
			const probe = new Set<number>();
			for (let i = 0; i < nq; i++) Array.from({ length: 32 }, (_, c) => c).sort((a, b) => s[b * nq + i] - s[a * nq + i] || a - b).slice(0, 2).forEach((c) => probe.add(c));
			const cands = docs.flatMap((_, d) => ([...index.residuals(d).centroidIds].some((c) => probe.has(c)) ? [d] : []));
			const bestTok = (c: number) => Math.max(...Array.from({ length: nq }, (_, i) => s[c * nq + i]));
			const ci = (d: number, prune: boolean) => {
				const m = centroidDoc(index, d, prune ? (c) => bestTok(c) >= 0.5 : undefined);
				return m.rows === 0 ? -Infinity : maxSim(q, m);
			};
			const rank = (ids: number[], f: (d: number) => number, n: number) => ids.map((d) => ({ d, v: f(d) })).sort((a, b) => b.v - a.v || a.d - b.d).slice(0, n).map((x) => x.d);
			const kept = rank(cands, (d) => ci(d, true), 24);
			const finalists = rank(kept, (d) => ci(d, false), 6);
			const top = rank(finalists, (d) => maxSim(q, index.decode(d)), 3);
			expect(r.top.map((t) => t.index)).toEqual(top);
			expect(r.stages.map((st) => st.documents)).toEqual([cands.length, Math.min(24, cands.length), Math.min(6, kept.length), Math.min(6, kept.length)]);
			expect(r.candidates).toBe(cands.length);
			expect(r.candidates).toBeLessThan(120); // it prunes
			expect(r.touched).toBe(6);
		}
	});
});
