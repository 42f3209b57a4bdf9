/**
 * Corpora from vectors folders in the worker: chosen files, a zip holding `manifest.json`, or a
 * collection served with the app (`static/collections/<name>`, e.g. the synthetic pages). Loading
 * validates everything (manifest, dims, NaN, counts, grids, page images) before the corpus is swapped,
 * so on bad input the previous corpus stays loaded. The page learns what it needs in `VectorsInfo`.
 *
 * In the browser the folder's fp32 document vectors are written to disk while it loads, read from the
 * chosen files by slices, never whole: one OPFS file where the worker can open sync access handles (a
 * dedicated worker), else an IndexedDB database. The panels stream them into their own stored index,
 * rescoring and explanations read the documents they need. The worker's memory then holds only what
 * the panels' scorers keep (e.g. binary codes: 1/32 of fp32). The collection's `dispose` deletes the
 * file or database when another corpus replaces it.
 */
import { deleteStaleVectorDatabases, IndexedDbVectorsStore } from '../engine/corpus/multivector-idb';
import { deleteStaleVectorFiles, opfsDirectory, OpfsVectorsStore, type OpfsDirectory } from '../engine/corpus/multivector-opfs';
import { zipEntries, zipPaths } from '../engine/corpus/zip-entries';
import { hasMultiVectorManifest, type VectorsStore } from '../engine/corpus/multivector-folder';
import { loadVectorsFolderFromBlobs, loadVectorsFolderFromUrl, type LoadedVectorsFolder } from '../engine/corpus/multivector-blobs';
import { createError } from '../engine/errors';
import type { Corpus } from '../engine/types';
import type { CorpusSource, VectorsInfo } from './protocol';

/**
 * The corpus of a vectors source, or undefined when `source` is not one (a zip without manifest.json
 * is a BEIR zip).
 * @example (await loadVectorsCorpus({ kind: 'collection', name: 'synthetic-pages', url: '/collections/synthetic-pages' }))?.vectors.kind // 'image'
 */
export async function loadVectorsCorpus(
	source: CorpusSource,
	fetcher: typeof fetch = fetch,
	options: { indexedDB?: IDBFactory; opfs?: OpfsDirectory; onProgress?: (done: number, total: number) => void } = {}
): Promise<{ corpus: Corpus; vectors: VectorsInfo } | undefined> {
	const isFolder = source.kind === 'collection' || source.kind === 'vectors' || (source.kind === 'file' && /\.zip$/i.test(source.file.name));
	if (!isFolder) return undefined;
	const factory = options.indexedDB ?? globalThis.indexedDB;
	// A given IndexedDB factory (Node tests) means IndexedDB; else OPFS where this realm has sync access handles.
	const directory = options.opfs ?? (options.indexedDB ? undefined : await opfsDirectory());
	const store = await openFolderStore(directory, factory);
	try {
		const loaded = await loadFolder(source, fetcher, { ...(store ? { store: store.store } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
		if (!loaded) await store?.store.dispose();
		// Files and databases of folders loaded in earlier page sessions (closed without disposing theirs).
		else if (store) {
			if (directory) void deleteStaleVectorFiles(store.name, directory).catch(() => undefined);
			if (factory) void deleteStaleVectorDatabases(store.name, factory).catch(() => undefined);
		}
		return loaded;
	} catch (error) {
		await store?.store.dispose();
		throw error;
	}
}

/** The folder's store: an OPFS file when `directory` opens one, else an IndexedDB database, else none (in memory). */
async function openFolderStore(directory: OpfsDirectory | undefined, factory: IDBFactory | undefined): Promise<{ store: VectorsStore; name: string } | undefined> {
	if (directory) {
		try {
			const store = await OpfsVectorsStore.open(directory);
			return { store, name: store.name };
		} catch {
			// No sync access handle after all (e.g. storage blocked for the site): IndexedDB below.
		}
	}
	if (!factory) return undefined;
	const store = new IndexedDbVectorsStore(factory);
	return { store, name: store.name };
}

async function loadFolder(source: CorpusSource, fetcher: typeof fetch, options: { store?: VectorsStore; onProgress?: (done: number, total: number) => void }): Promise<{ corpus: Corpus; vectors: VectorsInfo } | undefined> {
	if (source.kind === 'collection') {
		const loaded = await loadVectorsFolderFromUrl(source.url, source.name, fetcher, options);
		return describe(loaded, (path) => ({ url: loaded.imageUrl(path) }));
	}
	let files: { path: string; blob: Blob }[] | undefined;
	let name = '';
	if (source.kind === 'vectors') {
		files = source.files;
		name = source.name;
	} else if (source.kind === 'file' && /\.zip$/i.test(source.file.name)) {
		// The central directory first: a BEIR zip is read elsewhere, and a vectors zip's stored tensors stay
		// slices of the file (zip-entries.ts) instead of the whole archive inflated in memory.
		const paths = await zipPaths(source.file, source.file.name);
		if (!hasMultiVectorManifest(paths)) {
			checkBeirZip(source.file.name, paths);
			return undefined;
		}
		files = await zipEntries(source.file, source.file.name);
		name = source.file.name.replace(/\.zip$/i, '');
	}
	if (!files) return undefined;
	const loaded = await loadVectorsFolderFromBlobs(files, name, options);
	return describe(loaded, (path) => ({ blob: loaded.images.get(path) }));
}

/**
 * A zip without manifest.json is read as a BEIR collection; say what is missing when it is neither, so the
 * message names the file the user forgot rather than the BEIR loader's corpus.jsonl.
 */
function checkBeirZip(zip: string, paths: readonly string[]): void {
	const base = (p: string) => p.split('/').pop() ?? p;
	if (paths.some((p) => base(p) === 'corpus.jsonl')) return;
	const tensors = paths.filter((p) => p.endsWith('.safetensors')).map(base);
	throw createError('FILE_NOT_FOUND', {
		path: tensors.length
			? `manifest.json in ${zip} (a vectors folder needs it beside ${tensors.join(', ')}; docs/CORPORA.md)`
			: `manifest.json (a vectors folder) or corpus.jsonl (a BEIR collection) in ${zip}`
	});
}

function describe(loaded: LoadedVectorsFolder, image: (path: string) => { blob?: Blob; url?: string }): { corpus: Corpus; vectors: VectorsInfo } {
	const c = loaded.collection;
	const images: VectorsInfo['images'] = c.kind === 'image' ? {} : undefined;
	if (images) for (const d of c.documents) if (d.image && d.grid) images[d.id] = { ...image(d.image), grid: d.grid };
	return {
		corpus: c.corpus,
		vectors: {
			kind: c.kind,
			dim: c.dim,
			...(c.manifest.model ? { model: c.manifest.model } : {}),
			synthetic: loaded.synthetic,
			totalVectors: c.totalVectors,
			...(c.store ? { vectorsIn: c.store.label } : {}),
			queries: c.queries.map((q) => ({ id: q.id, text: q.text })),
			...(images ? { images } : {})
		}
	};
}
