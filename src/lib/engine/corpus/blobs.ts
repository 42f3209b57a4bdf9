/**
 * BEIR folders in the browser: a dropped folder (`File.webkitRelativePath`) or a zip, as a list of
 * named Blobs. Every file is read through `blobSource`, so the same streaming parsers run as in Node.
 */
import { unzipSync } from 'fflate';
import { createError } from '../errors';
import type { Corpus } from '../types';
import { unsharedBytes } from '../unshared-bytes';
import { loadBeirSources, type NamedSource } from './beir';
import { blobSource, type LoadProgress } from './sources';
import type { DuplicateIdPolicy } from './validate';

/** A file of a dropped folder or zip: its relative path (`scifact/qrels/test.tsv`) and contents. */
export interface NamedBlob {
	path: string;
	blob: Blob;
}

export interface BlobBeirOptions {
	/** Which `qrels/<split>.tsv` to read; default `test`. An explicit split that is absent is an error. */
	split?: string;
	/** Corpus name; default the folder holding `corpus.jsonl`. */
	name?: string;
	/** Repeated document or query ids: throw `DUPLICATE_ID` (default) or keep the first and warn. */
	duplicateIds?: DuplicateIdPolicy;
	onProgress?: (progress: LoadProgress) => void;
}

const clean = (path: string) => path.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');

/** Whether a zip entry is a file worth reading: not a directory, not macOS's `__MACOSX/` resource forks. */
export const isZipFile = (path: string): boolean => !path.endsWith('/') && !clean(path).startsWith('__MACOSX/');

/**
 * Loads a BEIR collection from named Blobs. The shallowest `corpus.jsonl` marks the collection root;
 * `queries.jsonl` and `qrels/<split>.tsv` are looked up beside it and are optional (without qrels
 * for the default split, the corpus has none). Throws `FILE_NOT_FOUND` when there is no
 * `corpus.jsonl`, or when an explicitly requested split is missing (the message lists the splits found).
 * @example
 * const files = [...input.files].map((f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
 * const corpus = await loadBeirFromBlobs(files, { split: 'test' });
 */
export async function loadBeirFromBlobs(files: readonly NamedBlob[], options: BlobBeirOptions = {}): Promise<Corpus> {
	const byPath = new Map(files.filter((f) => !clean(f.path).startsWith('__MACOSX/')).map((f) => [clean(f.path), f.blob]));
	const corpusPaths = [...byPath.keys()]
		.filter((p) => p === 'corpus.jsonl' || p.endsWith('/corpus.jsonl'))
		.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
	if (corpusPaths.length === 0) throw createError('FILE_NOT_FOUND', { path: 'corpus.jsonl (in the dropped files)' });
	const root = corpusPaths[0].slice(0, -'corpus.jsonl'.length);
	const named = (path: string): NamedSource | undefined => {
		const blob = byPath.get(root + path);
		return blob ? { file: root + path, source: blobSource(blob), size: blob.size } : undefined;
	};
	const split = options.split ?? 'test';
	const qrels = named(`qrels/${split}.tsv`);
	if (!qrels && options.split !== undefined) {
		const splits = [...byPath.keys()]
			.filter((p) => p.startsWith(`${root}qrels/`) && p.endsWith('.tsv'))
			.map((p) => p.slice(`${root}qrels/`.length, -4));
		throw createError('FILE_NOT_FOUND', { path: `${root}qrels/${split}.tsv (splits found: ${splits.join(', ') || 'none'})` });
	}
	const name = options.name ?? (root.split('/').filter(Boolean).pop() || 'corpus');
	return loadBeirSources({ name, corpus: named('corpus.jsonl')!, queries: named('queries.jsonl'), qrels, duplicateIds: options.duplicateIds, onProgress: options.onProgress });
}

/**
 * The files of a zip as named Blobs (directories and `__MACOSX/` entries skipped), for `loadBeirFromBlobs`.
 * The whole zip is inflated in memory (one buffer in, every file out); the playground reads zips with
 * `zipEntries` (zip-entries.ts), which slices stored entries out of the file instead.
 * @example const corpus = await loadBeirFromBlobs(namedBlobsFromZip(new Uint8Array(await file.arrayBuffer())));
 */
export function namedBlobsFromZip(zip: Uint8Array): NamedBlob[] {
	let entries: Record<string, Uint8Array>;
	try {
		entries = unzipSync(zip);
	} catch (cause) {
		throw createError('UNKNOWN_FORMAT', { path: 'the zip', detail: `not a readable zip (${String(cause)})` }, {}, cause);
	}
	return Object.entries(entries)
		.filter(([path]) => isZipFile(path))
		.map(([path, bytes]) => ({ path, blob: new Blob([unsharedBytes(bytes)]) }));
}
