/**
 * Why ColBERT gave a document its score: the full `nq x nd` matrix of query-token / document-token
 * similarities, the document token each query token picks (argmax) and what each query token adds.
 * MaxSim is exactly the sum of the per-row maxima, so the contributions add up to the score with
 * nothing left over (Khattab & Zaharia 2020, eq. 3; `maxsim/maxsim.ts` is the reference).
 */
import { createError } from '../errors';
import type { ColbertDocument, ColbertEncoder, ColbertQuery } from '../encoders/encoder';

/** Input shape of the similarity heatmap (`viz/similarity-heatmap.ts`) plus the decomposition. */
export interface MaxSimExplanation {
	queryIds: number[];
	queryTokens: string[];
	/** true for [MASK] augmentation rows. */
	augmentation: boolean[];
	docIds: number[];
	docTokens: string[];
	nq: number;
	nd: number;
	/** Row-major `nq x nd`: `scores[i * nd + j] = q_i . d_j`. */
	scores: Float32Array;
	/** Per query token, the index into `docTokens` of its best match (-1 if the document has no tokens). */
	argmax: number[];
	/** Per query token, `max_j q_i . d_j` (0 for an empty document, as `maxSim`). */
	contributions: number[];
	/** Sum of `contributions`: the MaxSim score. */
	score: number;
}

/**
 * Decomposes `maxSim(query.matrix, doc.matrix)` token by token. Pure.
 * @example
 * // q = [[1, 0], [0, 1]], d = [[0.6, 0.8], [1, 0]] (the maxSim example)
 * explainMaxSim(q, d) // scores [0.6, 1, 0.8, 0], argmax [1, 0], contributions [1, 0.8], score 1.8
 */
export function explainMaxSim(query: ColbertQuery, doc: ColbertDocument): MaxSimExplanation {
	const q = query.matrix;
	const d = doc.matrix;
	if (q.dim !== d.dim) throw createError('DIM_MISMATCH', { expected: q.dim, actual: d.dim, detail: ' (query vs document)' });
	const { dim } = q;
	const nq = q.rows;
	const nd = d.rows;
	const scores = new Float32Array(nq * nd);
	const argmax: number[] = [];
	const contributions: number[] = [];
	let score = 0;
	for (let i = 0; i < nq; i++) {
		let best = -Infinity;
		let at = -1;
		for (let j = 0; j < nd; j++) {
			let dot = 0;
			for (let k = 0; k < dim; k++) dot += q.data[i * dim + k] * d.data[j * dim + k];
			scores[i * nd + j] = dot;
			if (dot > best) {
				best = dot;
				at = j;
			}
		}
		const value = nd === 0 ? 0 : best;
		argmax.push(at);
		contributions.push(value);
		score += value;
	}
	return {
		queryIds: [...query.ids],
		queryTokens: [...query.tokens],
		augmentation: [...query.augmentation],
		docIds: [...doc.ids],
		docTokens: [...doc.tokens],
		nq,
		nd,
		scores,
		argmax,
		contributions,
		score
	};
}

/**
 * Encodes `query` and `document` with `encoder` and explains their MaxSim score.
 * @example const e = await explainColbertPair(colbert, 'red planet', 'Mars is the red planet.'); e.score // = the colbert pipeline's score
 */
export async function explainColbertPair(encoder: ColbertEncoder, query: string, document: string): Promise<MaxSimExplanation> {
	const q = await encoder.encodeQuery(query);
	const [d] = await encoder.encodeDocuments([document]);
	return explainMaxSim(q, d);
}
