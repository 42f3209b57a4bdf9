/**
 * Writes a Qdrant or OpenSearch export folder (Node): the engine's configuration, the documents in
 * upload batches, and for one query the two-stage query body plus `expected.json` (latelab's exact
 * top k, with the score the engine should return). Documents stream through in batches; only the top
 * k of the query are kept.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createError } from '../errors';
import type { MultiVectorDoc } from '../index/serialize';
import { maxSim } from '../maxsim/maxsim';
import type { PipelineProgress } from '../pipelines/registry';
import type { TokenMatrix } from '../types';
import { opensearchBulkLines, opensearchIndex, opensearchReadme, opensearchScore, opensearchSearch } from './export-opensearch';
import { qdrantCollection, qdrantPoint, qdrantQuery, qdrantReadme, type ExportStorage } from './export-qdrant';
import { isUnitRows, pooledVector } from './multivector-math';

export type ExportFormat = 'qdrant' | 'opensearch';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['qdrant', 'opensearch'];

/** Documents per upload batch file (a few MB of JSON at ~120 x 96 floats per document). */
export const EXPORT_BATCH = 100;

export interface ExportOptions {
	format: ExportFormat;
	out: string;
	/** Collection (Qdrant) or index (OpenSearch) name. */
	name: string;
	model: string;
	pool: number;
	storage: ExportStorage;
	source: { dim: number; documents(): AsyncIterable<{ first: number; docs: MultiVectorDoc[] }> };
	info: (row: number) => { id: string; title: string; text: string };
	documents: number;
	/** The query the bodies are written for, with its vectors. */
	query?: { text: string; matrix: TokenMatrix };
	k: number;
	depth: number;
	batchSize?: number;
	signal?: AbortSignal;
	onProgress?: (p: PipelineProgress) => void;
}

export interface ExportReport {
	files: string[];
	documents: number;
	batches: number;
	/** Qdrant multivector distance chosen (Cosine when every vector is unit length). */
	distance: 'Cosine' | 'Dot';
}

/**
 * Checks `out` before any work: a missing folder is fine; an existing one must be a folder, and empty
 * unless `force` (then its contents are removed). `BAD_ARGUMENT` otherwise, with nothing changed.
 * @example await prepareExportFolder('exports/qdrant', false)
 */
export async function prepareExportFolder(out: string, force: boolean, clear = false): Promise<void> {
	let entries: string[];
	try {
		if (!(await stat(out)).isDirectory()) throw createError('BAD_ARGUMENT', { detail: `export folder ${out} is a file` });
		entries = await readdir(out);
	} catch (cause) {
		if ((cause as { code?: string }).code === 'ENOENT') return;
		throw cause;
	}
	if (entries.length > 0 && !force) {
		throw createError('BAD_ARGUMENT', { detail: `export folder ${out} exists and is not empty (${entries.length} entries); add --force to replace its contents` });
	}
	if (clear) for (const e of entries) await rm(join(out, e), { recursive: true, force: true });
}

/**
 * Writes the export. Files: qdrant `collection.json`, `points/batch-NNNNNN.jsonl`; opensearch `index.json`,
 * `bulk/batch-NNNNNN.ndjson`; with a query `query.json` | `search.json` and `expected.json`; `README.md`.
 * @example
 * const r = await writeExport({ format: 'qdrant', out: 'exports/q', name: 'latelab', model, pool: 1, storage: 'fp32', source, info: (row) => corpus.docs[row], documents: corpus.docs.length, query: { text: 'q', matrix }, k: 10, depth: 100 });
 * r // { files: ['points/batch-000000.jsonl', ..., 'README.md'], documents: 5183, batches: 52, distance: 'Cosine' }
 */
