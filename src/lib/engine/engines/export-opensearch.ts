/**
 * A latelab configuration as OpenSearch 3.3 wants it (the pattern of OpenSearch's late-interaction
 * post and its `rerank-by-field-late-interaction` tutorial):
 * - index: `pooled`, a `knn_vector` (HNSW, cosinesimil) for the first phase; `colbert_vectors`, the
 *   document's token vectors as an `object` field with `enabled: false` (kept in `_source`, not parsed);
 * - bulk NDJSON: an action line `{ index: { _index, _id } }` then the document, per document;
 * - search: k-NN on `pooled` for `depth` candidates, rescored by a `script_score` calling
 *   `lateInteractionScore(params.query_vectors, 'colbert_vectors', params._source, params.space_type)`.
 * The script's score with `space_type: innerproduct` is `nq + MaxSim` (latelab's dot-product MaxSim, nq
 * query vectors) whenever every query vector's best dot product is >= 0, as with ColBERT vectors: the
 * k-NN plugin maps similarities to non-negative scores (`x + 1`) because script_score rejects negative
 * ones (see `opensearchScore`). innerproduct rather than cosinesimil so pooled (non-unit) vectors score as
 * latelab scores them.
 */
import type { TokenMatrix } from '../types';
import { f32Json, type ExportStorage } from './export-qdrant';
import { toRows } from './multivector-math';

export const OPENSEARCH_KNN = 'pooled';
export const OPENSEARCH_MULTI = 'colbert_vectors';
export const LATE_INTERACTION_SCRIPT = `lateInteractionScore(params.query_vectors, '${OPENSEARCH_MULTI}', params._source, params.space_type)`;

/**
 * The body of `PUT /{index}`. Storage: fp16 -> the faiss `sq` fp16 encoder on the k-NN field, binary ->
 * `mode: on_disk` with 32x compression (binary quantisation, rescored); int8 and fp32 keep float32.
 * The multi-vectors are raw `_source` floats in every case (OpenSearch does not compress them).
 * @example opensearchIndex(96).mappings.properties.colbert_vectors // { type: 'object', enabled: false }
 */
export function opensearchIndex(dim: number, storage: ExportStorage = 'fp32') {
	const method =
		storage === 'fp16'
			? { name: 'hnsw', engine: 'faiss', space_type: 'cosinesimil', parameters: { encoder: { name: 'sq', parameters: { type: 'fp16' } } } }
			: { name: 'hnsw', engine: storage === 'binary' ? 'faiss' : 'lucene', space_type: 'cosinesimil' };
	return {
		settings: { index: { knn: true } },
		mappings: {
			properties: {
				doc_id: { type: 'keyword' },
				title: { type: 'text' },
				text: { type: 'text' },
				[OPENSEARCH_KNN]: {
					type: 'knn_vector',
					dimension: dim,
					...(storage === 'binary' ? { mode: 'on_disk', compression_level: '32x', space_type: 'cosinesimil' } : { method })
				},
				[OPENSEARCH_MULTI]: { type: 'object', enabled: false }
			}
		}
	};
}

/** The two NDJSON lines of one document in a `_bulk` body. */
export function opensearchBulkLines(index: string, doc: { id: string; title: string; text: string }, pooled: Float32Array, vectors: TokenMatrix): string {
	const action = { index: { _index: index, _id: doc.id } };
	const source = {
		doc_id: doc.id,
		title: doc.title,
		text: doc.text,
		[OPENSEARCH_KNN]: Array.from(pooled, f32Json),
		[OPENSEARCH_MULTI]: toRows(vectors).map((r) => r.map(f32Json))
	};
	return `${JSON.stringify(action)}\n${JSON.stringify(source)}\n`;
}

/** The body of `POST /{index}/_search`: k-NN candidates (`depth`), rescored by late interaction; `k` hits. */
export function opensearchSearch(query: TokenMatrix, pooledQuery: Float32Array, k: number, depth: number) {
	return {
		size: k,
		_source: ['doc_id', 'title'],
		query: {
			script_score: {
				query: { knn: { [OPENSEARCH_KNN]: { vector: Array.from(pooledQuery, f32Json), k: depth } } },
				script: {
					source: LATE_INTERACTION_SCRIPT,
					params: { query_vectors: toRows(query).map((r) => r.map(f32Json)), space_type: 'innerproduct' }
				}
			}
		}
	};
}

/**
 * The score OpenSearch's `lateInteractionScore` returns with `innerproduct` for a MaxSim of `maxSim`
 * over `nq` query vectors (opensearch-project/k-NN `KNNPainlessScriptUtils`): `nq * f(maxSim / nq)` with
 * Lucene's inner-product transform `f(x) = x + 1` (x >= 0) or `1 / (1 - x)` (x < 0), i.e. `nq + maxSim`
 * for a non-negative MaxSim. (Earlier releases summed `f` per query vector; both agree whenever every
 * query vector's best dot product is >= 0, as with ColBERT vectors.)
 * @example opensearchScore(2.775, 4) // 6.775
 */
export function opensearchScore(maxSim: number, nq: number): number {
	const mean = maxSim / nq;
	return mean < 0 ? nq / (1 - mean) : nq + maxSim;
}

/** README.md of the export folder: the curl commands in order. */
export function opensearchReadme(o: { index: string; documents: number; batches: number; model: string; dim: number; pool: number; storage: ExportStorage; query?: string; depth: number; k: number }): string {
	return `# OpenSearch export from latelab

${o.documents} documents of model \`${o.model}\` (token dim ${o.dim}, pool factor ${o.pool}, storage ${o.storage}) for
OpenSearch 3.3 or later: \`${OPENSEARCH_KNN}\` (knn_vector, the normalised mean of each document's vectors) for the
first phase, \`${OPENSEARCH_MULTI}\` (object, \`enabled: false\`: the token vectors kept in \`_source\`) for
\`lateInteractionScore\`.

Files: \`index.json\` (settings and mapping), \`bulk/batch-*.ndjson\` (${o.batches} \`_bulk\` bodies; \`_id\` = the original id)${o.query !== undefined ? `,
\`search.json\` (the two-phase search for "${o.query.replace(/"/g, '\\"')}": k-NN top ${o.depth} on \`${OPENSEARCH_KNN}\`, rescored by
\`script_score\` with \`${LATE_INTERACTION_SCRIPT}\`, top ${o.k}), \`expected.json\` (latelab's top ${o.k} with the score OpenSearch should return)` : ''}.

\`\`\`sh
OS=http://localhost:9200
# 1. create the index
curl -X PUT "$OS/${o.index}" -H 'Content-Type: application/json' --data-binary @index.json
# 2. bulk-load the documents
for f in bulk/batch-*.ndjson; do
  curl -X POST "$OS/_bulk" -H 'Content-Type: application/x-ndjson' --data-binary @"$f"
done
curl -X POST "$OS/${o.index}/_refresh"
${o.query !== undefined ? `# 3. run the two-phase search
curl -X POST "$OS/${o.index}/_search" -H 'Content-Type: application/json' --data-binary @search.json
` : ''}\`\`\`

Scores: with \`space_type: innerproduct\` OpenSearch returns \`nq + MaxSim\` (nq = query vectors) when every query
vector's best dot product is >= 0 (always the case for ColBERT vectors): latelab's MaxSim plus a constant, so
the same ranking. \`script_score\` needs \`search.allow_expensive_queries\` (default true). Generated by
\`latelab export --format opensearch\`.
`;
}
