/**
 * Writes a latelab LanceDB store: one table (`documents`) of id, title, text, the multivector, the pooled
 * single vector and a unit-length flag, appended in batches. Each `add` is one atomic LanceDB commit, so
 * the row count is the record of what was written: a build stopped by Ctrl-C (or a crash) resumes at
 * that row when run again with the same source, model and pooling. `buildLanceIndex` then adds
 * LanceDB's IVF_PQ index on the multivector column (and on the pooled column, for the first phase).
 * The modules come in as `LanceModules` (the host loads them lazily; see `src/cli/lance-modules.ts`).
 */
import { createError } from '../errors';
import type { MultiVectorDoc } from '../index/serialize';
import type { PipelineProgress } from '../pipelines/registry';
import { COLUMNS, documentsTable, storeSchema, type ArrowModule, type StoreRowInfo } from './lancedb-arrow';
import { STORE_FORMAT, STORE_TABLE, STORE_VERSION, readStoreMeta, type StoreMeta } from './store-spec';

/** Documents per LanceDB commit (fewer, larger fragments search faster than many small ones). */
export const WRITE_BATCH = 1024;

/** What `writeLanceStore` reads: the source's vectors in corpus order (a `MultiVectorSource` fits). */
export interface StoreWriteSource {
	readonly dim: number;
	documents(): AsyncIterable<{ first: number; docs: MultiVectorDoc[] }>;
}

export interface StoreWriteOptions {
	modules: LanceModules;
	/** Database folder or URI (`lancedb:` already stripped). */
	uri: string;
	/** What the store records (format and version are added). */
	meta: Omit<StoreMeta, 'format' | 'version' | 'distance'>;
	source: StoreWriteSource;
	/** Id, title and text of document `row`. */
	info: (row: number) => StoreRowInfo;
	/** Replace a table that holds another build instead of refusing. */
	replace?: boolean;
	/** Stops after the batch in flight (written rows are kept) with `CANCELLED`. */
	signal?: AbortSignal;
	onProgress?: (p: PipelineProgress) => void;
	batchSize?: number;
}

/** What a write did. */
export interface StoreWriteReport {
	/** Rows written by this call. */
	written: number;
	/** Rows found from an earlier, interrupted build (0 for a fresh one). */
	resumedFrom: number;
	total: number;
	ms: number;
}

type LanceModule = typeof import('@lancedb/lancedb');
type LanceTable = Awaited<ReturnType<Awaited<ReturnType<LanceModule['connect']>>['openTable']>>;

/**
 * `@lancedb/lancedb` and the `apache-arrow` instance it uses. LanceDB is CommonJS and loads arrow's
 * CommonJS build; an ES import of `apache-arrow` is another instance whose objects LanceDB does not
 * recognise (it copies foreign nested data without children). So the host `require`s both, once, and
 * passes them here; nothing in the engine imports either at load time (bundles and bm25 runs never do).
 */
export interface LanceModules {
	lancedb: LanceModule;
	arrow: ArrowModule;
}

/** The table of the store at `uri` with its metadata, or undefined when there is none. */
export async function openStoreTable(modules: LanceModules, uri: string): Promise<{ table: LanceTable; meta: StoreMeta | undefined } | undefined> {
	const db = await modules.lancedb.connect(uri);
	if (!(await db.tableNames()).includes(STORE_TABLE)) return undefined;
	const table = await db.openTable(STORE_TABLE);
	const schema = await table.schema();
	return { table, meta: readStoreMeta(schema.metadata.get('latelab'), uri) };
}

function sameBuild(a: StoreMeta, b: StoreWriteOptions['meta']): boolean {
	return a.model === b.model && a.dim === b.dim && a.pool === b.pool && a.documents === b.documents && a.source === b.source;
}

/**
 * Writes (or finishes writing) the store. Throws `BAD_ARGUMENT` when the folder holds another build
 * and `replace` is not set, `CANCELLED` when `signal` aborts (rows written so far stay).
 * @example
 * const report = await writeLanceStore({ modules: await lanceModules(), uri: 'stores/synth', meta, source, info: (row) => corpus.docs[row] });
 * report // { written: 10000, resumedFrom: 0, total: 10000, ms: 5123.4 }
 */
