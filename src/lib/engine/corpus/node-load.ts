/**
 * Corpora on disk (Node): a folder is a BEIR collection, a file is user documents. Files are streamed
 * (`fs.createReadStream`), never read whole. Import from `node-files.ts`, the Node entry.
 */
import { createReadStream, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createError } from '../errors';
import type { Corpus, Qrels } from '../types';
import { loadBeirSources, type NamedSource } from './beir';
import type { CsvColumns } from './csv-docs';
import { readQrels } from './qrels';
import type { ByteSource, LoadProgress } from './sources';
import type { TextMode } from './text-docs';
import { type DocFormat, loadUserDocs } from './user-docs';
import type { DuplicateIdPolicy } from './validate';

export interface LoadPathOptions {
	/** BEIR folders: which `qrels/<split>.tsv` to read (default `test`; an explicit split must exist). */
	split?: string;
	/** Files: `jsonl`, `txt` or `csv` instead of the extension; `beir` insists the path is a BEIR folder. */
	format?: DocFormat | 'beir';
	/** `.txt` and pasted text: `auto` (default), `lines` or `blocks`; see `text-docs.ts`. */
	textMode?: TextMode;
	/** `.csv`: text / id / title columns. */
	csv?: CsvColumns;
	/**
	 * Repeated document/query ids: `error` (default, `DUPLICATE_ID` naming both lines) or `keep-first`
	 * (skip repeats, report them in `warnings`). The shared CACM copy needs `keep-first` (id "28" twice).
	 */
	duplicateIds?: DuplicateIdPolicy;
	/** Called as bytes are read and documents parsed; `totalBytes` sums the files that will be read. */
	onProgress?: (progress: LoadProgress) => void;
}

/**
 * Streams a file as byte chunks (Buffers are Uint8Arrays). The file is opened on first read and closed
 * when the reader stops, even early (an error in a parser). Errors (missing file, ...) surface on first read.
 * @example for await (const chunk of fileSource('corpus.jsonl')) total += chunk.length;
 */
export async function* fileSource(path: string, chunkSize = 256 * 1024): ByteSource {
	const stream = createReadStream(path, { highWaterMark: chunkSize });
	try {
		for await (const chunk of stream) yield chunk as Buffer;
	} finally {
		stream.destroy();
	}
}

async function statOrThrow(path: string): Promise<Stats> {
	try {
		return await stat(path);
	} catch (cause) {
		throw createError('FILE_NOT_FOUND', { path }, {}, cause);
	}
}

async function optionalFile(path: string): Promise<NamedSource | undefined> {
	try {
		const info = await stat(path);
		return info.isFile() ? { file: path, source: fileSource(path), size: info.size } : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Loads a BEIR folder (`corpus.jsonl` required; `queries.jsonl`, `qrels/<split>.tsv` optional) or a
 * user file (`.jsonl`, `.txt`, `.csv` by extension or `format`). Throws `FILE_NOT_FOUND` naming the
 * missing path, and the parsers' errors naming file and line.
 * @example
 * const scifact = await loadCorpusFromPath('../shared/data/scifact', { split: 'test' });
 * // scifact.docs.length === 5183, scifact.qrels.size === 300
 */
export async function loadCorpusFromPath(path: string, options: LoadPathOptions = {}): Promise<Corpus> {
	const info = await statOrThrow(path);
	if (info.isDirectory()) return loadBeirFolder(path, options);
	if (options.format === 'beir') throw createError('UNKNOWN_FORMAT', { path, detail: 'a BEIR collection is a folder holding corpus.jsonl' });
	return loadUserDocs(fileSource(path), {
		file: path,
		format: options.format,
		textMode: options.textMode,
		csv: options.csv,
		duplicateIds: options.duplicateIds,
		size: info.size,
		onProgress: options.onProgress
	});
}

async function loadBeirFolder(dir: string, options: LoadPathOptions): Promise<Corpus> {
	const corpusPath = join(dir, 'corpus.jsonl');
	const corpus = await optionalFile(corpusPath);
	if (!corpus) throw createError('FILE_NOT_FOUND', { path: corpusPath });
	const split = options.split ?? 'test';
	const qrelsPath = join(dir, 'qrels', `${split}.tsv`);
	const qrels = await optionalFile(qrelsPath);
	if (!qrels && options.split !== undefined) {
		const found = await readdir(join(dir, 'qrels')).catch(() => [] as string[]);
		const splits = found.filter((f) => f.endsWith('.tsv')).map((f) => f.slice(0, -4));
		throw createError('FILE_NOT_FOUND', { path: `${qrelsPath} (splits found: ${splits.join(', ') || 'none'})` });
	}
	return loadBeirSources({
		name: basename(resolve(dir)),
		corpus,
		queries: await optionalFile(join(dir, 'queries.jsonl')),
		qrels,
		duplicateIds: options.duplicateIds,
		onProgress: options.onProgress
	});
}

/**
 * Reads one qrels file (BEIR TSV with header, or TREC `qid iter docid rel`). Throws `FILE_NOT_FOUND`,
 * `BAD_QRELS_LINE` (naming the line) or `NOT_UTF8`. Use `readQrels` for the warnings as well.
 * @example (await loadQrelsFile('../shared/data/scifact/qrels/test.tsv')).size // 300
 */
export async function loadQrelsFile(path: string): Promise<Qrels> {
	const info = await statOrThrow(path);
	if (!info.isFile()) throw createError('FILE_NOT_FOUND', { path: `${path} (a folder, expected a qrels file)` });
	return (await readQrels(fileSource(path), { file: path })).qrels;
}
