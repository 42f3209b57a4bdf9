/**
 * Where a late-interaction pipeline gets its vectors: a ColBERT model encoding the corpus (cached in
 * the encoded-corpus store) and the queries, or a precomputed collection (a vectors folder, a
 * synthetic collection) whose corpus carries `multivector`. Token pooling (`options.pool`, PyLate's
 * hierarchical pooling) is applied here, so every consumer (exhaustive MaxSim, storage formats,
 * MUVERA, PLAID, LanceDB, exports, the explorer) sees the same stored vectors.
 */
import { poolFactorOf, poolHierarchical } from '../compress/pool-hierarchical';
import { isMultiVectorCorpus, readDocuments, type MultiVectorCollection } from '../corpus/multivector-folder';
import type { ColbertDocument, ColbertEncoder, ColbertQuery } from '../encoders/encoder';
import { createError } from '../errors';
import type { MultiVectorDoc } from '../index/serialize';
import type { Fp32VectorStore } from '../store/fp32-vector-store';
import type { StageTiming, TokenMatrix } from '../types';
import { encodeColbertCorpus, encodingOptionsFor } from './corpus-encoding';
import { documentText, encoderFor, since, type NeuralContext, type NeuralDeps } from './neural-context';

/** Documents handed out per batch by `documents()` for precomputed collections. */
export const SOURCE_BATCH = 256;

/** The vectors a late-interaction pipeline indexes and queries with. */
export interface MultiVectorSource {
	readonly dim: number;
	/** Document ids, corpus order. */
	readonly ids: string[];
	readonly kind: 'text' | 'image';
	/** The pool factor applied to documents (1 = none). */
	readonly pool: number;
	/** Document vectors after pooling, corpus order, in batches; each doc `{ ids, tokens, matrix }`. Iterable more than once. */
	documents(): AsyncIterable<{ first: number; docs: MultiVectorDoc[] }>;
	/** One document's stored (pooled) vectors with token strings, e.g. for explanations. */
	document(row: number): Promise<ColbertDocument>;
	/** Query vectors: encoded by the ColBERT encoder, or looked up (query id, else exact query text) in a precomputed collection, whose other text is encoded by a ColBERT model only when one is given. */
	queryVectors(query: string): Promise<TokenMatrix>;
	/** The query as the explainers want it (ids, tokens, augmentation flags, matrix). */
	query(query: string): Promise<ColbertQuery>;
	/** Build stages so far: `load-model`, `encode-corpus` at open; `pool` added after each full `documents()` pass. */
	readonly buildTimings: StageTiming[];
	/** The ColBERT encoder; absent for precomputed vectors. */
	readonly encoder?: ColbertEncoder;
	/** The precomputed collection, when the vectors came from one. */
	readonly collection?: MultiVectorCollection;
	/**
	 * The fp32 vectors this source hands out, already kept outside memory (a vectors folder loaded into
	 * OPFS or IndexedDB, unpooled): rescoring reads them there instead of writing its own copy. Writing to it is
	 * a no-op and disposing it leaves the collection's copy alone.
	 */
	readonly fp32Store?: Fp32VectorStore;
	dispose(): Promise<void>;
}

/** Pools one document (factor 1: unchanged); pooled rows get the joined token strings of their members and id -1. */
export function poolDoc(doc: MultiVectorDoc, factor: number): MultiVectorDoc {
	if (factor === 1) return doc;
	const { matrix, groups } = poolHierarchical(doc.matrix, factor);
	if (matrix === doc.matrix) return doc;
	return {
		matrix,
		ids: groups.map((g) => (g.length === 1 ? (doc.ids[g[0]] ?? -1) : -1)),
		tokens: groups.map((g) => g.map((r) => doc.tokens[r] ?? `#${r}`).join('+'))
	};
}

function tokensOf(collection: MultiVectorCollection, row: number, rows: number): string[] {
	const rec = collection.documents[row];
	if (rec.tokens) return rec.tokens;
	if (rec.grid) return Array.from({ length: rows }, (_, i) => `r${Math.floor(i / rec.grid![1])}c${i % rec.grid![1]}`);
	return Array.from({ length: rows }, (_, i) => `#${i}`);
}

