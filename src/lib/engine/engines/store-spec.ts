/**
 * `--store lancedb:<dir-or-uri>` and what a LanceDB store records about itself (in the table's Arrow
 * schema metadata, key `latelab`), so a search with another model or dimension is refused before it
 * returns nonsense.
 */
import { createError } from '../errors';

/** A parsed `--store` value. */
export interface StoreSpec {
	engine: 'lancedb';
	/** A local folder or an object-store URI (`s3://bucket/path`, `gs://...`, `az://...`). */
	uri: string;
	/** True for a local folder (writability can be checked before any work). */
	local: boolean;
}

/**
 * Parses `lancedb:<dir-or-uri>`. Throws `BAD_ARGUMENT` for anything else.
 * @example parseStoreSpec('lancedb:./stores/scifact') // { engine: 'lancedb', uri: './stores/scifact', local: true }
 * parseStoreSpec('lancedb:s3://bucket/scifact') // { engine: 'lancedb', uri: 's3://bucket/scifact', local: false }
 */
export function parseStoreSpec(value: string): StoreSpec {
	const match = /^lancedb:(.+)$/.exec(value.trim());
	if (!match) {
		throw createError('BAD_ARGUMENT', { detail: `--store expects lancedb:<dir-or-uri> (e.g. --store lancedb:./stores/scifact), got "${value}"` });
	}
	const uri = match[1];
	return { engine: 'lancedb', uri, local: !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) };
}

/** Format tag of the metadata record. */
export const STORE_FORMAT = 'latelab-lancedb';
export const STORE_VERSION = 1;
/** The table latelab writes inside the LanceDB database folder. */
export const STORE_TABLE = 'documents';

/** What a store records about the vectors it holds. */
export interface StoreMeta {
	format: typeof STORE_FORMAT;
	version: typeof STORE_VERSION;
	/** The model that made the vectors (a Hub id, a folder path, or a vectors folder's manifest `model`). */
	model: string;
	dim: number;
	/** Token pooling factor applied before writing (1 = none). */
	pool: number;
	/** Documents the complete table holds (a shorter table is an interrupted build). */
	documents: number;
	/** Fingerprint of the source (ids and vector counts), so a resumed build continues the same data. */
	source: string;
	/**
	 * The multivector distance that returns latelab's MaxSim: `cosine` when every stored vector is unit
	 * length (ColBERT output; also the only metric LanceDB's multivector index accepts), `dot` otherwise
	 * (pooled means are not unit length, and latelab scores them by dot product, as PyLate).
	 */
	distance: 'cosine' | 'dot';
	kind: 'text' | 'image';
}

/** Checks a parsed metadata record; `undefined` when the table was not written by latelab. */
export function readStoreMeta(text: string | undefined, where: string): StoreMeta | undefined {
	if (text === undefined) return undefined;
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw createError('BAD_ARGUMENT', { detail: `${where}: the latelab metadata of the table is not JSON` });
	}
	const m = value as Partial<StoreMeta>;
	if (m.format !== STORE_FORMAT || m.version !== STORE_VERSION || typeof m.model !== 'string' || !Number.isInteger(m.dim) || !Number.isInteger(m.documents)) {
		throw createError('BAD_ARGUMENT', { detail: `${where}: the table's latelab metadata is not a ${STORE_FORMAT} v${STORE_VERSION} record` });
	}
	return m as StoreMeta;
}

/**
 * Refuses a store whose model or dimension differs from what the caller will query it with (one line,
 * exit 2 in the CLI). `model` undefined skips the model check (a vectors folder without a model name).
 * @example checkStoreMatches(meta, { model: 'answerdotai/answerai-colbert-small-v1', dim: 96 }, 'stores/scifact')
 */
export function checkStoreMatches(meta: StoreMeta, expected: { model?: string; dim: number }, where: string): void {
	if (expected.model !== undefined && meta.model !== expected.model) {
		throw createError('BAD_ARGUMENT', {
			detail: `store ${where} was built with model ${meta.model} (dim ${meta.dim}), not ${expected.model}; search it with --model ${meta.model} or build a new store`
		});
	}
	if (meta.dim !== expected.dim) {
		throw createError('BAD_ARGUMENT', { detail: `store ${where} holds ${meta.dim}-dimensional vectors (model ${meta.model}), the query vectors have ${expected.dim}` });
	}
}
