/**
 * The `lancedb` pipeline: queries a store written by `latelab index build --store lancedb:<dir>`
 * instead of holding vectors in memory. Query vectors come from the ColBERT model the store was built
 * with (or a vectors folder's own query vectors); the store's model and dimension are checked first.
 * Options: `store` (`lancedb:<dir-or-uri>`, required), `mode` (`exhaustive` default, `ann`, `two-phase`),
 * `depth` (two-phase candidates, default 100), `nprobes` and `refine` (ann).
 * Stages: `encode-query` (or `query-vectors`), then `lancedb-maxsim` | `lancedb-ann` | `first-phase` + `maxsim`.
 */
import { isMultiVectorCorpus } from '../corpus/multivector-folder';
import { createError } from '../errors';
import { encoderFor, modelRefFor, since, type NeuralContext, type NeuralDeps } from '../pipelines/neural-context';
import type { Pipeline } from '../pipelines/registry';
import type { Hit, SearchResult, TokenMatrix } from '../types';
import { openLanceStore, STORE_SEARCH_MODES, type LanceStore, type StoreSearchMode } from './lancedb-search';
import type { LanceModules } from './lancedb-write';
import { checkStoreMatches, parseStoreSpec } from './store-spec';

/** Host services: the neural ones plus the LanceDB modules (loaded only when the pipeline is built). */
export interface LanceDbDeps extends NeuralDeps {
	lance: () => LanceModules | Promise<LanceModules>;
}

/** A ready `lancedb` pipeline and the store it reads. */
export interface LanceDbPipeline extends Pipeline {
	readonly store: LanceStore;
	readonly mode: StoreSearchMode;
}

/**
 * The name a store records for the vectors of `ctx`: a vectors folder's manifest `model` (else
 * `vectors:<folder>`), or the ColBERT model's folder (absolute, as the host resolves it) or Hub id.
 * @example await storeModelOf({ corpus, options: { models: { colbert: 'answerdotai/answerai-colbert-small-v1' } } }, deps) // 'answerdotai/answerai-colbert-small-v1'
 */
export async function storeModelOf(ctx: NeuralContext, deps: NeuralDeps): Promise<string> {
	if (isMultiVectorCorpus(ctx.corpus)) {
		const c = ctx.corpus.multivector;
		return c.manifest.model ?? `vectors:${c.label}`;
	}
	const ref = await modelRefFor('colbert', ctx, deps);
	return ref.localDir ?? ref.id;
}

function modeOf(value: unknown): StoreSearchMode {
	const mode = value ?? 'exhaustive';
	if (!STORE_SEARCH_MODES.includes(mode as StoreSearchMode)) {
		throw createError('UNKNOWN_OPTION', { what: 'lancedb mode (--opt mode=...)', value: String(mode), expected: STORE_SEARCH_MODES.join(', ') });
	}
	return mode as StoreSearchMode;
}

function positive(value: unknown, name: string): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw createError('BAD_ARGUMENT', { detail: `--opt ${name} expects a positive integer, got ${String(value)}` });
	return value;
}

/**
 * Opens the store of `ctx.options.store` and the query side that matches it.
 * @example
 * const p = await createLanceDbPipeline({ corpus, options: { store: 'lancedb:stores/scifact', mode: 'two-phase', depth: 100 } }, deps);
 * (await p.search('vitamin d and fractures', 10)).hits[0] // { id: '...', score: 27.4, rank: 1 }
 */
export async function createLanceDbPipeline(ctx: NeuralContext, deps: LanceDbDeps): Promise<LanceDbPipeline> {
	const spec = typeof ctx.options.store === 'string' ? parseStoreSpec(ctx.options.store) : undefined;
	if (!spec) throw createError('BAD_ARGUMENT', { detail: 'the lancedb pipeline needs --store lancedb:<dir-or-uri>' });
	const mode = modeOf(ctx.options.mode);
	const depth = positive(ctx.options.depth, 'depth') ?? 100;
	const nprobes = positive(ctx.options.nprobes, 'nprobes');
	const refine = positive(ctx.options.refine, 'refine');
	const store = await openLanceStore(await deps.lance(), spec.uri);
	const { meta } = store;

	let queryVectors: (query: string) => Promise<TokenMatrix>;
	let stage: string;
	let dispose = async () => {};
	if (isMultiVectorCorpus(ctx.corpus)) {
		const collection = ctx.corpus.multivector;
		checkStoreMatches(meta, { model: collection.manifest.model, dim: collection.dim }, spec.uri);
		const byText = new Map(collection.queries.map((q) => [q.text, q.id]));
		stage = 'query-vectors';
		queryVectors = async (query) => {
			const found = collection.queryVectors(query) ?? (byText.has(query) ? collection.queryVectors(byText.get(query)!) : undefined);
			if (!found) throw createError('BAD_ARGUMENT', { detail: `no precomputed vectors for query "${query.slice(0, 80)}" in ${collection.label} (use --query-id)` });
			return found;
		};
	} else {
		// Without --model, query with the store's own model; with one, it must be the store's.
		const given = ctx.options.models?.colbert;
		const options = given ? ctx.options : { ...ctx.options, models: { ...ctx.options.models, colbert: meta.model } };
		const qctx: NeuralContext = { ...ctx, options };
		checkStoreMatches(meta, { model: await storeModelOf(qctx, deps), dim: meta.dim }, spec.uri);
		const { encoder, owned } = await encoderFor('colbert', qctx, deps);
		if (encoder.settings.dim !== meta.dim) {
			if (owned) await encoder.dispose();
			checkStoreMatches(meta, { dim: encoder.settings.dim }, spec.uri);
		}
		stage = 'encode-query';
		queryVectors = async (query) => (await encoder.encodeQuery(query)).matrix;
		dispose = async () => {
			if (owned) await encoder.dispose();
		};
	}
	return {
		name: 'lancedb',
		store,
		mode,
		buildTimings: [],
		async search(query: string, k: number): Promise<SearchResult> {
			const t0 = performance.now();
			const q = await queryVectors(query);
			const timings = [{ stage, ms: since(t0) }];
			const result = await store.search(q, k, { mode, depth, nprobes, refine });
			const hits: Hit[] = result.hits.map((h, i) => ({ id: h.id, score: h.score, rank: i + 1 }));
			return { hits, timings: [...timings, ...result.stages] };
		},
		dispose
	};
}
