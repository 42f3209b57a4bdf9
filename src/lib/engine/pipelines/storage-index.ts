/**
 * The document store of the `colbert` pipelines in a storage format (issue 10, `--opt storage`):
 * - `fp32`: the MaxSim kernel on the vectors as they are;
 * - `fp16`: IEEE halves (`encodeFp16`, round to nearest even); on WASM (`createHalfScorer`) the
 *   kernel's memory holds the halves (2·dim bytes per vector) and widens them to f32 as it scores;
 *   elsewhere (`js`, `webgpu`, no WASM SIMD) the decoded values are scored as float32 and the memory
 *   holds 4·dim. Either way the scores equal MaxSim of the decoded vectors;
 * - `int8`, `binary`: `createStorageScorer` (WASM or JS), which keeps only the codes;
 * - `residual` (`bits` 1|2): the ColBERTv2 residual codec (`compress/residual.ts`) trained on a sample
 *   of documents (ColBERTv2's `_sample_pids` size), vectors decoded (centroid + bucket weights,
 *   renormalised) and scored by the f32 kernel; reported bytes are the codes + centroid ids, the
 *   centroid table separately.
 */
import { bytesPerVector, decodeFp16, encodeFp16, STORAGE_FORMATS, type StorageFormat } from '../compress/codecs';
import { trainResidualIndexCodec, type CentroidChoice } from '../compress/centroid-count';
import { documentSampleSize, sampleIndices } from '../compress/kmeans';
import type { ResidualCodec } from '../compress/residual';
import { createError } from '../errors';
import { MultiVectorIndex } from '../index/multivector';
import type { MultiVectorDoc } from '../index/serialize';
import type { MaxSimBackendChoice } from '../maxsim/backends';
import type { BackendChoice, MaxSimScorer } from '../maxsim/maxsim';
import { createHalfScorer } from '../maxsim/select';
import { createStorageScorer } from '../maxsim/storage-scorer';
import type { TokenMatrix } from '../types';
import type { MultiVectorSource } from './multivector-source';
import type { NeuralPipelineOptions } from './neural-context';

/** The storage options of a colbert pipeline, validated. */
export interface StorageOptions {
	format: StorageFormat;
	/** Residual bits (1 or 2); 2 unless given. */
	bits: 1 | 2;
	/** Best documents rescored exactly with fp32 vectors from the side store (0 = none). */
	rescore: number;
	/** Residual: k-means centroids (default or `'auto'`: ColBERTv2's power of two near 16·sqrt(vectors)). */
	centroids?: number;
	/** Residual with centroids auto: at most this many nearest-centroid multiply-adds (`centroidCountWithin`); none on the CLI. */
	centroidBudget?: number;
}

/**
 * Reads `storage` (default fp32), `bits` (1|2, residual only), `rescore` (integer >= 0) and
 * `centroids`; `UNKNOWN_OPTION` / `BAD_ARGUMENT` naming the option otherwise.
 * @example storageOptionsOf({ storage: 'binary', rescore: 100 }) // { format: 'binary', bits: 2, rescore: 100 }
 */
export function storageOptionsOf(options: NeuralPipelineOptions): StorageOptions {
	const format = (options.storage ?? 'fp32') as StorageFormat;
	if (!STORAGE_FORMATS.includes(format)) throw createError('UNKNOWN_OPTION', { what: 'storage format', value: String(options.storage), expected: STORAGE_FORMATS.join(', ') });
	const bits = options.bits ?? 2;
	if (bits !== 1 && bits !== 2) throw createError('BAD_ARGUMENT', { detail: `bits must be 1 or 2 (residual storage), got ${String(options.bits)}` });
	if (options.bits !== undefined && format !== 'residual') throw createError('BAD_ARGUMENT', { detail: `bits applies to storage=residual only (storage is ${format})` });
	const rescore = options.rescore ?? 0;
	if (typeof rescore !== 'number' || !Number.isInteger(rescore) || rescore < 0) throw createError('BAD_ARGUMENT', { detail: `rescore must be an integer >= 0 (documents rescored with fp32 vectors), got ${String(options.rescore)}` });
	const centroids = options.centroids === 'auto' ? undefined : options.centroids;
	if (centroids !== undefined && (typeof centroids !== 'number' || !Number.isInteger(centroids) || centroids < 1)) {
		throw createError('BAD_ARGUMENT', { detail: `centroids must be a positive integer or auto, got ${String(centroids)}` });
	}
	const budget = options.centroidBudget;
	if (budget !== undefined && (typeof budget !== 'number' || !(budget > 0))) throw createError('BAD_ARGUMENT', { detail: `centroidBudget must be a positive number, got ${String(budget)}` });
	return { format, bits, rescore, ...(centroids !== undefined ? { centroids: centroids as number } : {}), ...(budget !== undefined ? { centroidBudget: budget as number } : {}) };
}