/**
 * The ColBERT encoder that encodes a vectors folder's free-text queries: one handed in (the playground's
 * loaded model) or one named in `options.models.colbert` (the CLI's `--model colbert=`); none otherwise,
 * so a folder never triggers a default model's download. Its vectors must have the folder's width: a
 * named model of another width is `DIM_MISMATCH`; a handed-in one is only left unused, with a warning
 * (the playground's model bar may hold a model for text corpora), and the folder answers its own queries.
 * A folder that names another model gets a warning, since its vectors and the query's may not match.
 */
async function queryEncoderFor(ctx: NeuralContext, deps: NeuralDeps, collection: MultiVectorCollection): Promise<{ encoder: ColbertEncoder; owned: boolean; ms: number } | undefined> {
	if (!deps.encoders?.colbert && ctx.options.models?.colbert === undefined) return undefined;
	const t0 = performance.now();
	const { encoder, owned } = await encoderFor('colbert', ctx, deps);
	if (encoder.settings.dim !== collection.dim) {
		const widths = `${collection.label} holds ${collection.dim}-dim vectors; the ColBERT model ${encoder.modelId} encodes queries to ${encoder.settings.dim}`;
		if (!owned) {
			(deps.onWarning ?? ctx.onWarning)?.(`${widths}, so only the folder's own queries are searched (free text needs the model that made the folder)`);
			return undefined;
		}
		await encoder.dispose();
		throw createError('DIM_MISMATCH', {
			expected: collection.dim,
			actual: encoder.settings.dim,
			detail: ` (${widths})`
		});
	}
	const made = collection.manifest.model;
	if (made && made !== encoder.modelId) {
		(deps.onWarning ?? ctx.onWarning)?.(`${collection.label} was made by ${made}; free-text queries are encoded by ${encoder.modelId}, whose vectors may not match the folder's`);
	}
	return { encoder, owned, ms: since(t0) };
}

async function precomputedSource(ctx: NeuralContext, deps: NeuralDeps, collection: MultiVectorCollection, pool: number): Promise<MultiVectorSource> {
	const timings: StageTiming[] = [];
	const queryEncoder = await queryEncoderFor(ctx, deps, collection);
	if (queryEncoder) timings.push({ stage: 'load-model', ms: queryEncoder.ms });
	const rawDoc = (row: number, matrix: TokenMatrix): MultiVectorDoc => ({ matrix, ids: new Array<number>(matrix.rows).fill(-1), tokens: tokensOf(collection, row, matrix.rows) });
	const byText = new Map<string, string>();
	for (const q of collection.queries) if (!byText.has(q.text)) byText.set(q.text, q.id);
	/** The folder's own vectors for a query id or a query's exact text. */
	const stored = (query: string): TokenMatrix | undefined => collection.queryVectors(query) ?? (byText.has(query) ? collection.queryVectors(byText.get(query)!) : undefined);
	const missing = (query: string) =>
		createError('BAD_ARGUMENT', {
			detail: `no precomputed vectors for query "${query.slice(0, 80)}" in ${collection.label}: a vectors folder answers its own queries, by id (search --query-id) or exact text; other text needs the ColBERT model that made its vectors (--model colbert=..., or loaded in the playground's model bar)`
		});
	const n = ctx.corpus.docs.length;
	return {
		dim: collection.dim,
		ids: ctx.corpus.docs.map((d) => d.id),
		kind: collection.kind,
		pool,
		collection,
		buildTimings: timings,
		...(collection.store && pool === 1 ? { fp32Store: sharedStore(collection.store) } : {}),
		async *documents() {
			let poolMs = 0;
			// Views of the vectors in memory, or one batch read from the collection's store at a time.
			for (let first = 0; first < n; first += SOURCE_BATCH) {
				const matrices = await readDocuments(collection, first, SOURCE_BATCH);
				const t0 = performance.now();
				const docs = matrices.map((m, i) => poolDoc(rawDoc(first + i, m), pool));
				poolMs += since(t0);
				yield { first, docs };
			}
			if (pool > 1) timings.push({ stage: 'pool', ms: poolMs });
		},
		async document(row) {
			const [matrix] = await readDocuments(collection, row, 1);
			return poolDoc(rawDoc(row, matrix), pool);
		},
		async queryVectors(query) {
			const matrix = stored(query);
			if (matrix) return matrix;
			if (queryEncoder) return (await queryEncoder.encoder.encodeQuery(query)).matrix;
			throw missing(query);
		},
		async query(query) {
			const matrix = stored(query);
			if (!matrix) {
				if (queryEncoder) return queryEncoder.encoder.encodeQuery(query);
				throw missing(query);
			}
			return { matrix, ids: new Array<number>(matrix.rows).fill(-1), tokens: Array.from({ length: matrix.rows }, (_, i) => `q${i}`), augmentation: new Array<boolean>(matrix.rows).fill(false) };
		},
		async dispose() {
			if (queryEncoder?.owned) await queryEncoder.encoder.dispose();
		}
	};
}

