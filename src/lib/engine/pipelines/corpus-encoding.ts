/**
 * Encodes a corpus once per (model, revision, dtype, corpus fingerprint) through the encoded-corpus
 * store: dense vectors for a bi-encoder, kept token vectors for ColBERT. Progress reports documents
 * done, documents/s and an ETA; an abort keeps finished batches; a corrupt stored batch is rebuilt.
 */
import { corpusFingerprint } from '../corpus/fingerprint';
import type { BiEncoder, ColbertEncoder, ModelRef } from '../encoders/encoder';
import type { LatelabError } from '../errors';
import { decodeDenseBatch, decodeMultiVectorBatch, encodeDenseBatch, encodeMultiVectorBatch, type MultiVectorDoc } from '../index/serialize';
import { encodeCached, type CorpusEncodeProgress } from '../store/encode-cached';
import { announceEncodedSize } from '../store/encoded-size';
import { MemoryStore, type EncodedCorpusStore, type StoreKey } from '../store/store';
import type { Doc, StageTiming, TokenMatrix } from '../types';
import { documentText, storeFor, type NeuralContext, type NeuralDeps } from './neural-context';
import type { PipelineProgress } from './registry';

export const DEFAULT_ENCODE_BATCH = 32;

export interface CorpusEncodingOptions {
	/** The model's ref (its id, revision and dtype go into the cache key). */
	ref: ModelRef;
	store?: EncodedCorpusStore;
	batchSize?: number;
	/** Version stamp of the model's files (local folders), part of the cache key. */
	stamp?: string;
	signal?: AbortSignal;
	onProgress?: (p: PipelineProgress) => void;
	onWarning?: (message: string) => void;
	/** Information that is not a problem: the size the encoded corpus will take, said before encoding. */
	onInfo?: (message: string) => void;
}

/**
 * The encoding options of a neural pipeline build for its model `ref`: the host's store (none with
 * `cache: false`), the model's version stamp, and batch size, abort signal, progress, warnings and
 * information lines from the context.
 * @example const { matrix } = await encodeDenseCorpus(encoder, ctx.corpus.docs, await encodingOptionsFor(ctx, deps, ref));
 */
export async function encodingOptionsFor(ctx: NeuralContext, deps: NeuralDeps, ref: ModelRef): Promise<CorpusEncodingOptions> {
	return {
		ref,
		stamp: await deps.modelStamp?.(ref),
		store: storeFor(ctx, deps),
		batchSize: ctx.options.batchSize,
		signal: ctx.signal,
		onProgress: ctx.onProgress,
		onWarning: deps.onWarning ?? ctx.onWarning,
		onInfo: deps.onInfo ?? ctx.onInfo
	};
}

/** What encoding cost and where the vectors came from. */
export interface CorpusEncodingStats {
	key: StoreKey;
	fromStore: number;
	encoded: number;
	rebuilt: number;
	timings: StageTiming[];
}

async function keyFor(kind: StoreKey['kind'], docs: readonly Doc[], options: CorpusEncodingOptions, variant: string): Promise<StoreKey> {
	return {
		kind,
		modelId: options.ref.localDir ?? options.ref.id,
		revision: options.ref.localDir ? 'local' : (options.ref.revision ?? 'main'),
		dtype: options.ref.dtype ?? 'default',
		corpus: await corpusFingerprint(docs),
		batchSize: options.batchSize ?? DEFAULT_ENCODE_BATCH,
		variant: options.stamp ? `${variant}-${options.stamp}` : variant
	};
}

function progressOf(options: CorpusEncodingOptions): (p: CorpusEncodeProgress) => void {
	return (p) => options.onProgress?.({ stage: p.stage, done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds });
}

const warnOf = (options: CorpusEncodingOptions) => (problem: LatelabError) => options.onWarning?.(`${problem.message} (rebuilt; not used)`);

/**
 * Document vectors (`nDocs x dim`, unit rows) of a bi-encoder, from the store where possible.
 * @example const { matrix } = await encodeDenseCorpus(model, corpus.docs, { ref, store }); matrix.rows === corpus.docs.length
 */
