/**
 * The vectors folders served with the app (`static/collections/<id>`), by the id a link names them
 * with, so a view of one survives a reload or a shared link as the demo corpus does.
 */
import type { CorpusSource } from '../worker/protocol';

type CollectionSource = Extract<CorpusSource, { kind: 'collection' }>;

export const SHIPPED_COLLECTIONS = {
	/** 48 generated pages with patch vectors built from their drawings (no model). */
	'synthetic-pages': { kind: 'collection', name: 'synthetic pages', url: '/collections/synthetic-pages' }
} as const satisfies Record<string, CollectionSource>;

export type ShippedCollectionId = keyof typeof SHIPPED_COLLECTIONS;

/** Whether a link's corpus field names a shipped collection. @example isShippedCollectionId('synthetic-pages') // true */
export function isShippedCollectionId(value: unknown): value is ShippedCollectionId {
	return typeof value === 'string' && Object.hasOwn(SHIPPED_COLLECTIONS, value);
}

/** The id of a loaded source when it is a shipped collection (matched by its URL). */
export function shippedCollectionIdOf(source: CorpusSource | undefined): ShippedCollectionId | undefined {
	if (source?.kind !== 'collection') return undefined;
	return (Object.keys(SHIPPED_COLLECTIONS) as ShippedCollectionId[]).find((id) => SHIPPED_COLLECTIONS[id].url === source.url);
}
