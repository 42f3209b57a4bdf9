/**
 * Node side of precomputed multi-vector folders: detect one on disk, load it, and write one (the
 * synthetic generator and tests use the writer; PyLate / fastembed users write the same files from
 * Python, see docs/CORPORA.md).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createError } from '../errors';
import type { Qrels } from '../types';
import { loadMultiVectorFolder, type MultiVectorCollection, type MultiVectorManifest, type MultiVectorRecord } from './multivector-folder';
import { writeMultiVectorTensors } from './multivector-tensors';

/** True when `dir` is a folder holding `manifest.json`. @example await isMultiVectorFolder('data/synth-10k') // true */
export async function isMultiVectorFolder(dir: string): Promise<boolean> {
	try {
		return (await stat(dir)).isDirectory() && (await stat(join(dir, 'manifest.json'))).isFile();
	} catch {
		return false;
	}
}

/**
 * Loads a vectors folder from disk (files read whole: a file over 2 GiB is refused by Node, so very
 * large collections should be split or generated in memory).
 * @example const c = await loadMultiVectorFolderFromDisk('data/synth-10k'); c.corpus.docs.length // 10000
 */
export async function loadMultiVectorFolderFromDisk(dir: string, options: { split?: string } = {}): Promise<MultiVectorCollection> {
	const root = resolve(dir);
	const read = async (name: string): Promise<Uint8Array | undefined> => {
		const path = join(root, name);
		try {
			return await readFile(path);
		} catch (cause) {
			const code = (cause as { code?: string }).code;
			if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
			throw createError('BAD_ARGUMENT', { detail: `cannot read ${path}: ${code ?? (cause as Error).message}` }, { file: path }, cause);
		}
	};
	return loadMultiVectorFolder(read, basename(root), options);
}

/** What `writeMultiVectorFolder` writes: items with their vectors, in order. */
export interface MultiVectorFolderContent {
	manifest: Omit<MultiVectorManifest, 'format' | 'version' | 'dtype' | 'similarity'> & { similarity?: 'dot' };
	documents: Iterable<{ record: MultiVectorRecord; vectors: { data: Float32Array; rows: number } }>;
	queries?: Iterable<{ record: MultiVectorRecord; vectors: { data: Float32Array; rows: number } }>;
	qrels?: Record<string, Qrels>;
}

function jsonLine(r: MultiVectorRecord): string {
	return JSON.stringify({ _id: r.id, ...(r.title ? { title: r.title } : {}), text: r.text, ...(r.tokens ? { tokens: r.tokens } : {}), ...(r.image ? { image: r.image } : {}), ...(r.grid ? { grid: r.grid } : {}) });
}

async function writePair(dir: string, base: string, items: MultiVectorFolderContent['documents'], dim: number): Promise<number> {
	const lines: string[] = [];
	const mats: { data: Float32Array; rows: number }[] = [];
	for (const item of items) {
		lines.push(jsonLine(item.record));
		mats.push(item.vectors);
	}
	await writeFile(join(dir, `${base}.jsonl`), lines.join('\n') + '\n');
	await writeFile(join(dir, `${base}.safetensors`), writeMultiVectorTensors(mats, dim));
	return lines.length;
}

/**
 * Writes a float32 vectors folder (manifest, documents, optional queries and qrels splits) into `dir`
 * (created if needed).
 * @example await writeMultiVectorFolder('/tmp/v', { manifest: { dim: 2, kind: 'text' }, documents: [{ record: { id: 'd1', title: '', text: 'a' }, vectors: { data: Float32Array.of(1, 0), rows: 1 } }] })
 */
export async function writeMultiVectorFolder(dir: string, content: MultiVectorFolderContent): Promise<{ documents: number; queries: number }> {
	await mkdir(dir, { recursive: true });
	const { dim } = content.manifest;
	const manifest: MultiVectorManifest = { format: 'latelab-multivector', version: 1, dtype: 'float32', similarity: 'dot', ...content.manifest } as MultiVectorManifest;
	const documents = await writePair(dir, 'documents', content.documents, dim);
	const queries = content.queries ? await writePair(dir, 'queries', content.queries, dim) : 0;
	for (const [split, qrels] of Object.entries(content.qrels ?? {})) {
		const rows = ['query-id\tcorpus-id\tscore'];
		for (const [q, judged] of qrels) for (const [d, s] of judged) rows.push(`${q}\t${d}\t${s}`);
		const path = join(dir, 'qrels', `${split}.tsv`);
		await mkdir(dirname(path), { recursive: true });
		await writeFile(path, rows.join('\n') + '\n');
	}
	await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
	return { documents, queries };
}