export async function encodeDenseCorpus(
	encoder: BiEncoder,
	docs: readonly Doc[],
	options: CorpusEncodingOptions
): Promise<{ matrix: TokenMatrix; stats: CorpusEncodingStats }> {
	const t0 = performance.now();
	const key = await keyFor('dense', docs, options, `${encoder.pooling.mode}-${encoder.dim}`);
	const texts = docs.map(documentText);
	// Say the size before encoding; a budgeted store makes room or refuses (CACHE_BUDGET) in encodeCached.
	const expectedBytes = await announceEncodedSize(options.store, key, { kind: 'dense', texts, dim: encoder.dim }, options.onInfo);
	const result = await encodeCached<TokenMatrix>({
		store: options.store ?? new MemoryStore(),
		key,
		expectedBytes,
		total: docs.length,
		signal: options.signal,
		encode: (start, end) => encoder.encode(texts.slice(start, end), 'document', { signal: options.signal, batchSize: end - start }),
		toBytes: (matrix, start) => encodeDenseBatch({ start, matrix }),
		fromBytes: (bytes, name) => {
			const batch = decodeDenseBatch(bytes, name);
			return { batch: batch.matrix, start: batch.start, count: batch.matrix.dim === encoder.dim ? batch.matrix.rows : -1 };
		},
		onProgress: progressOf(options),
		onWarning: warnOf(options)
	});
	const dim = encoder.dim;
	const data = new Float32Array(docs.length * dim);
	let row = 0;
	for (const m of result.batches) {
		data.set(m.data.subarray(0, m.rows * dim), row * dim);
		row += m.rows;
	}
	return { matrix: { data, rows: docs.length, dim }, stats: statsOf(key, result, t0) };
}

/**
 * ColBERT document token vectors (skiplist applied by the encoder), from the store where possible.
 * Batches of `batchSize` documents, in corpus order (hand them to a scorer one by one and drop them).
 * @example const { batches } = await encodeColbertCorpus(colbert, corpus.docs, { ref, store }); batches[0][0].matrix.dim === colbert.settings.dim
 */
export async function encodeColbertCorpus(
	encoder: ColbertEncoder,
	docs: readonly Doc[],
	options: CorpusEncodingOptions
): Promise<{ batches: MultiVectorDoc[][]; stats: CorpusEncodingStats }> {
	const t0 = performance.now();
	const s = encoder.settings;
	const key = await keyFor('colbert', docs, options, `d${s.documentLength}-${s.dim}-${s.projection}`);
	const texts = docs.map(documentText);
	const expectedBytes = await announceEncodedSize(options.store, key, { kind: 'colbert', texts, dim: s.dim, documentLength: s.documentLength }, options.onInfo);
	const result = await encodeCached<MultiVectorDoc[]>({
		store: options.store ?? new MemoryStore(),
		key,
		expectedBytes,
		total: docs.length,
		signal: options.signal,
		encode: async (start, end) => encoder.encodeDocuments(texts.slice(start, end), { signal: options.signal }),
		toBytes: (batch, start) => encodeMultiVectorBatch({ start, dim: s.dim, docs: batch }),
		fromBytes: (bytes, name) => {
			const batch = decodeMultiVectorBatch(bytes, name);
			return { batch: batch.docs, start: batch.start, count: batch.dim === s.dim ? batch.docs.length : -1 };
		},
		onProgress: progressOf(options),
		onWarning: warnOf(options)
	});
	return { batches: result.batches, stats: statsOf(key, result, t0) };
}

function statsOf(key: StoreKey, r: { fromStore: number; encoded: number; rebuilt: number; encodeMs: number }, t0: number): CorpusEncodingStats {
	return {
		key,
		fromStore: r.fromStore,
		encoded: r.encoded,
		rebuilt: r.rebuilt,
		timings: [{ stage: 'encode-corpus', ms: performance.now() - t0 }]
	};
}
