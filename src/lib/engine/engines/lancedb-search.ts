/**
 * Searching a latelab LanceDB store, three ways:
 * - `exhaustive`: LanceDB's multivector search over every row (`bypassVectorIndex`), MaxSim = 1 - _distance
 *   (the convention measured in `lanceDistanceToMaxSim`). Same top k and scores as latelab's `colbert`.
 * - `ann`: the same query through LanceDB's IVF_PQ multivector index (`nprobes`, `refineFactor`); scores
 *   are LanceDB's, from PQ codes unless refined.
 * - `two-phase`: LanceDB vector search on the pooled single vector (cosine) for the top `depth`, then
 *   exact MaxSim (`maxSim`, latelab's reference) on their stored multivectors: the OpenSearch / Lucene
 *   pattern (k-NN, then `lateInteractionScore` / `LateInteractionRescorer`).
 */
import { createError } from '../errors';
import { maxSim } from '../maxsim/maxsim';
import type { TokenMatrix } from '../types';
import { COLUMNS, readMultiVectors, readStrings } from './lancedb-arrow';
import { openStoreTable, type LanceModules } from './lancedb-write';
import { lanceDistanceToMaxSim, pooledVector } from './multivector-math';
import type { StoreMeta } from './store-spec';

export type StoreSearchMode = 'exhaustive' | 'ann' | 'two-phase';
export const STORE_SEARCH_MODES: readonly StoreSearchMode[] = ['exhaustive', 'ann', 'two-phase'];

/** One hit: the document id and its MaxSim score (LanceDB's estimate in `ann` mode). */
export interface StoreHit {
	id: string;
	score: number;
}

export interface StoreSearchOptions {
	mode?: StoreSearchMode;
	/** two-phase: candidates from the pooled vector (default 100). */
	depth?: number;
	/** ann: IVF partitions probed (LanceDB's default when absent). */
	nprobes?: number;
	/** ann: LanceDB re-ranks `refine x k` PQ candidates with the full vectors. */
	refine?: number;
}

type OpenedTable = NonNullable<Awaited<ReturnType<typeof openStoreTable>>>['table'];

/** A store opened for search. */
export interface LanceStore {
	readonly uri: string;
	readonly meta: StoreMeta;
	/** Rows in the table (equals `meta.documents` for a complete build). */
	readonly rows: number;
	/** Index types present, e.g. `['IvfPq']` (empty: exhaustive only). */
	readonly indices: string[];
	search(query: TokenMatrix, k: number, options?: StoreSearchOptions): Promise<{ hits: StoreHit[]; stages: { stage: string; ms: number }[] }>;
}

const rowsOf = (m: TokenMatrix): Float32Array[] => Array.from({ length: m.rows }, (_, r) => m.data.slice(r * m.dim, (r + 1) * m.dim));

/**
 * Opens the store at `uri`. `BAD_ARGUMENT` when there is none, it was not written by latelab, or its
 * build is unfinished (the line says how to finish it).
 * @example const store = await openLanceStore(modules, 'stores/synth'); (await store.search(q, 10)).hits[0] // { id: 'd42', score: 27.3 }
 */
export async function openLanceStore(modules: LanceModules, uri: string): Promise<LanceStore> {
	const opened = await openStoreTable(modules, uri);
	if (!opened) throw createError('BAD_ARGUMENT', { detail: `no latelab store in ${uri} (no "documents" table); build one with latelab index build ... --store lancedb:${uri}` });
	const partial = opened.meta;
	if (!partial) throw createError('BAD_ARGUMENT', { detail: `${uri}: the "documents" table was not written by latelab (no latelab metadata)` });
	const { table } = opened;
	const rows = await table.countRows();
	if (rows < partial.documents) {
		throw createError('BAD_ARGUMENT', { detail: `store ${uri} is unfinished: ${rows} of ${partial.documents} documents; run the same latelab index build again to continue` });
	}
	// Cosine equals latelab's dot-product MaxSim only on unit vectors; pooled means need `dot`.
	const distance = (await table.countRows(`${COLUMNS.unit} = false`)) === 0 ? 'cosine' : 'dot';
	const meta: StoreMeta = { ...partial, distance };
	const indices = (await table.listIndices()).map((i) => `${i.indexType}(${i.columns.join(',')})`);
	return {
		uri,
		meta,
		rows,
		indices,
		async search(query, k, options = {}) {
			if (query.dim !== meta.dim) throw createError('DIM_MISMATCH', { expected: meta.dim, actual: query.dim, detail: ` (query vectors vs store ${uri})` });
			const mode = options.mode ?? 'exhaustive';
			if (mode === 'two-phase') return twoPhase(table, meta, query, k, options.depth ?? 100);
			const t0 = performance.now();
			let q = table.vectorSearch(rowsOf(query)).column(COLUMNS.vectors).distanceType(mode === 'ann' ? 'cosine' : distance).select([COLUMNS.id]).limit(k);
			if (mode === 'exhaustive') q = q.bypassVectorIndex();
			else {
				if (options.nprobes) q = q.nprobes(options.nprobes);
				if (options.refine) q = q.refineFactor(options.refine);
			}
			const rows = (await q.toArray()) as { id: string; _distance: number }[];
			const hits = rows.map((r) => ({ id: String(r.id), score: lanceDistanceToMaxSim(r._distance) }));
			return { hits, stages: [{ stage: mode === 'ann' ? 'lancedb-ann' : 'lancedb-maxsim', ms: performance.now() - t0 }] };
		}
	};
}

async function twoPhase(table: OpenedTable, meta: StoreMeta, query: TokenMatrix, k: number, depth: number) {
	const t0 = performance.now();
	const first = await table
		.vectorSearch(pooledVector(query))
		.column(COLUMNS.pooled)
		.distanceType('cosine')
		.select([COLUMNS.id, COLUMNS.vectors])
		.limit(Math.max(depth, k))
		.toArrow();
	const t1 = performance.now();
	const ids = readStrings(first.getChild(COLUMNS.id));
	const docs = readMultiVectors(first.getChild(COLUMNS.vectors), meta.dim);
	const scored = ids.map((id, i) => ({ id, score: maxSim(query, docs[i]) }));
	// Stable sort: equal MaxSim keeps the first phase's order.
	scored.sort((a, b) => b.score - a.score);
	return {
		hits: scored.slice(0, k),
		stages: [
			{ stage: 'first-phase', ms: t1 - t0 },
			{ stage: 'maxsim', ms: performance.now() - t1 }
		]
	};
}