export async function writeExport(o: ExportOptions): Promise<ExportReport> {
	await prepareExportFolder(o.out, true, true);
	const sub = o.format === 'qdrant' ? 'points' : 'bulk';
	await mkdir(join(o.out, sub), { recursive: true });
	const files: string[] = [];
	const batchSize = o.batchSize ?? EXPORT_BATCH;
	let unit = true;
	let lines: string[] = [];
	let batches = 0;
	let done = 0;
	const top: { id: string; score: number }[] = [];
	const flush = async () => {
		if (lines.length === 0) return;
		const name = join(sub, `batch-${String(batches).padStart(6, '0')}.${o.format === 'qdrant' ? 'jsonl' : 'ndjson'}`);
		await writeFile(join(o.out, name), lines.join(''));
		files.push(name);
		batches++;
		lines = [];
	};
	for await (const { first, docs } of o.source.documents()) {
		for (let i = 0; i < docs.length; i++) {
			const row = first + i;
			const doc = o.info(row);
			const vectors = docs[i].matrix;
			const pooled = pooledVector(vectors);
			if (unit && !isUnitRows(vectors)) unit = false;
			lines.push(o.format === 'qdrant' ? `${JSON.stringify(qdrantPoint(row, doc, pooled, vectors))}\n` : opensearchBulkLines(o.name, doc, pooled, vectors));
			if (o.query) keepTop(top, { id: doc.id, score: maxSim(o.query.matrix, vectors) }, o.k);
			if (lines.length >= batchSize) await flush();
		}
		done += docs.length;
		o.onProgress?.({ stage: 'export', done, total: o.documents });
		if (o.signal?.aborted) throw createError('CANCELLED', { detail: ` after ${done} of ${o.documents} documents; the export folder is incomplete (run again with --force)` });
	}
	await flush();
	const distance = unit ? 'Cosine' : 'Dot';
	const write = async (name: string, value: unknown) => {
		await writeFile(join(o.out, name), typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
		files.push(name);
	};
	const common = { documents: done, batches, model: o.model, dim: o.source.dim, pool: o.pool, storage: o.storage, query: o.query?.text, depth: o.depth, k: o.k };
	if (o.format === 'qdrant') await write('collection.json', qdrantCollection({ dim: o.source.dim, distance, storage: o.storage }));
	else await write('index.json', opensearchIndex(o.source.dim, o.storage));
	if (o.query) {
		const q = o.query.matrix;
		const pooledQuery = pooledVector(q);
		if (o.format === 'qdrant') await write('query.json', qdrantQuery(q, pooledQuery, o.k, o.depth, o.storage));
		else await write('search.json', opensearchSearch(q, pooledQuery, o.k, o.depth));
		await write('expected.json', {
			query: o.query.text,
			queryVectors: q.rows,
			k: o.k,
			depth: o.depth,
			note:
				o.format === 'qdrant'
					? `latelab's exact MaxSim top ${o.k}; Qdrant's max_sim (${distance}) returns the same scores when the prefetch (depth ${o.depth}) holds these documents`
					: `latelab's exact MaxSim top ${o.k}; OpenSearch's lateInteractionScore (innerproduct) returns nq + MaxSim when the k-NN phase (depth ${o.depth}) holds these documents`,
			hits: top.map((h, i) => ({ rank: i + 1, id: h.id, latelab: h.score, engine: o.format === 'qdrant' ? h.score : opensearchScore(h.score, q.rows) }))
		});
	}
	await write('README.md', o.format === 'qdrant' ? qdrantReadme({ ...common, collection: o.name, distance }) : opensearchReadme({ ...common, index: o.name }));
	return { files, documents: done, batches, distance };
}

/** Keeps `top` as the best `k`, best first (ties: earlier documents first). */
function keepTop(top: { id: string; score: number }[], item: { id: string; score: number }, k: number): void {
	if (top.length === k && item.score <= top[k - 1].score) return;
	let at = top.length;
	while (at > 0 && top[at - 1].score < item.score) at--;
	top.splice(at, 0, item);
	if (top.length > k) top.pop();
}
