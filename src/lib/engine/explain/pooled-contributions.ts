/**
 * The bi-encoder's score, split exactly over document tokens. With mean pooling the document vector is
 * `v = (1/n) sum_i h_i` over the `n` attended tokens, and the model returns `v / |v|`. For a unit query
 * vector `q`:
 *
 *   cos(q, v) = q . v / |v| = sum_i (q . h_i) / (n |v|)
 *
 * so token `i`'s share is `q . h_i / (n |v|)` and the shares add up to the cosine exactly. With CLS
 * pooling the document vector is one token's output (`h_0`), which already mixes all tokens through
 * attention: there is no such sum, and this module says so instead of inventing one.
 */
import { createError } from '../errors';
import type { BiEncoder, TokenVectors } from '../encoders/encoder';

/** Per-token shares of a mean-pooled cosine (input shape of `viz/contribution-bars.ts`: tokens + values). */
export interface PooledContributions {
	applicable: true;
	tokens: string[];
	ids: number[];
	/** Share of each token (0 for tokens with attention mask 0, which pooling ignores). */
	values: number[];
	/** Sum of `values`: the cosine between the query vector and the pooled document vector. */
	score: number;
	/** Tokens pooled (attention mask 1). */
	n: number;
}

/** Returned for CLS pooling (or any pooling with no additive form). */
export interface NotDecomposable {
	applicable: false;
	reason: string;
}

/**
 * Splits `cos(query, mean-pooled doc)` over the document's tokens. `query` must be unit length (as
 * `BiEncoder.encode` returns). Pure.
 * @example
 * // q = [1, 0]; tokens h = [[2, 0], [0, 2]] -> v = [1, 1], |v| = sqrt 2, n = 2
 * meanPooledContributions(Float32Array.of(1, 0), doc).values // [2 / (2 sqrt 2), 0] = [0.7071, 0]; score 0.7071
 */
export function meanPooledContributions(query: Float32Array, doc: TokenVectors): PooledContributions {
	const { data, rows, dim } = doc.vectors;
	if (query.length !== dim) throw createError('DIM_MISMATCH', { expected: dim, actual: query.length, detail: ' (query vector vs token vectors)' });
	const mean = new Float64Array(dim);
	let n = 0;
	for (let r = 0; r < rows; r++) {
		if (!doc.mask[r]) continue;
		n++;
		for (let k = 0; k < dim; k++) mean[k] += data[r * dim + k];
	}
	if (n === 0) return { applicable: true, tokens: [...doc.tokens], ids: [...doc.ids], values: doc.tokens.map(() => 0), score: 0, n };
	let norm = 0;
	for (let k = 0; k < dim; k++) {
		mean[k] /= n;
		norm += mean[k] * mean[k];
	}
	norm = Math.sqrt(norm);
	const values: number[] = [];
	let score = 0;
	for (let r = 0; r < rows; r++) {
		let share = 0;
		if (doc.mask[r] && norm > 0) {
			let dot = 0;
			for (let k = 0; k < dim; k++) dot += query[k] * data[r * dim + k];
			share = dot / (n * norm);
		}
		values.push(share);
		score += share;
	}
	return { applicable: true, tokens: [...doc.tokens], ids: [...doc.ids], values, score, n };
}

/**
 * Encodes both texts and decomposes the document's cosine, or explains why it cannot for CLS pooling.
 * @example const e = await explainBiEncoderPair(model, 'heart attack', 'Myocardial infarction ...'); e.applicable && e.score
 */
export async function explainBiEncoderPair(encoder: BiEncoder, query: string, document: string): Promise<PooledContributions | NotDecomposable> {
	if (encoder.pooling.mode !== 'mean') {
		return {
			applicable: false,
			reason: `${encoder.modelId} uses ${encoder.pooling.mode.toUpperCase()} pooling (${encoder.pooling.source}): the document vector is one token's output, which attention has already mixed, so the score has no exact per-token split`
		};
	}
	const q = await encoder.encode([query], 'query');
	const doc = await encoder.tokenVectors(document, 'document');
	return meanPooledContributions(q.data.subarray(0, q.dim), doc);
}
