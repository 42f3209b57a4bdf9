/**
 * What the neural pipelines share: their options, how a `--model` string becomes a `ModelRef`, how an
 * encoder for a role is obtained (given by the host, or loaded lazily), the document text they encode,
 * and the `NeuralSearchResult` shape (hits + timings + the MaxSim kernel that ran).
 */
import type { MaxSimBackendChoice } from '../maxsim/backends';
import type { BackendChoice } from '../maxsim/maxsim';
import type { BiEncoder, ColbertEncoder, CrossEncoder, ModelProgress, ModelRef } from '../encoders/encoder';
import { DEFAULT_MODELS } from '../encoders/model-defaults';
import { createError } from '../errors';
import type { Fp32VectorStore } from '../store/fp32-vector-store';
import type { EncodedCorpusStore } from '../store/store';
import type { Doc, SearchResult } from '../types';
import type { ModelRole, PipelineContext, PipelineOptions } from './registry';

/** Options the neural pipelines read (besides `models`, `firstStage`, `depth`). */
export interface NeuralPipelineOptions extends PipelineOptions {
	/** Weights to load (fp32 default in Node, q8 in browsers). */
	dtype?: ModelRef['dtype'];
	/** Execution provider: cpu (Node), wasm, webgpu. */
	device?: ModelRef['device'];
	/** Hub revision (default main). */
	revision?: string;
	/** Dense similarity: cosine (default), dot or l2. */
	metric?: string;
	/** Documents per encoding batch, which is also the unit the cache stores (default 32). */
	batchSize?: number;
	/** MaxSim backend for ColBERT (default auto). */
	maxsimBackend?: MaxSimBackendChoice;
	/** MaxSim WASM threads. */
	threads?: number;
	/** MaxSim WASM int16 screening of `topK` (exhaustive colbert), exact rescoring of the best. */
	quantized?: boolean;
	/** false: do not read or write the encoded-corpus store. */
	cache?: boolean;
	/** Node: folder of the on-disk encoded-corpus store (read by hosts whose `store` is a function). */
	cacheDir?: string;
}

/** Encoders by role, when the host already has them loaded (tests, the playground). */
export interface GivenEncoders {
	'bi-encoder'?: BiEncoder;
	'cross-encoder'?: CrossEncoder;
	colbert?: ColbertEncoder;
}
type RoleEncoder<R extends ModelRole> = NonNullable<GivenEncoders[R]>;

/** Host services the neural pipelines use; every field optional. */
export interface NeuralDeps {
	encoders?: GivenEncoders;
	/** Loads a model for a role (default: `encoders/load-encoder`, imported on first use). */
	load?: (role: ModelRole, ref: ModelRef, onProgress?: (p: ModelProgress) => void) => Promise<BiEncoder | CrossEncoder | ColbertEncoder>;
	/** Turns a `--model` string into a ref (the CLI checks the file system); default `modelRefFromSpec`. */
	resolveModel?: (spec: string, role: ModelRole) => ModelRef | Promise<ModelRef>;
	/** Where encoded corpora are kept (none: encode every time), or a function choosing it from the options. */
	store?: EncodedCorpusStore | ((options: NeuralPipelineOptions) => EncodedCorpusStore | undefined);
	/**
	 * A version stamp of a model's files, for models whose id says nothing about their content (local
	 * folders): it goes into the cache key so a changed model never reuses old vectors.
	 */
	modelStamp?: (ref: ModelRef) => string | undefined | Promise<string | undefined>;
	/** Model download progress. */
	onModelProgress?: (p: ModelProgress) => void;
	/** Non-fatal problems (cache entries rebuilt, MaxSim fallbacks). */
	onWarning?: (message: string) => void;
	/** Information that is not a problem (the size an encoded corpus will take, said before encoding). */
	onInfo?: (message: string) => void;
	/**
	 * Where `--opt rescore` keeps the exact fp32 vectors, outside the scoring memory (the CLI: a
	 * temporary file; the browser: an OPFS file, else IndexedDB). Default: in memory.
	 */
	fp32Store?: () => Fp32VectorStore | Promise<Fp32VectorStore>;
}

/** The context a neural factory gets: the registry's, with an optional AbortSignal for long encoding. */
export type NeuralContext = PipelineContext & { options: NeuralPipelineOptions; signal?: AbortSignal };

/** A search result with what ran: the MaxSim kernel (ColBERT pipelines) and the models used. */
export interface NeuralSearchResult extends SearchResult {
	kernel?: BackendChoice;
}

