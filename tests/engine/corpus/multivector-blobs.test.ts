import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { namedBlobsFromZip, type NamedBlob } from '../../../src/lib/engine/corpus/blobs';
import { loadVectorsFolderFromBlobs, loadVectorsFolderFromUrl } from '../../../src/lib/engine/corpus/multivector-blobs';
import { generateSyntheticPages } from '../../../src/lib/engine/corpus/synthetic-pages';
import { readFolder, SYNTHETIC_PAGES } from '../../support/files';

const shippedFiles = () => readFolder(SYNTHETIC_PAGES);

const blobs = (files: Map<string, Uint8Array<ArrayBuffer>>, prefix = ''): NamedBlob[] => [...files].map(([path, bytes]) => ({ path: prefix + path, blob: new Blob([bytes]) }));

describe('loadVectorsFolderFromBlobs', () => {
	it('loadVectorsFolderFromBlobs(zip of the shipped synthetic pages) loads 48 image pages with their images and qrels', async () => {
		const zip = zipSync(Object.fromEntries([...shippedFiles()].map(([k, v]) => [`synthetic-pages/${k}`, v])));
		const { collection, images, synthetic } = await loadVectorsFolderFromBlobs(namedBlobsFromZip(zip), 'synthetic pages');
		const generated = generateSyntheticPages();
		expect(collection.kind).toBe('image');
		expect(collection.documents).toHaveLength(48);
		expect(collection.documents[0].grid).toEqual([4, 3]);
		expect(collection.docVectors(0).rows).toBe(12);
		expect([...collection.docVectors(0).data]).toEqual([...generated.pageVectors[0].data]);
		expect(collection.corpus.queries).toHaveLength(24);
		expect(collection.corpus.qrels.get('q1')!.size).toBe(generated.qrels.get('q1')!.size);
		expect(images.size).toBe(48);
		expect(await images.get('images/page-01.svg')!.text()).toContain('>synthetic</text>');
		expect(synthetic).toBe(true);
	});

	it('loadVectorsFolderFromBlobs(files chosen together, no folders) matches qrels and images by file name', async () => {
		const flat = new Map([...shippedFiles()].map(([k, v]) => [k.slice(k.lastIndexOf('/') + 1), v]));
		const { collection, images } = await loadVectorsFolderFromBlobs(blobs(flat), 'chosen');
		expect(collection.corpus.qrels.size).toBe(24);
		expect(images.size).toBe(48);
	});

	it('loadVectorsFolderFromBlobs(files without manifest.json) throws FILE_NOT_FOUND naming manifest.json', async () => {
		const files = shippedFiles();
		files.delete('manifest.json');
		await expect(loadVectorsFolderFromBlobs(blobs(files), 'x')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('manifest.json') });
	});

	it('loadVectorsFolderFromBlobs(image folder missing one page image) throws FILE_NOT_FOUND naming the document and file', async () => {
		const files = shippedFiles();
		files.delete('images/page-07.svg');
		await expect(loadVectorsFolderFromBlobs(blobs(files), 'x')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringMatching(/images\/page-07\.svg.*"page-07"/) });
	});
});

describe('loadVectorsFolderFromUrl', () => {
	it('loadVectorsFolderFromUrl(base, label, fetch) reads the served folder and resolves image URLs against it', async () => {
		const files = shippedFiles();
		const requested: string[] = [];
		const fakeFetch = (async (url: string, init?: RequestInit) => {
			requested.push(`${init?.method ?? 'GET'} ${url}`);
			const bytes = files.get(url.replace('/collections/synthetic-pages/', ''));
			return bytes ? new Response(bytes) : new Response('not found', { status: 404 });
		}) as typeof fetch;
		const loaded = await loadVectorsFolderFromUrl('/collections/synthetic-pages/', 'synthetic pages', fakeFetch);
		expect(loaded.collection.documents).toHaveLength(48);
		expect(loaded.synthetic).toBe(true);
		expect(loaded.imageUrl('images/page-01.svg')).toBe('/collections/synthetic-pages/images/page-01.svg');
		expect(requested).toContain('HEAD /collections/synthetic-pages/images/page-48.svg');
		files.delete('images/page-02.svg');
		await expect(loadVectorsFolderFromUrl('/collections/synthetic-pages', 'x', fakeFetch)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
	});
});
