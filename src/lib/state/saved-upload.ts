/**
 * The corpus a user uploaded (one file, or the files of a vectors folder), kept in this browser's
 * IndexedDB (`latelab-uploads`) so a reload loads it again instead of falling back to the demo corpus:
 * a link cannot hold a file. Only the latest upload is kept, and only while it is the corpus on screen
 * (loading another corpus forgets it), so nothing piles up unseen. Uploads over `MAX_SAVED_UPLOAD_BYTES`
 * are not kept: the browser already copies a vectors folder's vectors once for the worker.
 */
import { openDB, type DBSchema } from 'idb';
import { withIndexedDb } from '../engine/store/idb-docs';
import type { CorpusSource } from '../worker/protocol';

export const UPLOADS_DB = 'latelab-uploads';
/** Largest upload kept for reloads (all its files together). */
export const MAX_SAVED_UPLOAD_BYTES = 512 * 1024 * 1024;

export type UploadSource = Extract<CorpusSource, { kind: 'file' | 'vectors' }>;

/** As stored: a file's name, type and date beside its bytes (a structured clone of a File may come back as a bare Blob). */
type StoredUpload =
	| { kind: 'file'; name: string; type: string; lastModified: number; blob: Blob; savedAt: number }
	| { kind: 'vectors'; name: string; files: { path: string; blob: Blob }[]; savedAt: number };

interface UploadsSchema extends DBSchema {
	uploads: { key: 'last'; value: StoredUpload };
}

function stored(source: UploadSource): StoredUpload {
	const savedAt = Date.now();
	if (source.kind === 'vectors') return { kind: 'vectors', name: source.name, files: source.files.map((f) => ({ path: f.path, blob: f.blob })), savedAt };
	const { file } = source;
	return { kind: 'file', name: file.name, type: file.type, lastModified: file.lastModified, blob: file, savedAt };
}

function sourceOf(record: StoredUpload): UploadSource | undefined {
	if (record.kind === 'vectors' && Array.isArray(record.files)) return { kind: 'vectors', name: record.name, files: record.files };
	if (record.kind === 'file' && record.blob instanceof Blob) return { kind: 'file', file: new File([record.blob], record.name, { type: record.type, lastModified: record.lastModified }) };
	return undefined;
}

/** Whether a source is an upload (something only this browser has). */
export function isUpload(source: CorpusSource | undefined): source is UploadSource {
	return source?.kind === 'file' || source?.kind === 'vectors';
}

/** The name a link gives an upload (the file's, or the folder's), so a reload can tell it is the same one. */
export function uploadName(source: UploadSource): string {
	return source.kind === 'file' ? source.file.name : source.name;
}

/** Bytes of an upload's files. */
export function uploadBytes(source: UploadSource): number {
	return source.kind === 'file' ? source.file.size : source.files.reduce((sum, f) => sum + f.blob.size, 0);
}

function open(factory: IDBFactory) {
	return withIndexedDb(factory, () => openDB<UploadsSchema>(UPLOADS_DB, 1, { upgrade: (db) => void db.createObjectStore('uploads') }));
}

/**
 * Keeps `source` as the upload a reload loads again. Returns why it was not kept, if it was not
 * (too big, no IndexedDB, the browser refused the space).
 */
export async function saveUpload(source: UploadSource, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<string | undefined> {
	if (!factory) return 'this browser offers no IndexedDB here';
	const bytes = uploadBytes(source);
	if (bytes > MAX_SAVED_UPLOAD_BYTES) {
		await forgetUpload(factory);
		return `it is larger than the ${MAX_SAVED_UPLOAD_BYTES / 1024 / 1024} MiB kept for reloads`;
	}
	try {
		const db = await open(factory);
		try {
			// Blobs are stored by structured clone: the bytes go into IndexedDB, not a reference to the file on disk.
			await db.put('uploads', stored(source), 'last');
		} finally {
			db.close();
		}
		return undefined;
	} catch (error) {
		return `the browser refused to store it (${error instanceof Error ? error.message : String(error)})`;
	}
}

/** The kept upload, if there is one; its name must be `name` when given (the link's). */
export async function loadUpload(name?: string, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<UploadSource | undefined> {
	if (!factory) return undefined;
	try {
		const db = await open(factory);
		try {
			const record = await db.get('uploads', 'last');
			const source = record ? sourceOf(record) : undefined;
			return source && (name === undefined || uploadName(source) === name) ? source : undefined;
		} finally {
			db.close();
		}
	} catch {
		return undefined;
	}
}

/** The kept upload's name and bytes, for the page's list of what the browser keeps (undefined: none). */
export async function uploadSummary(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<{ name: string; bytes: number } | undefined> {
	const source = await loadUpload(undefined, factory);
	return source ? { name: uploadName(source), bytes: uploadBytes(source) } : undefined;
}

/** Forgets the kept upload (another corpus is on screen). */
export async function forgetUpload(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<void> {
	if (!factory) return;
	try {
		const db = await open(factory);
		try {
			await db.delete('uploads', 'last');
		} finally {
			db.close();
		}
	} catch {
		// Nothing kept, or storage unavailable: nothing to forget.
	}
}

/** Sources a link restored (or uploads already kept): `keepUpload` neither saves them again nor forgets for them. */
const settled = new WeakSet<CorpusSource>();

/** Marks the source a link restores on opening: a plain visit (the demo corpus) must not forget the last upload. */
export function leaveAsRestored(source: CorpusSource): void {
	settled.add(source);
}

/**
 * After a corpus loads: an upload is kept for the next reload (`pg.corpusNotice` says so when it
 * cannot be: too big, storage refused); any other corpus the user loads forgets the kept upload.
 */
export async function keepUpload(pg: { corpusSource: CorpusSource | undefined; corpusNotice: string | undefined }, source: CorpusSource, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<void> {
	if (settled.has(source)) return;
	settled.add(source);
	if (!isUpload(source)) return forgetUpload(factory);
	const refused = await saveUpload(source, factory);
	if (refused && pg.corpusSource === source) pg.corpusNotice = `${uploadName(source)} is not kept for a reload: ${refused}. After a reload, upload it again.`;
}