/** The default Hub model of each role (MODELS.md). */
export const DEFAULT_ROLE_MODELS: Readonly<Record<ModelRole, string>> = DEFAULT_MODELS;

/**
 * A `--model` value as a ref, without touching the file system: something that looks like a path
 * (`/`, `./`, `../`, `~`, a drive letter, or more than one `/`, which no Hub id has) is a local folder;
 * anything else is a Hub id.
 * @example modelRefFromSpec('./models/colbert') // { id: './models/colbert', localDir: './models/colbert' }
 * modelRefFromSpec('Xenova/all-MiniLM-L6-v2') // { id: 'Xenova/all-MiniLM-L6-v2' }
 */
export function modelRefFromSpec(spec: string): ModelRef {
	const looksLocal = /^(\/|\.{1,2}[\\/]|~|[A-Za-z]:[\\/])/.test(spec) || spec.split('/').length > 2 || spec.includes('\\');
	return looksLocal ? { id: spec, localDir: spec } : { id: spec };
}

/** The ref for `role`: the option's model (or the role's default) with dtype/device/revision applied. */
export async function modelRefFor(role: ModelRole, ctx: NeuralContext, deps: NeuralDeps): Promise<ModelRef> {
	const spec = ctx.options.models?.[role] ?? DEFAULT_ROLE_MODELS[role];
	const ref = { ...(await (deps.resolveModel ?? modelRefFromSpec)(spec, role)) };
	if (ctx.options.dtype) ref.dtype = ctx.options.dtype;
	if (ctx.options.device) ref.device = ctx.options.device;
	if (ctx.options.revision) ref.revision = ctx.options.revision;
	return ref;
}

/** An encoder for `role` plus the ref it came from; `owned` means the pipeline loaded it and must dispose it. */
export interface RoleModel<R extends ModelRole> {
	encoder: RoleEncoder<R>;
	ref: ModelRef;
	owned: boolean;
}

/** The given encoder for `role`, else the model named in the options (or the default), loaded now. */
export async function encoderFor<R extends ModelRole>(role: R, ctx: NeuralContext, deps: NeuralDeps): Promise<RoleModel<R>> {
	const given = deps.encoders?.[role] as RoleEncoder<R> | undefined;
	if (given) return { encoder: given, ref: { id: given.modelId, ...pick(ctx.options) }, owned: false };
	const ref = await modelRefFor(role, ctx, deps);
	const load = deps.load ?? defaultLoad;
	const encoder = (await load(role, ref, deps.onModelProgress)) as RoleEncoder<R>;
	const kind = role === 'colbert' ? 'colbert' : role;
	if (encoder.kind !== kind) {
		await encoder.dispose();
		throw createError('MODEL_LOAD_FAILED', { model: ref.id, detail: `loaded a ${encoder.kind} for the ${role} role` });
	}
	return { encoder, ref, owned: true };
}

function pick(options: NeuralPipelineOptions): Partial<ModelRef> {
	const out: Partial<ModelRef> = {};
	if (options.dtype) out.dtype = options.dtype;
	if (options.revision) out.revision = options.revision;
	return out;
}

async function defaultLoad(role: ModelRole, ref: ModelRef, onProgress?: (p: ModelProgress) => void) {
	const { loadEncoder } = await import('../encoders/load-encoder');
	return loadEncoder(role, ref, { onProgress });
}

/** The text a model encodes for a document: title and text joined by a space (as BEIR's dense baselines). */
export function documentText(doc: Doc): string {
	const title = doc.title.trim();
	return title ? `${title} ${doc.text}` : doc.text;
}

/** Milliseconds since `t0`. */
export function since(t0: number): number {
	return performance.now() - t0;
}

/** Validates `depth` (default 100). */
export function depthOf(options: PipelineOptions, fallback = 100): number {
	const depth = options.depth ?? fallback;
	if (!Number.isInteger(depth) || depth < 1) throw createError('BAD_ARGUMENT', { detail: `depth must be a positive integer, got ${String(depth)}` });
	return depth;
}

/** The store to use for this build: none when `options.cache === false`. */
export function storeFor(ctx: NeuralContext, deps: NeuralDeps): EncodedCorpusStore | undefined {
	if (ctx.options.cache === false) return undefined;
	return typeof deps.store === 'function' ? deps.store(ctx.options) : deps.store;
}
