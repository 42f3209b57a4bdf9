/**
 * The playground's link: the URL fragment (`url-state`) holds everything that reproduces a view
 * (query, corpus, panels, their options, selection); the paste box's text also goes to localStorage,
 * since it may be too long for a link or still an unsearched draft, and an uploaded corpus to
 * IndexedDB (`saved-upload.ts`), since a link cannot hold a file.
 */
import { optionsDiffer, pipelineOptionsOf, type PanelOptions } from '../engine/panels';
import type { CorpusSource, PanelId } from '../worker/protocol';
import type { Playground } from './playground.svelte';
import { isUpload, leaveAsRestored, loadUpload, uploadName } from './saved-upload';
import { isShippedCollectionId, SHIPPED_COLLECTIONS, shippedCollectionIdOf } from './shipped-collections';
import { hashFromState, stateFromHash, type UrlState } from './url-state';

const PASTED_KEY = 'latelab:pasted';

/** Restores a playground from a URL fragment, loads the corpus it names and reruns its query. */
export async function restoreLink(pg: Playground, hash: string, storage?: Pick<Storage, 'getItem'>): Promise<void> {
	const s = stateFromHash(hash);
	pg.query = s.query;
	for (const p of s.added ?? []) pg.registerPanel(p);
	for (const [id, o] of Object.entries(s.options ?? {}) as [PanelId, PanelOptions][]) if (pg.options[id]) pg.options[id] = { ...o };
	const bm25Options = pipelineOptionsOf('bm25', pg.options.bm25);
	const bm25 = s.bm25 ? { ...s.bm25, ...bm25Options } : optionsDiffer('bm25', pg.options.bm25).length > 0 ? pg.bm25Config() : undefined;
	pg.order = s.order;
	pg.hidden = s.hidden;
	pg.k = s.k;
	if (s.bm25) pg.bm25 = s.bm25;
	// The paste box keeps its draft across reloads even when it was never searched.
	const saved = storage?.getItem(PASTED_KEY) ?? undefined;
	const pasted = s.pasted ?? (s.corpus === 'pasted' ? saved : undefined);
	pg.pasted = pasted ?? saved ?? '';
	const upload = s.corpus === 'upload' ? await loadUpload(s.upload) : undefined;
	const source: CorpusSource =
		upload ?? (s.corpus === 'pasted' && pasted ? { kind: 'pasted', text: pasted } : isShippedCollectionId(s.corpus) ? { ...SHIPPED_COLLECTIONS[s.corpus] } : { kind: 'demo' });
	leaveAsRestored(source);
	await pg.loadCorpus(source, { keepQuery: true, ...(bm25 ? { bm25 } : {}) });
	if (s.corpus === 'upload' && !upload) {
		const what = s.upload ? `“${s.upload}”` : 'an uploaded file';
		pg.corpusNotice = `This link's corpus, ${what}, was uploaded in another browser or has been replaced since: showing the demo corpus. Upload it again to continue.`;
	}
	if (s.selected) void pg.select(s.selected);
}

/** The fragment for a playground's current state, and whether pasted text had to stay out of it. */
export function linkOf(pg: Playground): { hash: string; pastedOmitted: boolean } {
	const state: UrlState = {
		query: pg.query,
		corpus: pg.corpusChoice === 'pasted' ? 'pasted' : isUpload(pg.corpusSource) ? 'upload' : (shippedCollectionIdOf(pg.corpusSource) ?? 'demo'),
		...(isUpload(pg.corpusSource) ? { upload: uploadName(pg.corpusSource) } : {}),
		order: pg.order,
		hidden: pg.hidden,
		k: pg.k,
		...(pg.bm25.k1 !== 0.9 || pg.bm25.b !== 0.4 ? { bm25: pg.bm25 } : {}),
		...(pg.added.length ? { added: pg.added } : {}),
		options: $state.snapshot(pg.options),
		...(pg.corpusChoice === 'pasted' && pg.pasted ? { pasted: pg.pasted } : {}),
		...(pg.selected ? { selected: pg.selected } : {})
	};
	return hashFromState(state);
}

/** Saves what does not fit in the link: the paste box's text (searched or still a draft). */
export function savePasted(pg: Playground, storage: Pick<Storage, 'setItem' | 'removeItem'>): void {
	if (pg.pasted) storage.setItem(PASTED_KEY, pg.pasted);
	else storage.removeItem(PASTED_KEY);
}
