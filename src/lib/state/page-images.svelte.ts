/**
 * Page images of an image collection (a vectors folder of patch vectors): document id -> image URL
 * and patch grid, for the thumbnails in the panels and the patch heat map. Images that came as files
 * get object URLs, revoked when the next corpus replaces them.
 */
import type { CorpusSummary } from '../worker/protocol';

export interface PageImage {
	url: string;
	/** Patches per row and per column (the heat map's grid). */
	grid: [number, number];
}

export class PageImages {
	#byDoc = $state.raw<Record<string, PageImage>>({});

	/** Takes the images of a newly loaded corpus (none for a text corpus). */
	replace(corpus: CorpusSummary): void {
		for (const img of Object.values(this.#byDoc)) if (img.url.startsWith('blob:')) URL.revokeObjectURL(img.url);
		const next: Record<string, PageImage> = {};
		for (const [id, img] of Object.entries(corpus.vectors?.images ?? {})) {
			const url = img.blob ? URL.createObjectURL(img.blob) : img.url;
			if (url) next[id] = { url, grid: img.grid };
		}
		this.#byDoc = next;
	}

	/** A document's page image, if it has one. */
	of(docId: string): PageImage | undefined {
		return this.#byDoc[docId];
	}
}