/** Documents stored in a format, behind the MaxSim scorer interface. */
export interface StoredIndex {
	readonly format: StorageFormat;
	readonly scorer: MaxSimScorer;
	readonly choice: BackendChoice;
	readonly warnings: string[];
	/** Stored vectors, bytes in the format (codes, scales, ids), and the shared table (residual centroids). */
	readonly vectors: number;
	readonly bytes: number;
	readonly tableBytes: number;
	/** The residual codec the vectors went through (residual only). */
	readonly codec?: ResidualCodec;
	/** The centroids the codec trained and ColBERTv2's count (residual only). */
	readonly centroids?: CentroidChoice;
	dispose(): Promise<void>;
}

async function trainResidual(source: MultiVectorSource, options: StorageOptions): Promise<{ codec: ResidualCodec; centroids: CentroidChoice }> {
	const n = source.ids.length;
	const chosen = new Uint8Array(n);
	for (const d of sampleIndices(n, documentSampleSize(n), 123)) chosen[d] = 1;
	const sample: TokenMatrix[] = [];
	let vectors = 0;
	for await (const { first, docs } of source.documents()) {
		docs.forEach((d, i) => {
			vectors += d.matrix.rows;
			if (chosen[first + i]) sample.push(d.matrix);
		});
	}
	return trainResidualIndexCodec(sample, vectors, { bits: options.bits }, options.centroids, options.centroidBudget);
}

/**
 * Builds the store of `source`'s documents in `options.format`, calling `each(first, docs)` on every
 * batch as it goes (the pipeline writes the fp32 side store there). Residual makes one extra pass over
 * the documents to train its codec.
 * @example const stored = await buildStoredIndex(source, { format: 'int8', bits: 2, rescore: 0 }, { backend: 'auto' });
 */
export async function buildStoredIndex(
	source: MultiVectorSource,
	options: StorageOptions,
	kernel: { backend?: MaxSimBackendChoice; threads?: number; quantized?: boolean },
	each?: (first: number, docs: MultiVectorDoc[]) => Promise<void>
): Promise<StoredIndex> {
	const { format } = options;
	const dim = source.dim;
	const trained = format === 'residual' ? await trainResidual(source, options) : undefined;
	const codec = trained?.codec;
	let scorer: MaxSimScorer;
	let choice: BackendChoice;
	let warnings: string[];
	// fp16 on the half kernel: the scorer rounds the float vectors itself (no decoding here).
	const half = format === 'fp16' ? await createHalfScorer({ dim, backend: kernel.backend, threads: kernel.threads }) : undefined;
	const decode = (m: TokenMatrix): TokenMatrix => {
		if (format === 'fp16' && !half) return { data: decodeFp16(encodeFp16(m.data.subarray(0, m.rows * m.dim))), rows: m.rows, dim: m.dim };
		if (codec) return codec.decode(codec.encode(m));
		return m;
	};
	if (half) {
		({ scorer, choice, warnings } = half);
	} else if (format === 'int8' || format === 'binary') {
		const backend = kernel.backend === 'webgpu' ? 'auto' : kernel.backend;
		const made = await createStorageScorer({ format, dim, backend, threads: kernel.threads });
		({ scorer, choice, warnings } = made);
	} else {
		// A backend failing later hands over by reading the documents from the source again: no float copy kept for it.
		const reread = async function* () {
			for await (const { docs } of source.documents()) yield docs.map((d) => decode(d.matrix));
		};
		const index = await MultiVectorIndex.create(dim, { ...kernel, reread });
		({ scorer, choice, warnings } = index);
		if (format !== 'fp32') choice = { ...choice, reason: `${choice.reason}; ${format} vectors decoded to float32 for this kernel` };
	}
	let vectors = 0;
	try {
		// A collection knows every document's row count before it is read (pooling changes them): the
		// scorer takes exactly that room at once instead of growing by halves.
		const { collection } = source;
		if (collection && source.pool === 1) await scorer.reserve?.(source.ids.map((_, i) => collection.tokenCount(i)));
		for await (const { first, docs } of source.documents()) {
			await each?.(first, docs);
			await scorer.add(docs.map((d) => decode(d.matrix)));
			for (const d of docs) vectors += d.matrix.rows;
		}
	} catch (error) {
		await scorer.dispose();
		throw error;
	}
	const per = bytesPerVector(format, dim, format === 'residual' ? options.bits : undefined);
	return { format, scorer, choice, warnings, vectors, bytes: vectors * per, tableBytes: codec?.tableBytes ?? 0, ...(trained ? { codec: trained.codec, centroids: trained.centroids } : {}), dispose: () => scorer.dispose() };
}