/** The collection's store as a pipeline's rescoring store: reads pass through; it is written and deleted by its collection. */
function sharedStore(store: Fp32VectorStore): Fp32VectorStore {
	let next = 0;
	return {
		get label() {
			return store.label;
		},
		get bytes() {
			return store.bytes;
		},
		async putBatch(first, docs) {
			// The documents are already there, in the same rows: check the order the pipeline hands them in.
			if (first !== next) throw createError('BAD_ARGUMENT', { detail: `${store.label}: batch starts at document ${first}, expected ${next}` });
			next += docs.length;
		},
		get: (rows) => store.get(rows),
		async dispose() {}
	};
}

async function encodedSource(ctx: NeuralContext, deps: NeuralDeps, pool: number): Promise<MultiVectorSource> {
	const t0 = performance.now();
	const { encoder, ref, owned } = await encoderFor('colbert', ctx, deps);
	const timings: StageTiming[] = [{ stage: 'load-model', ms: since(t0) }];
	try {
		const encodeOptions = await encodingOptionsFor(ctx, deps, ref);
		let held: MultiVectorDoc[][] | undefined = (await encodeColbertCorpus(encoder, ctx.corpus.docs, encodeOptions).then((r) => {
			timings.push(...r.stats.timings);
			return r;
		})).batches;
		const texts = ctx.corpus.docs.map(documentText);
		return {
			dim: encoder.settings.dim,
			ids: ctx.corpus.docs.map((d) => d.id),
			kind: 'text',
			pool,
			encoder,
			buildTimings: timings,
			async *documents() {
				// The first pass hands out (and releases) the batches encoded at open; later passes read the store again.
				const batches = held ?? (await encodeColbertCorpus(encoder, ctx.corpus.docs, encodeOptions)).batches;
				held = undefined;
				let poolMs = 0;
				let first = 0;
				for (let i = 0; i < batches.length; i++) {
					const t1 = performance.now();
					const docs = batches[i].map((d) => poolDoc(d, pool));
					poolMs += since(t1);
					batches[i] = [];
					yield { first, docs };
					first += docs.length;
				}
				if (pool > 1) timings.push({ stage: 'pool', ms: poolMs });
			},
			async document(row) {
				const [doc] = await encoder.encodeDocuments([texts[row]]);
				return poolDoc(doc, pool);
			},
			async queryVectors(query) {
				return (await encoder.encodeQuery(query)).matrix;
			},
			query: (query) => encoder.encodeQuery(query),
			async dispose() {
				if (owned) await encoder.dispose();
			}
		};
	} catch (error) {
		if (owned) await encoder.dispose();
		throw error;
	}
}

/**
 * Opens the source for `ctx`: the corpus's precomputed vectors when it came from a vectors folder (a
 * ColBERT model is loaded only when one is given, for free-text queries), else the ColBERT model of
 * `ctx.options.models.colbert` encoding the corpus (cached).
 * Reads `ctx.options.pool` (integer factor >= 1, default 1; `BAD_ARGUMENT` otherwise).
 * @example
 * const source = await openMultiVectorSource({ corpus, options: { pool: 2 } }, deps);
 * for await (const { first, docs } of source.documents()) await index.add(docs);
 * const q = await source.queryVectors('red planet'); // nq x dim
 */
export async function openMultiVectorSource(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<MultiVectorSource> {
	const pool = poolFactorOf(ctx.options.pool);
	if (isMultiVectorCorpus(ctx.corpus)) return precomputedSource(ctx, deps, ctx.corpus.multivector, pool);
	return encodedSource(ctx, deps, pool);
}
