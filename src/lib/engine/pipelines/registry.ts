import { createError } from '../errors';
import type { Corpus, SearchResult, StageTiming } from '../types';
import type { ModelRole } from './roles';

/**
 * The pipeline registry: every retrieval pipeline (bm25, dense, cross, colbert, ...) is created by
 * name through one factory signature, so the CLI, the playground and notebooks add pipelines without
 * changing their own shape. Nothing registers itself on import (no side effects at import time); each
 * host registers what it ships, e.g. the CLI in `src/cli/pipelines.ts`.
 */

// The roles live in the dependency-free `roles.ts` (the panel schema imports them too).
export { MODEL_ROLES, type ModelRole } from './roles';

/** A ready pipeline over one corpus: indexes built, models loaded. */
export interface Pipeline {
	readonly name: string;
	/** Top-k hits, best first, rank 1-based, with per-stage timings (e.g. `search`, or `first-stage` + `rerank`). */
	search(query: string, k: number): Promise<SearchResult>;
	/** Where the time went while the factory built the pipeline (e.g. `index`, `encode-corpus`). */
	readonly buildTimings?: readonly StageTiming[];
	/** Frees models, workers or GPU buffers. */
	dispose?(): Promise<void>;
}

/** Settings passed through from the CLI / UI. Pipelines read what they understand and ignore the rest. */
export interface PipelineOptions {
	/** BM25 term-frequency saturation (default 0.9, as Pyserini). */
	k1?: number;
	/** BM25 length normalisation (default 0.4, as Pyserini). */
	b?: number;
	/** Model id or local folder per role. */
	models?: Partial<Record<ModelRole, string>>;
	/** Name of the pipeline producing candidates for a reranker (e.g. `bm25`). */
	firstStage?: string;
	/** How many first-stage candidates a reranker rescores. */
	depth?: number;
	[key: string]: unknown;
}

/** Progress of long work (indexing, encoding): `done` of `total` units in `stage`. */
export interface PipelineProgress {
	stage: string;
	done: number;
	total: number;
	/** Units per second so far (e.g. documents encoded per second), when known. */
	rate?: number;
	/** Seconds left at that rate, when known. */
	etaSeconds?: number;
	/** `bytes` when `done`/`total` count bytes (model downloads). */
	unit?: 'bytes';
}

export interface PipelineContext {
	corpus: Corpus;
	options: PipelineOptions;
	onProgress?: (p: PipelineProgress) => void;
	/** Stops long work (corpus encoding) with `CANCELLED`; finished cached batches are kept. */
	signal?: AbortSignal;
	/** Non-fatal problems worth a line (a corrupt cache entry rebuilt, a MaxSim fallback). */
	onWarning?: (message: string) => void;
	/** Information worth a line that is not a problem (the size an encoded corpus will take). */
	onInfo?: (message: string) => void;
}

export type PipelineFactory = (ctx: PipelineContext) => Promise<Pipeline>;

/** What the registry knows about a pipeline besides its factory. */
export interface PipelineInfo {
	name: string;
	description: string;
	/** The model role a plain `--model <id|dir>` applies to; absent for model-free pipelines. */
	role?: ModelRole;
}

const registry = new Map<string, { info: PipelineInfo; factory: PipelineFactory }>();

/**
 * Adds a pipeline under `name`. Throws `BAD_ARGUMENT` if the name is taken (two pipelines silently
 * replacing each other would be a bug). Heavy pipelines should import their modules inside the
 * factory so that registering them costs nothing until they are used.
 * @example
 * registerPipeline('bm25', createBm25Pipeline, 'Okapi BM25 over title + text');
 * registerPipeline('colbert', async (ctx) => (await import('./late-interaction')).create(ctx), 'ColBERT', { role: 'colbert' });
 */
export function registerPipeline(
	name: string,
	factory: PipelineFactory,
	description: string,
	options: { role?: ModelRole } = {}
): void {
	if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
		throw createError('BAD_ARGUMENT', { detail: `pipeline name "${name}" must be lower-case letters, digits and dashes` });
	}
	if (registry.has(name)) throw createError('BAD_ARGUMENT', { detail: `pipeline "${name}" is already registered` });
	registry.set(name, { info: { name, description, ...(options.role ? { role: options.role } : {}) }, factory });
}

/**
 * Builds the named pipeline over `ctx.corpus`. Throws `UNKNOWN_OPTION` listing the registered names.
 * @example const bm25 = await createPipeline('bm25', { corpus, options: { k1: 0.9, b: 0.4 } });
 */
export async function createPipeline(name: string, ctx: PipelineContext): Promise<Pipeline> {
	return entry(name).factory(ctx);
}

/** Registered names, sorted. @example pipelineNames() // ['bm25'] */
export function pipelineNames(): string[] {
	return [...registry.keys()].sort();
}

/** Name, description and model role of a registered pipeline; `UNKNOWN_OPTION` otherwise. */
export function pipelineInfo(name: string): PipelineInfo {
	return { ...entry(name).info };
}

function entry(name: string): { info: PipelineInfo; factory: PipelineFactory } {
	const found = registry.get(name);
	if (!found) {
		const names = pipelineNames();
		throw createError('UNKNOWN_OPTION', {
			what: 'pipeline',
			value: name,
			expected: names.length > 0 ? names.join(', ') : '(none registered)'
		});
	}
	return found;
}