export async function writeLanceStore(options: StoreWriteOptions): Promise<StoreWriteReport> {
	const started = performance.now();
	const { modules, uri, source } = options;
	const dim = source.dim;
	const total = options.meta.documents;
	const db = await modules.lancedb.connect(uri);
	const existing = await openStoreTable(modules, uri);
	let table: LanceTable | undefined;
	let resumedFrom = 0;
	if (existing) {
		const { meta } = existing;
		if (meta && sameBuild(meta, options.meta)) {
			table = existing.table;
			resumedFrom = await table.countRows();
			if (resumedFrom > total) throw createError('BAD_ARGUMENT', { detail: `store ${uri} holds ${resumedFrom} rows, more than the ${total} documents it records; rebuild it with --force` });
		} else if (!options.replace) {
			const what = meta ? `another build (model ${meta.model}, dim ${meta.dim}, pool ${meta.pool}, ${meta.documents} documents)` : 'a table latelab did not write';
			throw createError('BAD_ARGUMENT', { detail: `store ${uri} already holds ${what}; add --force to replace it` });
		}
	}
	if (!table) {
		const meta: Omit<StoreMeta, 'distance'> = { format: STORE_FORMAT, version: STORE_VERSION, ...options.meta };
		table = await db.createEmptyTable(STORE_TABLE, storeSchema(modules.arrow, dim, { latelab: JSON.stringify(meta) }), { mode: 'overwrite' });
	}
	const schema = storeSchema(modules.arrow, dim, {});
	const batchSize = options.batchSize ?? WRITE_BATCH;
	let written = 0;
	let pending: MultiVectorDoc[] = [];
	let pendingFirst = resumedFrom;
	const flush = async () => {
		if (pending.length === 0) return;
		const info = pending.map((_, i) => options.info(pendingFirst + i));
		await table!.add(documentsTable(modules.arrow, schema, dim, pending, info));
		written += pending.length;
		pendingFirst += pending.length;
		pending = [];
		options.onProgress?.({ stage: 'write-store', done: resumedFrom + written, total });
	};
	if (resumedFrom < total) {
		for await (const { first, docs } of source.documents()) {
			const skip = Math.max(0, resumedFrom - first);
			if (skip < docs.length) pending.push(...docs.slice(skip));
			if (pending.length >= batchSize) await flush();
			if (options.signal?.aborted) {
				await flush();
				if (resumedFrom + written < total) {
					throw createError('CANCELLED', {
						detail: ` after ${resumedFrom + written} of ${total} documents; the store keeps them: run the same command again to continue`
					});
				}
			}
		}
		await flush();
	}
	const rows = await table.countRows();
	if (rows !== total) throw createError('BAD_ARGUMENT', { detail: `store ${uri}: the source gave ${rows} documents, ${total} expected` });
	return { written, resumedFrom, total, ms: performance.now() - started };
}

/** Settings of LanceDB's IVF_PQ index (LanceDB's defaults when absent). */
export interface LanceIndexOptions {
	/** IVF partitions (`numPartitions`). */
	partitions?: number;
	/** PQ sub-vectors (`numSubVectors`); must divide dim. */
	subVectors?: number;
}

/**
 * Builds IVF_PQ (cosine, the only metric LanceDB accepts for multivectors) on `vectors`, and on `pooled`
 * when the table has at least 256 rows (PQ trains 256 centroids per sub-vector). Replaces older indexes.
 * @example await buildLanceIndex(modules, 'stores/synth', { partitions: 64 }) // { ms: 2300.1, columns: ['vectors', 'pooled'] }
 */
export async function buildLanceIndex(modules: LanceModules, uri: string, options: LanceIndexOptions = {}): Promise<{ ms: number; columns: string[] }> {
	const started = performance.now();
	const store = await openStoreTable(modules, uri);
	if (!store?.meta) throw createError('BAD_ARGUMENT', { detail: `no latelab store in ${uri}; build it first (latelab index build ... --store lancedb:${uri})` });
	const config = () =>
		modules.lancedb.Index.ivfPq({
			distanceType: 'cosine',
			...(options.partitions ? { numPartitions: options.partitions } : {}),
			...(options.subVectors ? { numSubVectors: options.subVectors } : {})
		});
	const columns: string[] = [COLUMNS.vectors];
	try {
		await store.table.createIndex(COLUMNS.vectors, { config: config(), replace: true });
	} catch (cause) {
		const message = cause instanceof Error ? cause.message : String(cause);
		const few = /Not enough rows to train PQ. Requires (\d+) rows but only (\d+) available/.exec(message);
		if (few) throw createError('BAD_ARGUMENT', { detail: `index=ivf_pq: PQ training needs at least ${few[1]} vectors, store ${uri} holds ${few[2]}; search it exhaustively (no index)` }, {}, cause);
		throw cause;
	}
	if ((await store.table.countRows()) >= 256) {
		await store.table.createIndex(COLUMNS.pooled, { config: config(), replace: true });
		columns.push(COLUMNS.pooled);
	}
	return { ms: performance.now() - started, columns };
}
