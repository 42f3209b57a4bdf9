/**
 * A latelab configuration as Qdrant wants it (Qdrant >= 1.10, multivectors; Query API with prefetch):
 * - collection: a named dense vector (`dense`, the pooled single vector, Cosine) for the first stage and a
 *   named multivector (`colbert`, `multivector_config.comparator = max_sim`, size = token dim) for
 *   reranking, with HNSW off on it (`m: 0`: it is only ever used to rerank, as Qdrant's docs advise);
 * - points: `{ id, vector: { dense, colbert }, payload: { doc_id, title, text } }`, ids = row numbers
 *   (Qdrant takes unsigned integers or UUIDs; the original id stays in `payload.doc_id`);
 * - query: prefetch `depth` candidates on `dense`, then MaxSim on `colbert`.
 * Qdrant's max_sim score is `sum_i max_j sim(q_i, d_j)` with sim the cosine (Cosine: vectors normalised
 * on upload) or the dot product (Dot). Unit vectors (ColBERT output): Cosine, equal to latelab's MaxSim.
 * Pooled means are not unit vectors: Dot, which is what latelab (and PyLate) score them with.
 */
import type { TokenMatrix } from '../types';
import { toRows } from './multivector-math';

/** Vector names in the collection. */
export const QDRANT_DENSE = 'dense';
export const QDRANT_MULTI = 'colbert';

/** latelab storage formats Qdrant has a counterpart for. */
export type ExportStorage = 'fp32' | 'fp16' | 'int8' | 'binary';

export interface QdrantSettings {
	dim: number;
	/** `Cosine` for unit token vectors, `Dot` otherwise (see the module comment). */
	distance: 'Cosine' | 'Dot';
	/** latelab `--opt storage`: fp16 -> `datatype: float16`; int8 -> scalar int8 quantisation; binary -> binary quantisation. */
	storage?: ExportStorage;
}

/**
 * The body of `PUT /collections/{name}`.
 * @example qdrantCollection({ dim: 96, distance: 'Cosine' }).vectors.colbert.multivector_config // { comparator: 'max_sim' }
 */
export function qdrantCollection(s: QdrantSettings) {
	const storage = s.storage ?? 'fp32';
	return {
		vectors: {
			[QDRANT_DENSE]: { size: s.dim, distance: 'Cosine' as const },
			[QDRANT_MULTI]: {
				size: s.dim,
				distance: s.distance,
				multivector_config: { comparator: 'max_sim' as const },
				hnsw_config: { m: 0 },
				...(storage === 'fp16' ? { datatype: 'float16' as const } : {}),
				...(storage === 'int8' ? { quantization_config: { scalar: { type: 'int8' as const, quantile: 0.99, always_ram: true } } } : {}),
				...(storage === 'binary' ? { quantization_config: { binary: { always_ram: true } } } : {})
			}
		}
	};
}

/** Numbers written with 9 significant digits: enough to read back the same float32, no longer. */
export function f32Json(x: number): number {
	return Number(x.toPrecision(9));
}

const rows9 = (m: TokenMatrix) => toRows(m).map((r) => r.map(f32Json));

/**
 * One point of the upsert API (`PUT /collections/{name}/points`, body `{ "points": [...] }`).
 * @example qdrantPoint(0, { id: 'doc-7', title: '', text: 'x' }, pooled, vectors).payload.doc_id // 'doc-7'
 */
export function qdrantPoint(row: number, doc: { id: string; title: string; text: string }, pooled: Float32Array, vectors: TokenMatrix) {
	return {
		id: row,
		vector: { [QDRANT_DENSE]: Array.from(pooled, f32Json), [QDRANT_MULTI]: rows9(vectors) },
		payload: { doc_id: doc.id, title: doc.title, text: doc.text }
	};
}

/**
 * The body of `POST /collections/{name}/points/query`: `depth` candidates by the pooled query vector,
 * reranked by MaxSim over the query's token vectors; `k` results.
 */
export function qdrantQuery(query: TokenMatrix, pooledQuery: Float32Array, k: number, depth: number, storage: ExportStorage = 'fp32') {
	return {
		prefetch: { query: Array.from(pooledQuery, f32Json), using: QDRANT_DENSE, limit: depth },
		query: rows9(query),
		using: QDRANT_MULTI,
		limit: k,
		with_payload: ['doc_id'],
		// Quantised vectors: score with them, then rescore with the originals (Qdrant's rescoring).
		...(storage === 'int8' || storage === 'binary' ? { params: { quantization: { rescore: true, oversampling: 2 } } } : {})
	};
}

/** README.md of the export folder: the curl commands in order. */
export function qdrantReadme(o: { collection: string; documents: number; batches: number; model: string; dim: number; distance: string; pool: number; storage: ExportStorage; query?: string; depth: number; k: number }): string {
	return `# Qdrant export from latelab

${o.documents} documents of model \`${o.model}\` (token dim ${o.dim}, pool factor ${o.pool}, storage ${o.storage}):
a dense vector \`${QDRANT_DENSE}\` (the normalised mean of each document's vectors, Cosine) for the first
stage and a multivector \`${QDRANT_MULTI}\` (\`max_sim\`, ${o.distance}) for the rerank.

Files: \`collection.json\` (collection configuration), \`points/batch-*.jsonl\` (${o.batches} batches, one point
per line: id = row number, \`payload.doc_id\` = the original id)${o.query !== undefined ? `, \`query.json\` (the two-stage query for
"${o.query.replace(/"/g, '\\"')}": prefetch ${o.depth} on \`${QDRANT_DENSE}\`, MaxSim on \`${QDRANT_MULTI}\`, top ${o.k}), \`expected.json\` (latelab's top ${o.k} for it,
with the score Qdrant should return)` : ''}.

\`\`\`sh
QDRANT=http://localhost:6333
# 1. create the collection
curl -X PUT "$QDRANT/collections/${o.collection}" -H 'Content-Type: application/json' --data-binary @collection.json
# 2. upload the points, batch by batch (jq wraps each JSONL batch as {"points": [...]})
for f in points/batch-*.jsonl; do
  jq -s '{points: .}' "$f" | curl -X PUT "$QDRANT/collections/${o.collection}/points?wait=true" -H 'Content-Type: application/json' --data-binary @-
done
${o.query !== undefined ? `# 3. run the two-stage query
curl -X POST "$QDRANT/collections/${o.collection}/points/query" -H 'Content-Type: application/json' --data-binary @query.json
` : ''}\`\`\`

Scores: Qdrant's \`max_sim\` is the sum over query vectors of the best ${o.distance === 'Cosine' ? 'cosine' : 'dot product'} with any document vector,
the same number as latelab's MaxSim for these vectors${o.storage === 'int8' || o.storage === 'binary' ? ` once rescored with the original vectors (the query asks for
\`rescore: true\`; Qdrant's ${o.storage} quantisation is its own, not latelab's ${o.storage} format)` : ''}. Generated by \`latelab export --format qdrant\`.
`;
}
