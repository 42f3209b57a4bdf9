/**
 * MaxSim conformance cases for the browser backends, generated from seeds (no data files): the
 * issue-4 shapes (dims 48, 64, 96, 128, 768; 1..512 doc tokens; odd lengths; one doc; zero docs;
 * empty docs; subsets; top-k with ties) plus adversarial values (all-negative similarities, large
 * magnitudes). Pure TS: runs in the page and in Node.
 */
import type { TokenMatrix } from '../../../../src/lib/engine/types';

export interface MaxSimCase {
	name: string;
	dim: number;
	nq: number;
	/** Token count of each document, in store order. */
	docTokens: number[];
	seed: number;
	/** `random`: uniform in [-1, 1); `negative`: docs point away from the query (every dot < 0); `large`: x 1e3. */
	values?: 'random' | 'negative' | 'large';
	/** Also score this subset of document indices. */
	subset?: number[];
	/** Also check topK(k). */
	k?: number;
	/** Documents that repeat document 0 exactly (exact ties, broken by lower index). */
	duplicates?: number;
}

const MIXED_LENGTHS = [1, 2, 3, 5, 7, 31, 63, 64, 65, 127, 128, 129, 180, 255, 257, 511, 512];

export const CASES: MaxSimCase[] = [
	...[48, 64, 96, 128].map((dim, i) => ({ name: `dim ${dim}, nq 32, 1..512 tokens`, dim, nq: 32, docTokens: MIXED_LENGTHS, seed: 11 + i, subset: [16, 0, 5, 5, 9], k: 5 })),
	{ name: 'dim 768, nq 32 (query in a storage buffer)', dim: 768, nq: 32, docTokens: [1, 3, 64, 129, 300], seed: 21, subset: [4, 1], k: 3 },
	{ name: 'dim 768, nq 8 (query in the uniform buffer)', dim: 768, nq: 8, docTokens: [2, 65, 180], seed: 22, k: 2 },
	{ name: 'one document', dim: 128, nq: 32, docTokens: [77], seed: 31, k: 3 },
	{ name: 'zero documents', dim: 64, nq: 32, docTokens: [], seed: 32, subset: [], k: 4 },
	{ name: 'documents with no tokens score 0', dim: 64, nq: 4, docTokens: [0, 5, 0, 1], seed: 33, subset: [2, 1], k: 4 },
	{ name: 'nq 1 and nq not a multiple of 8', dim: 96, nq: 1, docTokens: [3, 200], seed: 34 },
	{ name: 'nq 33', dim: 96, nq: 33, docTokens: [1, 9, 130], seed: 35, k: 2 },
	{ name: 'dim not a multiple of 4', dim: 50, nq: 7, docTokens: [1, 4, 13], seed: 36 },
	{ name: 'all similarities negative', dim: 128, nq: 16, docTokens: [1, 17, 64], seed: 37, values: 'negative', k: 3 },
	{ name: 'large magnitudes', dim: 128, nq: 32, docTokens: [5, 100, 512], seed: 38, values: 'large', k: 3 },
	{ name: 'exact ties break by lower index', dim: 64, nq: 8, docTokens: [10, 3, 20], seed: 39, duplicates: 3, k: 4 }
];

/** mulberry32: a tiny seeded PRNG, so every runtime generates identical data. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Builds the query and documents of a case. */
export function caseData(c: MaxSimCase): { query: TokenMatrix; docs: TokenMatrix[] } {
	const next = seededRandom(c.seed);
	const scale = c.values === 'large' ? 1e3 : 1;
	const matrix = (rows: number, sign = 1): TokenMatrix => {
		const data = new Float32Array(rows * c.dim);
		for (let i = 0; i < data.length; i++) data[i] = sign * scale * (next() * 2 - 1);
		return { data, rows, dim: c.dim };
	};
	const query = matrix(c.nq);
	if (c.values === 'negative') {
		// Query entries all positive, document entries all negative: every dot product is negative.
		for (let i = 0; i < query.data.length; i++) query.data[i] = Math.abs(query.data[i]);
	}
	const docs = c.docTokens.map((rows) => {
		const doc = matrix(rows);
		if (c.values === 'negative') for (let i = 0; i < doc.data.length; i++) doc.data[i] = -Math.abs(doc.data[i]) - 0.01;
		return doc;
	});
	for (let i = 0; i < (c.duplicates ?? 0); i++) docs.push({ data: docs[0].data.slice(), rows: docs[0].rows, dim: c.dim });
	return { query, docs };
}
