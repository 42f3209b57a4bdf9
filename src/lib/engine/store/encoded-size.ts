/**
 * How many bytes an encoded corpus will take before it is encoded: vectors x bytes per vector of the
 * storage format (`compress/codecs.ts` `bytesPerVector`: fp32 `4 dim`, fp16 `2 dim`, int8 `dim + 4`,
 * ...), plus the batch framing. A bi-encoder stores one vector per document; ColBERT one per kept
 * token, counted here without the model's tokenizer: BERT's basic pre-tokenization (whitespace and
 * punctuation splits, as `BasicTokenizer`) plus the three markers ([CLS], [D], [SEP]), capped at the
 * document length. Word pieces add tokens and the punctuation skiplist removes some, so the count is
 * an estimate, and the message says so.
 *
 * @example
 * estimateEncodedBytes({ kind: 'dense', texts: ['a b', 'c'], dim: 384 }).bytes // 2 * 1536 + framing
 * estimateEncodedBytes({ kind: 'colbert', texts: ['red planet.'], dim: 96, documentLength: 300 }).vectors // red, planet, '.' + 3 markers = 6
 */
import { bytesPerVector, type StorageFormat } from '../compress/codecs';
import { formatSize } from './size';
import type { EncodedCorpusStore, StoreKey } from './store';

/** Pieces BERT's basic tokenizer makes of `text`: runs of letters/digits, and each other visible character. */
export function basicTokenCount(text: string): number {
	return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

export interface EncodedSizeRequest {
	kind: 'dense' | 'colbert';
	texts: readonly string[];
	dim: number;
	/** ColBERT: tokens kept per document at most (document length). */
	documentLength?: number;
	/** Default fp32. */
	format?: StorageFormat;
	/** Documents per stored batch (framing overhead), default 32. */
	batchSize?: number;
}

export interface EncodedSize {
	bytes: number;
	vectors: number;
	/** One line for people: `about 512.3 MB (1,334,000 token vectors (estimated) x 384 B: 96 dims, fp32)`. */
	summary: string;
}

/** Batch header bytes (magic, version, counts, checksum) and per-document length words: an upper bound. */
const BATCH_HEADER = 64;
const PER_DOC = 8;

/** @example estimateEncodedBytes({ kind: 'dense', texts: Array(1000).fill('x'), dim: 384 }).summary // 'about 1.5 MB (1,000 vectors x 1536 B: 384 dims, fp32)' */
export function estimateEncodedBytes(request: EncodedSizeRequest): EncodedSize {
	const format = request.format ?? 'fp32';
	const per = bytesPerVector(format, request.dim, format === 'residual' ? 2 : undefined);
	const cap = request.documentLength ?? Infinity;
	const vectors =
		request.kind === 'dense' ? request.texts.length : request.texts.reduce((sum, text) => sum + Math.min(cap, basicTokenCount(text) + 3), 0);
	const batches = Math.ceil(request.texts.length / (request.batchSize ?? 32));
	const framing = batches * BATCH_HEADER + (request.kind === 'colbert' ? request.texts.length * PER_DOC : 0);
	const bytes = vectors * per + framing;
	const what = request.kind === 'dense' ? 'vectors' : 'token vectors (estimated)';
	return { bytes, vectors, summary: `about ${formatSize(bytes)} (${vectors.toLocaleString('en-US')} ${what} x ${per} B: ${request.dim} dims, ${format})` };
}

/**
 * The expected size of `key`'s entry, said once through `say` before anything is encoded (only when
 * some batch is missing from `store`); returns the bytes for `encodeCached({ expectedBytes })`, or
 * undefined without a store. The line is information, not a warning: pipelines pass their `onInfo`
 * (the CLI prints `latelab: 3 documents encoded with ... take about ...`, panels show it as plain detail text).
 * @example const expectedBytes = await announceEncodedSize(store, key, { kind: 'dense', texts, dim: 384 }, (m) => console.error(`latelab: ${m}`));
 */
export async function announceEncodedSize(
	store: EncodedCorpusStore | undefined,
	key: StoreKey,
	request: EncodedSizeRequest,
	say?: (message: string) => void
): Promise<number | undefined> {
	if (!store) return undefined;
	const size = estimateEncodedBytes({ ...request, batchSize: key.batchSize });
	const present = await store.listBatches(key).catch(() => [] as number[]);
	if (present.length < Math.ceil(request.texts.length / key.batchSize)) {
		// Said before the encoding, and shown beside the panel after it: worded to hold at both times.
		say?.(`${request.texts.length.toLocaleString('en-US')} documents encoded with ${key.modelId} take ${size.summary} in ${store.label}`);
	}
	return size.bytes;
}
