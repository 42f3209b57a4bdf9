import { describe, expect, it } from 'vitest';
import { createMuvera } from '../../../src/lib/engine/candidates/muvera';
import { FdeIndex, muveraSearch } from '../../../src/lib/engine/candidates/muvera-index';
import { topIndices } from '../../../src/lib/engine/candidates/top';
import { JsMaxSimScorer } from '../../../src/lib/engine/maxsim/js';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { randomUnitRows, uniformRandom } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 5) => {
	expect(a.length).toBe(b.length);
	for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], digits);
};
const matrix = (rows: number[][]): TokenMatrix => ({ data: Float32Array.from(rows.flat()), rows: rows.length, dim: rows[0]?.length ?? 0 });

/** `n` documents of random unit vectors, `tokens[0] .. tokens[1] - 1` rows each, from one seeded stream. */
function randomDocs(n: number, dim: number, seed: number, tokens = [3, 9]): TokenMatrix[] {
	const r = uniformRandom(seed);
	return Array.from({ length: n }, () => randomUnitRows(tokens[0] + Math.floor(r() * (tokens[1] - tokens[0])), dim, r));
}

describe('MUVERA', () => {
	it('createMuvera(2, { kSim: 1, dimProj: 2, rReps: 1 }): queries sum per bucket, documents average and fill the empty bucket', () => {
		const m = createMuvera(2, { kSim: 1, dimProj: 2, rReps: 1, seed: 3 });
		expect(m.length).toBe(4);
		const h = m.hyperplanes[0]; // dim x 1
		const side = (x: number[]) => (x[0] * h[0] + x[1] * h[1] > 0 ? 1 : 0);
		// v and -v fall on opposite sides of the one hyperplane.
		const v = [h[0], h[1]].map((x) => x / Math.hypot(h[0], h[1])); // side 1
		const w = [v[0] * 0.5 + 0.1 * v[1], v[1] * 0.5 - 0.1 * v[0]]; // still side 1
		expect(side(v)).toBe(1);
		expect(side(w)).toBe(1);
		// Query [v, v, -v]: bucket 0 = -v, bucket 1 = 2v (sums). No projection since dimProj = dim.
		close(m.encodeQuery(matrix([v, v, v.map((x) => -x)])), [-v[0], -v[1], 2 * v[0], 2 * v[1]]);
		// Document [v, w]: bucket 1 = (v + w) / 2; bucket 0 is empty and takes v, the first vector of bucket 1.
		close(m.encodeDocument(matrix([v, w])), [v[0], v[1], (v[0] + w[0]) / 2, (v[1] + w[1]) / 2]);
		// The query leaves empty buckets at zero.
		close(m.encodeQuery(matrix([v])), [0, 0, v[0], v[1]]);
	});

	it('createMuvera(dim, { kSim: 2, dimProj }) projects with ±1/sqrt(dimProj) and fills from the Hamming-nearest bucket (lowest id on ties)', () => {
		const dim = 6;
		const m = createMuvera(dim, { kSim: 2, dimProj: 3, rReps: 2, seed: 11 });
		expect(m.length).toBe(2 * 4 * 3);
		for (const p of m.projections) for (const x of p) expect(Math.abs(x)).toBe(1);
		// Find vectors that fall in buckets 0 and 3 of repetition 0.
		const pool = randomDocs(1, dim, 5, [400, 401])[0];
		const ids = m.bucketIds(pool, 0);
		const row = (r: number) => [...pool.data.subarray(r * dim, (r + 1) * dim)];
		const in0 = [...ids].flatMap((b, r) => (b === 0 ? [r] : [])).slice(0, 2);
		const in3 = [...ids].flatMap((b, r) => (b === 3 ? [r] : [])).slice(0, 1);
		expect(in0.length).toBe(2);
		expect(in3.length).toBe(1);
		const doc = matrix([row(in0[0]), row(in3[0]), row(in0[1])]);
		expect([...m.bucketIds(doc, 0)]).toEqual([0, 3, 0]);
		const proj = (x: number[]) => {
			const p = m.projections[0];
			return [0, 1, 2].map((c) => x.reduce((s, xd, d) => s + xd * p[d * 3 + c], 0) / Math.sqrt(3));
		};
		const mean0 = row(in0[0]).map((x, d) => (x + row(in0[1])[d]) / 2);
		// Buckets 1 (01) and 2 (10) are one bit from both 0 and 3: the tie goes to bucket 0, whose first vector is doc row 0.
		const expected = [...proj(mean0), ...proj(row(in0[0])), ...proj(row(in0[0])), ...proj(row(in3[0]))];
		close(m.encodeDocument(doc).subarray(0, 12), expected);
	});

	it('createMuvera(dim, options) rejects k_sim, dim_proj and r_reps out of range with BAD_ARGUMENT', () => {
		expect(() => createMuvera(8, { dimProj: 9 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => createMuvera(8, { kSim: 0 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => createMuvera(8, { rReps: 1.5 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(createMuvera(128).length).toBe(10240); // fastembed's defaults: 20 x 32 x 16
	});

	it('muvera.encodeDocument(m) of an empty document is all zeros', () => {
		const m = createMuvera(4, { kSim: 2, dimProj: 2, rReps: 2 });
		expect([...m.encodeDocument({ data: new Float32Array(0), rows: 0, dim: 4 })].every((x) => x === 0)).toBe(true);
	});

	it('fdeIndex.scores(q) equals the brute-force dot product with every document FDE', () => {
		const m = createMuvera(8, { kSim: 3, dimProj: 4, rReps: 3 });
		const docs = randomDocs(40, 8, 2);
		const index = new FdeIndex(m.length, m.dimProj, 16); // 40 documents over three chunks
		const fdes = docs.map((d) => m.encodeDocument(d));
		fdes.forEach((f) => index.add(f));
		const q = m.encodeQuery(randomDocs(1, 8, 9, [2, 3])[0]); // few tokens: zero runs to skip
		expect(q.some((x) => x === 0)).toBe(true);
		const scores = index.scores(q);
		close(scores, fdes.map((f) => f.reduce((s, x, i) => s + x * q[i], 0)), 4);
		expect(index.bytes).toBe(40 * m.length * 4);
		expect([...index.row(37)]).toEqual([...fdes[37]]);
	});

	it("new FdeIndex(..., { backend: 'wasm' }): the SIMD kernel's scores equal the brute-force dot products (dim_proj 16 and 8, chunk and memory boundaries) and the JS scan's", () => {
		for (const dimProj of [16, 8]) {
			const m = createMuvera(32, { kSim: 3, dimProj, rReps: 4, seed: dimProj });
			const docs = randomDocs(70, 32, 21);
			const fdes = docs.map((d) => m.encodeDocument(d));
			// 70 documents in chunks of 16 (the last one partial), a few chunks per WASM memory.
			const wasm = new FdeIndex(m.length, m.dimProj, 16, { backend: 'wasm', shardBytes: 3 * 16 * m.length * 4 + 65536 });
			const js = new FdeIndex(m.length, m.dimProj, 16, { backend: 'js' });
			expect(wasm.backend).toBe('wasm');
			fdes.forEach((f) => (wasm.add(f), js.add(f)));
			expect([...wasm.row(69)]).toEqual([...fdes[69]]);
			for (const tokens of [[2, 3], [32, 33]]) {
				const q = m.encodeQuery(randomDocs(1, 32, 30 + tokens[0], tokens)[0]);
				const brute = fdes.map((f) => f.reduce((s, x, i) => s + x * q[i], 0));
				close(wasm.scores(q), brute, 4);
				close(js.scores(q), brute, 4);
			}
		}
		expect(new FdeIndex(12, 3).backend).toBe('js'); // blocks of 3 floats: the kernel reads 4 at a time
		expect(() => new FdeIndex(12, 3, 4, { backend: 'wasm' })).toThrow(expect.objectContaining({ code: 'BACKEND_UNAVAILABLE' }));
	});

	it('muveraSearch(..., { depth >= collection }) equals the exact MaxSim ranking', async () => {
		const m = createMuvera(8, { kSim: 2, dimProj: 4, rReps: 4 });
		const docs = randomDocs(30, 8, 4);
		const index = new FdeIndex(m.length, m.dimProj, 8);
		docs.forEach((d) => index.add(m.encodeDocument(d)));
		const exact = new JsMaxSimScorer(8);
		await exact.add(docs);
		const query = randomDocs(1, 8, 12, [4, 5])[0];
		const r = await muveraSearch(m, index, exact, query, 10, { depth: 30 });
		const brute = docs.map((d, i) => ({ index: i, score: maxSim(query, d) })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 10);
		expect(r.top.map((t) => t.index)).toEqual(brute.map((b) => b.index));
		close(r.top.map((t) => t.score), brute.map((b) => b.score));
		expect(r.candidates).toBe(30);
		expect(r.touched).toBe(30);
	});

	it('muveraSearch(..., { depth }) rescores exactly the FDE top depth', async () => {
		const m = createMuvera(8, { kSim: 2, dimProj: 4, rReps: 4 });
		const docs = randomDocs(50, 8, 6);
		const index = new FdeIndex(m.length, m.dimProj, 8);
		docs.forEach((d) => index.add(m.encodeDocument(d)));
		const exact = new JsMaxSimScorer(8);
		await exact.add(docs);
		const query = randomDocs(1, 8, 13, [4, 5])[0];
		const r = await muveraSearch(m, index, exact, query, 5, { depth: 7 });
		const fdeTop = new Set(topIndices(index.scores(m.encodeQuery(query)), 7).map((t) => t.index));
		const expected = [...fdeTop].map((i) => ({ index: i, score: maxSim(query, docs[i]) })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 5);
		expect(r.top.map((t) => t.index)).toEqual(expected.map((e) => e.index));
		expect(r.touched).toBe(7);
		expect(r.stages.map((s) => [s.stage, s.documents])).toEqual([['fde-encode-query', 0], ['fde-search', 50], ['maxsim', 7]]);
	});

	it('topIndices(scores, n, keep) equals sorting, ties by lower index, skipping unkept entries', () => {
		const r = uniformRandom(3);
		const scores = Float32Array.from({ length: 500 }, () => Math.floor(r() * 50));
		const keep = Uint8Array.from({ length: 500 }, () => (r() < 0.7 ? 1 : 0));
		const sorted = [...scores].map((score, index) => ({ index, score })).filter((e) => keep[e.index]).sort((a, b) => b.score - a.score || a.index - b.index);
		expect(topIndices(scores, 37, keep)).toEqual(sorted.slice(0, 37));
		expect(topIndices(scores, 0)).toEqual([]);
		expect(topIndices(Float32Array.of(1, 3), 5)).toEqual([{ index: 1, score: 3 }, { index: 0, score: 1 }]);
	});
});
