/**
 * Precomputed multi-vector collections ("bring your own vectors"): a folder written by PyLate,
 * fastembed, a ColPali export or `latelab data synth`, read from any byte source (Node files, a zip or
 * chosen files in the browser). Layout (docs/CORPORA.md):
 * ```
 * manifest.json          {"format": "latelab-multivector", "version": 1, "dim", "dtype": "float32"|"float16",
 *                         "kind": "text"|"image", "similarity": "dot", "model"}
 * documents.safetensors  vectors [total, dim], offsets int64 [documents + 1]
 * documents.jsonl        one line per document, same order: _id, title?, text?, tokens?, image?, grid?
 * queries.safetensors    the same for queries (optional, with queries.jsonl)
 * qrels/<split>.tsv      BEIR judgments (optional)
 * ```
 */
import { createError } from '../errors';
import type { Fp32VectorStore } from '../store/fp32-vector-store';
import type { Corpus, Qrels, TokenMatrix } from '../types';
import { bytesRanges, openMultiVectorTensors, readMultiVectorTensors, type ByteRanges, type MultiVectorTensors } from './multivector-tensors';
import { readLines } from './lines';
import { crossCheckQrels, readQrels } from './qrels';
import { bytesSource } from './sources';
import { parseJsonObject, readId, readString } from './validate';

export const MULTIVECTOR_FORMAT = 'latelab-multivector';
export const MULTIVECTOR_VERSION = 1;

/** manifest.json of a vectors folder. */
export interface MultiVectorManifest {
	format: typeof MULTIVECTOR_FORMAT;
	version: 1;
	dim: number;
	dtype: 'float32' | 'float16';
	kind: 'text' | 'image';
	similarity: 'dot';
	model?: string;
}

/** One line of documents.jsonl / queries.jsonl. */
export interface MultiVectorRecord {
	id: string;
	title: string;
	text: string;
	/** One string per vector, when the writer gave them. */
	tokens?: string[];
	image?: string;
	/** Image patch grid `[rows, cols]`; rows·cols equals the item's vector count. */
	grid?: [number, number];
}

/** A collection loaded from a vectors folder. */
export interface MultiVectorCollection {
	readonly label: string;
	readonly manifest: MultiVectorManifest;
	readonly dim: number;
	readonly kind: 'text' | 'image';
	/** A `Corpus` (docs with id/title/text for BM25 and displays, queries, qrels) that also carries this collection. */
	readonly corpus: MultiVectorCorpus;
	readonly documents: readonly MultiVectorRecord[];
	readonly queries: readonly MultiVectorRecord[];
	/**
	 * Vectors of document `i` (corpus order): a view, not a copy. Only for collections held in memory;
	 * one loaded into a `store` throws (read it with `readDocuments`).
	 */
	docVectors(i: number): TokenMatrix;
	/** Where the document vectors live when not in memory (an OPFS file or IndexedDB in the browser); absent: in memory. */
	readonly store?: VectorsStore;
	/** Deletes what `store` holds; the collection cannot give its document vectors afterwards. */
	dispose?(): Promise<void>;
	/** Vectors of the query with this id, or undefined. */
	queryVectors(queryId: string): TokenMatrix | undefined;
	/** Vectors per document. */
	tokenCount(i: number): number;
	/** Stored vectors over all documents. */
	readonly totalVectors: number;
}

/** A store of per-document fp32 vectors read back by row ranges: where a loaded folder's document vectors go. */
export interface VectorsStore extends Fp32VectorStore {
	/** Documents `first .. first + count` (fewer at the end), in row order. */
	range(first: number, count: number): Promise<TokenMatrix[]>;
}

/**
 * Documents `first .. first + count` of `collection` (fewer at the end): views of the vectors in
 * memory, or read from its store.
 * @example const batch = await readDocuments(collection, 0, 256); batch[0].rows
 */
export async function readDocuments(collection: MultiVectorCollection, first: number, count: number): Promise<TokenMatrix[]> {
	if (collection.store) return collection.store.range(first, count);
	const last = Math.min(collection.documents.length, first + count);
	const out: TokenMatrix[] = [];
	for (let i = first; i < last; i++) out.push(collection.docVectors(i));
	return out;
}

/** A corpus loaded from a vectors folder: the pipelines find the vectors in `multivector`. */
export interface MultiVectorCorpus extends Corpus {
	multivector: MultiVectorCollection;
}

