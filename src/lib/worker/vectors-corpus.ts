/**
 * Corpora from vectors folders in the worker: chosen files, a zip holding `manifest.json`, or a
 * collection served with the app (`static/collections/<name>`, e.g. the synthetic pages). Loading
 * validates everything (manifest, dims, NaN, counts, grids, page images) before the corpus is swapped,
 * so on bad input the previous corpus stays loaded. The page learns what it needs in `VectorsInfo`.
 */
import { namedBlobsFromZip } from '../engine/corpus/blobs';
import { hasMultiVectorManifest } from '../engine/corpus/multivector-folder';
import { loadVectorsFolderFromBlobs, loadVectorsFolderFromUrl, type LoadedVectorsFolder } from '../engine/corpus/multivector-blobs';
import type { Corpus } from '../engine/types';
import type { CorpusSource, VectorsInfo } from './protocol';

/**
 * The corpus of a vectors source, or undefined when `source` is not one (a zip without manifest.json
 * is a BEIR zip).
 * @example (await loadVectorsCorpus({ kind: 'collection', name: 'synthetic-pages', url: '/collections/synthetic-pages' }))?.vectors.kind // 'image'
 */
export async function loadVectorsCorpus(source: CorpusSource, fetcher: typeof fetch = fetch): Promise<{ corpus: Corpus; vectors: VectorsInfo } | undefined> {
	if (source.kind === 'collection') {
		const loaded = await loadVectorsFolderFromUrl(source.url, source.name, fetcher);
		return describe(loaded, (path) => ({ url: loaded.imageUrl(path) }));
	}
	let files: { path: string; blob: Blob }[] | undefined;
	let name = '';
	if (source.kind === 'vectors') {
		files = source.files;
		name = source.name;
	} else if (source.kind === 'file' && /\.zip$/i.test(source.file.name)) {
		const entries = namedBlobsFromZip(new Uint8Array(await source.file.arrayBuffer()));
		if (!hasMultiVectorManifest(entries.map((e) => e.path))) return undefined;
		files = entries;
		name = source.file.name.replace(/\.zip$/i, '');
	}
	if (!files) return undefined;
	const loaded = await loadVectorsFolderFromBlobs(files, name);
	return describe(loaded, (path) => ({ blob: loaded.images.get(path) }));
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
			queries: c.queries.map((q) => ({ id: q.id, text: q.text })),
			...(images ? { images } : {})
		}
	};
}
