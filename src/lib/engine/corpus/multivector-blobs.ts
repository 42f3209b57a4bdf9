/**
 * Vectors folders in the browser: several chosen files, a dropped folder or a zip (as named Blobs), or a
 * folder served over HTTP (the shipped synthetic pages). Both end in `loadMultiVectorFolder`; this module
 * only finds the files. For image collections every document's page image must be there too: a missing
 * image is a user error naming the document and the file, raised before anything replaces the corpus.
 */
import { createError } from '../errors';
import type { NamedBlob } from './blobs';
import { loadMultiVectorFolder, type FolderLoadOptions, type FolderReader, type MultiVectorCollection } from './multivector-folder';

/** A loaded folder and, for image collections, each page image by the `image` path of documents.jsonl. */
export interface LoadedVectorsFolder {
	collection: MultiVectorCollection;
	/** Image path (as written in documents.jsonl) -> its bytes as a Blob; empty for text collections. */
	images: Map<string, Blob>;
	/** The manifest says `"synthetic": true` (generated vectors, no model): the page must say so. */
	synthetic: boolean;
}

/** Whether manifest.json carries `"synthetic": true` (a field latelab's generators add; others ignore it). */
async function isSynthetic(read: FolderReader): Promise<boolean> {
	try {
		const bytes = await read('manifest.json');
		return bytes !== undefined && JSON.parse(new TextDecoder().decode(bytes)).synthetic === true;
	} catch {
		return false;
	}
}

const clean = (path: string) => path.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const isUrl = (path: string) => /^[a-z][a-z0-9+.-]*:/i.test(path);

/**
 * The files of a vectors folder from named blobs. The shallowest `manifest.json` marks the root; files
 * chosen together without folders are matched by name (`test.tsv` is taken as `qrels/test.tsv`, a page
 * image by its file name).
 * @example folderFromBlobs([{ path: 'manifest.json', blob }, { path: 'documents.jsonl', blob: b2 }]).read('documents.jsonl')
 */
export function folderFromBlobs(files: readonly NamedBlob[]): { read: FolderReader; ranges: NonNullable<FolderLoadOptions['ranges']>; blob: (name: string) => Blob | undefined; root: string } {
	const byPath = new Map(files.map((f) => [clean(f.path), f.blob] as const).filter(([p]) => !p.startsWith('__MACOSX/')));
	const manifests = [...byPath.keys()].filter((p) => baseName(p) === 'manifest.json').sort((a, b) => a.split('/').length - b.split('/').length);
	if (manifests.length === 0) {
		throw createError('FILE_NOT_FOUND', { path: `manifest.json (none among ${[...byPath.keys()].slice(0, 6).join(', ') || 'no files'}): a vectors folder needs manifest.json; see docs/CORPORA.md` });
	}
	const root = manifests[0].slice(0, -'manifest.json'.length);
	const byName = new Map<string, Blob>();
	for (const [p, b] of byPath) if (!byName.has(baseName(p))) byName.set(baseName(p), b);
	const blob = (name: string): Blob | undefined => {
		const exact = byPath.get(root + clean(name));
		if (exact) return exact;
		// Files chosen together carry no folders: qrels/test.tsv arrives as test.tsv, images/p1.svg as p1.svg.
		return root === '' ? byName.get(baseName(name)) : undefined;
	};
	return {
		read: async (name) => {
			const b = blob(name);
			return b ? new Uint8Array(await b.arrayBuffer()) : undefined;
		},
		// A chosen file's slices are read from disk when asked for: the 500 MB vectors never sit in memory whole.
		ranges: async (name) => {
			const b = blob(name);
			return b ? { size: b.size, read: async (start, end) => new Uint8Array(await b.slice(start, end).arrayBuffer()) } : undefined;
		},
		blob,
		root
	};
}

/**
 * Loads a vectors folder from named blobs and checks that every page image of an image collection is
 * among them (`FILE_NOT_FOUND` naming the document otherwise).
 * @example const { collection, images } = await loadVectorsFolderFromBlobs(namedBlobsFromZip(bytes), 'my-pages');
 */
export async function loadVectorsFolderFromBlobs(files: readonly NamedBlob[], label: string, options: Omit<FolderLoadOptions, 'ranges'> = {}): Promise<LoadedVectorsFolder> {
	const folder = folderFromBlobs(files);
	const collection = await loadMultiVectorFolder(folder.read, label, { ...options, ranges: folder.ranges });
	if (collection.kind === 'image') checkImagesNamed(collection);
	const images = new Map<string, Blob>();
	for (const doc of collection.documents) {
		if (!doc.image || isUrl(doc.image)) continue;
		const b = folder.blob(doc.image);
		if (!b) throw missingImage(doc.id, doc.image);
		images.set(doc.image, b);
	}
	return { collection, images, synthetic: await isSynthetic(folder.read) };
}

/**
 * Loads a vectors folder served at `base` (e.g. `/collections/synthetic-pages`): a file answering 404 is
 * absent. Image paths stay relative to `base`; each is checked with a HEAD request.
 * @example await loadVectorsFolderFromUrl('/collections/synthetic-pages', 'synthetic pages', fetch)
 */
export async function loadVectorsFolderFromUrl(base: string, label: string, fetcher: typeof fetch, options: Omit<FolderLoadOptions, 'ranges'> = {}): Promise<LoadedVectorsFolder & { imageUrl: (path: string) => string }> {
	const root = base.replace(/\/+$/, '');
	const read: FolderReader = async (name) => {
		const response = await fetcher(`${root}/${name}`);
		if (response.status === 404) return undefined;
		if (!response.ok) throw createError('NETWORK', { url: `${root}/${name}`, detail: `HTTP ${response.status}` });
		return new Uint8Array(await response.arrayBuffer());
	};
	const collection = await loadMultiVectorFolder(read, label, options);
	const imageUrl = (path: string) => (isUrl(path) ? path : `${root}/${clean(path)}`);
	if (collection.kind === 'image') {
		checkImagesNamed(collection);
		for (const doc of collection.documents) {
			const response = await fetcher(imageUrl(doc.image!), { method: 'HEAD' });
			if (!response.ok) throw missingImage(doc.id, doc.image!);
		}
	}
	return { collection, images: new Map(), synthetic: await isSynthetic(read), imageUrl };
}

function checkImagesNamed(collection: MultiVectorCollection): void {
	const doc = collection.documents.find((d) => !d.image);
	if (doc) throw createError('MISSING_FIELD', { field: 'image', detail: ` for document "${doc.id}" (kind "image" needs a page image per document)` }, { file: 'documents.jsonl' });
}

function missingImage(id: string, path: string) {
	return createError('FILE_NOT_FOUND', { path: `${path} (the page image of document "${id}", named in documents.jsonl)` }, { file: 'documents.jsonl' });
}