/** True when `corpus` came from a vectors folder. @example isMultiVectorCorpus(await loadCorpusFromPath('scifact')) // false */
export function isMultiVectorCorpus(corpus: Corpus): corpus is MultiVectorCorpus {
	return typeof (corpus as Partial<MultiVectorCorpus>).multivector === 'object' && (corpus as Partial<MultiVectorCorpus>).multivector !== null;
}

/**
 * The string to hand a pipeline's `search` for query `q` of `corpus`: its text (BM25 and encoders need
 * it, and a vectors folder finds its vectors by exact text), or its id when the corpus carries
 * precomputed vectors and the text is empty or shared by another query (the vectors are then found by id).
 * @example queryKeyFor(corpus, { id: 'q7', text: '' }) // 'q7' for a vectors folder
 */
export function queryKeyFor(corpus: Corpus, q: { id: string; text: string }): string {
	if (!isMultiVectorCorpus(corpus)) return q.text;
	const unique = q.text !== '' && corpus.queries.filter((other) => other.text === q.text).length === 1;
	return unique ? q.text : q.id;
}

/** Reads a file by its name inside the folder (`qrels/test.tsv`); undefined when absent. */
export type FolderReader = (name: string) => Promise<Uint8Array | undefined>;

/** Opens a file of the folder for reading by ranges (a Blob's slices); undefined when absent. */
export type FolderRanges = (name: string) => Promise<ByteRanges | undefined>;

/** How `loadMultiVectorFolder` reads and keeps the document vectors. */
export interface FolderLoadOptions {
	/** Qrels split (`qrels/<split>.tsv`, default `test`; required to exist when given). */
	split?: string;
	/**
	 * Write the document vectors into this store while loading (validated batch by batch) instead of
	 * keeping them in memory. On a load error the caller disposes it.
	 */
	store?: VectorsStore;
	/** With `store`: reads documents.safetensors by ranges, so it is never in memory whole (else it is read with the reader). */
	ranges?: FolderRanges;
	/** Documents per batch written to `store` (default 256). */
	batch?: number;
	/** Documents written to `store` so far. */
	onProgress?: (done: number, total: number) => void;
}

/** True when the file names (relative to the folder) contain a vectors folder's manifest. */
export function hasMultiVectorManifest(names: Iterable<string>): boolean {
	for (const n of names) if (n === 'manifest.json' || n.endsWith('/manifest.json')) return true;
	return false;
}

/** Parses and checks manifest.json. */
export function parseManifest(bytes: Uint8Array, file = 'manifest.json'): MultiVectorManifest {
	let m: Record<string, unknown>;
	try {
		m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch (cause) {
		throw createError('MALFORMED_JSON', { detail: (cause as Error).message }, { file }, cause);
	}
	const field = (name: string, expected: string, ok: boolean) => {
		if (!ok) throw createError('BAD_FIELD', { field: name, expected, actual: JSON.stringify(m?.[name]) ?? 'nothing' }, { file });
	};
	field('format', `"${MULTIVECTOR_FORMAT}"`, typeof m === 'object' && m !== null && m.format === MULTIVECTOR_FORMAT);
	field('version', String(MULTIVECTOR_VERSION), m.version === MULTIVECTOR_VERSION);
	field('dim', 'a positive integer', Number.isInteger(m.dim) && (m.dim as number) > 0);
	if (m.dtype !== 'float32' && m.dtype !== 'float16') throw createError('UNKNOWN_OPTION', { what: `dtype in ${file}`, value: String(m.dtype), expected: 'float32, float16' });
	field('kind', '"text" or "image"', m.kind === undefined || m.kind === 'text' || m.kind === 'image');
	field('similarity', '"dot"', m.similarity === undefined || m.similarity === 'dot');
	field('model', 'a string', m.model === undefined || typeof m.model === 'string');
	return { format: MULTIVECTOR_FORMAT, version: 1, dim: m.dim as number, dtype: m.dtype, kind: (m.kind as 'text' | 'image') ?? 'text', similarity: 'dot', ...(m.model ? { model: m.model as string } : {}) };
}

async function readRecords(bytes: Uint8Array, file: string, kind: 'text' | 'image'): Promise<MultiVectorRecord[]> {
	const out: MultiVectorRecord[] = [];
	const seen = new Map<string, number>();
	for await (const line of readLines(bytesSource(bytes), { file })) {
		if (line.text.trim() === '') continue;
		const r = parseJsonObject(line, file);
		const id = readId(r, ['_id', 'id'], file, line.line);
		if (id === undefined) throw createError('MISSING_FIELD', { field: '_id', detail: '' }, { file, line: line.line });
		const first = seen.get(id);
		if (first !== undefined) throw createError('DUPLICATE_ID', { id, firstLine: first }, { file, line: line.line });
		seen.set(id, line.line);
		const rec: MultiVectorRecord = { id, title: readString(r, 'title', false, file, line.line), text: readString(r, 'text', false, file, line.line) };
		const badField = (field: string, expected: string) => createError('BAD_FIELD', { field, expected, actual: JSON.stringify(r[field]) }, { file, line: line.line });
		if (r.tokens !== undefined && r.tokens !== null) {
			if (!Array.isArray(r.tokens) || !r.tokens.every((t) => typeof t === 'string')) throw badField('tokens', 'an array of strings (one per vector)');
			rec.tokens = r.tokens as string[];
		}
		if (r.image !== undefined && r.image !== null) {
			if (typeof r.image !== 'string') throw badField('image', 'a string (path or URL)');
			rec.image = r.image;
		}
		if (r.grid !== undefined && r.grid !== null) {
			const g = r.grid;
			if (!Array.isArray(g) || g.length !== 2 || !g.every((x) => Number.isInteger(x) && x > 0)) throw badField('grid', '[rows, cols] of positive integers');
			rec.grid = [g[0], g[1]];
		} else if (kind === 'image') throw createError('MISSING_FIELD', { field: 'grid', detail: ' (kind "image" needs [rows, cols] per item)' }, { file, line: line.line });
		out.push(rec);
	}
	return out;
}

/** A pair's vectors: in memory, or (documents loaded into a store) their offsets and a reader of items. */
type PairTensors = MultiVectorTensors | { offsets: Int32Array; dim: number; readItems: (first: number, count: number) => Promise<TokenMatrix[]> };

async function readPair(read: FolderReader, base: 'documents' | 'queries', manifest: MultiVectorManifest, required: boolean, ranges?: FolderRanges): Promise<{ records: MultiVectorRecord[]; tensors: PairTensors } | undefined> {
	const [tensorFile, jsonlFile] = [`${base}.safetensors`, `${base}.jsonl`];
	// By ranges: the tensor file is opened, its header and offsets read; the vectors stay in the file.
	const tr = ranges ? await ranges(tensorFile) : undefined;
	const tb = tr ? undefined : await read(tensorFile);
	const jb = await read(jsonlFile);
	if (!tb && !tr && !jb && !required) return undefined;
	if (!tb && !tr) throw createError('FILE_NOT_FOUND', { path: `${tensorFile} (it goes with ${jsonlFile})` });
	if (!jb) throw createError('FILE_NOT_FOUND', { path: `${jsonlFile} (it goes with ${tensorFile})` });
	// Queries of an image collection are text (ColPali): only documents need a grid.
	const records = await readRecords(jb, jsonlFile, base === 'documents' ? manifest.kind : 'text');
	const tensors: PairTensors = tr ? await openMultiVectorTensors(tr, tensorFile, manifest) : readMultiVectorTensors(tb!, tensorFile, manifest);
	const items = tensors.offsets.length - 1;
	if (items !== records.length) {
		throw createError('BAD_ARGUMENT', { detail: `${items} item(s) (offsets has ${items + 1} entries) but ${jsonlFile} has ${records.length} line(s)` }, { file: tensorFile });
	}
	records.forEach((r, i) => {
		const count = tensors.offsets[i + 1] - tensors.offsets[i];
		const where = { file: jsonlFile };
		if (r.tokens && r.tokens.length !== count) throw createError('BAD_ARGUMENT', { detail: `${jsonlFile}: "${r.id}" lists ${r.tokens.length} tokens but has ${count} vectors` }, where);
		if (r.grid && r.grid[0] * r.grid[1] !== count) {
			throw createError('BAD_ARGUMENT', { detail: `${jsonlFile}: "${r.id}" grid ${r.grid[0]}x${r.grid[1]} = ${r.grid[0] * r.grid[1]} patches but it has ${count} vectors` }, where);
		}
	});
	return { records, tensors };
}

function matrixOf(t: PairTensors, i: number): TokenMatrix {
	if (!('vectors' in t)) throw createError('BAD_ARGUMENT', { detail: 'these vectors live in a store, not in memory: read them with readDocuments' });
	const a = t.offsets[i];
	const b = t.offsets[i + 1];
	return { data: t.vectors.subarray(a * t.dim, b * t.dim), rows: b - a, dim: t.dim };
}

/**
 * Loads a vectors folder through `read`. Errors name the file and the problem (missing manifest, wrong
 * format or version, unknown dtype, dims that disagree, offsets not increasing or not ending at the row
 * count, NaN/Inf, counts that differ from the jsonl, an image grid that does not match): user errors.
 * @example
 * const c = await loadMultiVectorFolder(async (name) => files.get(name), 'synth-1k', { split: 'test' });
 * c.docVectors(0).rows // 118; c.corpus.docs[0].id // 'd0'
 */
export async function loadMultiVectorFolder(read: FolderReader, label: string, options: FolderLoadOptions = {}): Promise<MultiVectorCollection> {
	const manifestBytes = await read('manifest.json');
	if (!manifestBytes) throw createError('FILE_NOT_FOUND', { path: `${label}/manifest.json (a vectors folder needs it; see docs/CORPORA.md)` });
	const manifest = parseManifest(manifestBytes);
	const { store } = options;
	// With a store the document vectors are read by ranges (the reader's bytes when no ranges are given).
	const ranges: FolderRanges | undefined = store ? (options.ranges ?? (async (name) => {
		const bytes = await read(name);
		return bytes ? bytesRanges(bytes) : undefined;
	})) : undefined;
	const docs = (await readPair(read, 'documents', manifest, true, ranges))!;
	if (docs.records.length === 0) throw createError('EMPTY_CORPUS', { detail: ' (documents.safetensors holds no item either)' }, { file: `${label}/documents.jsonl` });
	const queries = await readPair(read, 'queries', manifest, false);
	const split = options.split ?? 'test';
	const qrelsFile = `qrels/${split}.tsv`;
	const qrelsBytes = await read(qrelsFile);
	if (!qrelsBytes && options.split !== undefined) throw createError('FILE_NOT_FOUND', { path: `${label}/${qrelsFile}` });
	const corpusDocs = docs.records.map((r) => ({ id: r.id, title: r.title, text: r.text || (r.image ?? '') }));
	const corpusQueries = (queries?.records ?? []).map((r) => ({ id: r.id, text: r.text }));
	const warnings: string[] = [];
	let qrels: Qrels = new Map();
	if (qrelsBytes) {
		const read = await readQrels(bytesSource(qrelsBytes), { file: qrelsFile });
		const checked = crossCheckQrels(read.qrels, corpusDocs, queries ? corpusQueries : undefined, qrelsFile);
		qrels = checked.qrels;
		warnings.push(...read.warnings, ...checked.warnings);
	}
	if (store) await fillStore(store, docs.tensors, options.batch ?? 256, options.onProgress);
	const queryRow = new Map((queries?.records ?? []).map((r, i) => [r.id, i]));
	const collection: MultiVectorCollection = {
		label,
		manifest,
		dim: manifest.dim,
		kind: manifest.kind,
		corpus: undefined as unknown as MultiVectorCorpus,
		documents: docs.records,
		queries: queries?.records ?? [],
		totalVectors: docs.tensors.offsets[docs.tensors.offsets.length - 1],
		docVectors: (i) => matrixOf(docs.tensors, i),
		queryVectors: (id) => {
			const row = queryRow.get(id);
			return row === undefined || !queries ? undefined : matrixOf(queries.tensors, row);
		},
		tokenCount: (i) => docs.tensors.offsets[i + 1] - docs.tensors.offsets[i],
		...(store ? { store, dispose: () => store.dispose() } : {})
	};
	const corpus: MultiVectorCorpus = { name: label, docs: corpusDocs, queries: corpusQueries, qrels, warnings, multivector: collection };
	(collection as { corpus: MultiVectorCorpus }).corpus = corpus;
	return collection;
}

/** Validates and writes every document's vectors into `store`, `batch` documents at a time. */
async function fillStore(store: VectorsStore, tensors: PairTensors, batch: number, onProgress?: (done: number, total: number) => void): Promise<void> {
	const n = tensors.offsets.length - 1;
	const readItems = 'readItems' in tensors ? tensors.readItems : async (first: number, count: number) => Array.from({ length: Math.min(n, first + count) - first }, (_, i) => matrixOf(tensors, first + i));
	for (let first = 0; first < n; first += batch) {
		await store.putBatch(first, await readItems(first, batch));
		onProgress?.(Math.min(n, first + batch), n);
	}
}
