/**
 * The plain-JavaScript scorer of the compressed storage formats: each document is encoded on `add`
 * and kept as its `Int8Matrix` / `BinaryMatrix` only; scores are the reference functions
 * `maxSimInt8` / `maxSimBinary` of `compress/codecs.ts`, so this backend is the definition the WASM
 * kernels are tested against.
 */
import { encodeBinary, maxSimBinary, type BinaryMatrix } from '../compress/codecs-binary';
import { encodeInt8, maxSimInt8, type Int8Matrix } from '../compress/codecs-int8';
import { createError } from '../errors';
import type { TokenMatrix } from '../types';
import type { ScoredIndex } from './maxsim';
import type { KernelStorageFormat, StorageScorer } from './storage-wasm';
import { topKOf } from './top-k';
import { checkDim, checkK, checkMatrix, checkSubset } from './validate';

/**
 * @example
 * const scorer = new JsStorageScorer('int8', 2);
 * await scorer.add([{ data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }]);
 * await scorer.score({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 }) // Float32Array [~1.8]
 */
export class JsStorageScorer implements StorageScorer {
	readonly backend = 'js' as const;
	readonly threads = 1;
	readonly format: KernelStorageFormat;
	readonly dim: number;
	private docs: (Int8Matrix | BinaryMatrix)[] = [];
	private bytes = 0;
	private disposed = false;

	constructor(format: KernelStorageFormat, dim: number) {
		checkDim(dim);
		if (format !== 'int8' && format !== 'binary') {
			throw createError('UNKNOWN_OPTION', { what: 'kernel storage format', value: String(format), expected: 'int8, binary' });
		}
		this.format = format;
		this.dim = dim;
	}

	get size(): number {
		return this.docs.length;
	}

	/** Bytes of the stored codes (int8: codes + float32 scales; binary: whole 32-bit words per token). */
	get residentBytes(): number {
		return this.bytes;
	}

	async add(docs: TokenMatrix[]): Promise<void> {
		this.assertLive();
		docs.forEach((doc, i) => checkMatrix(doc, this.dim, `document ${this.size + i}`));
		for (const doc of docs) {
			if (this.format === 'int8') {
				const m = encodeInt8(doc);
				this.bytes += m.codes.byteLength + m.scales.byteLength;
				this.docs.push(m);
			} else {
				const m = encodeBinary(doc);
				this.bytes += m.words.byteLength;
				this.docs.push(m);
			}
		}
	}

	async score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		this.assertLive();
		checkMatrix(query, this.dim, 'query');
		if (subset) checkSubset(subset, this.size);
		const count = subset ? subset.length : this.size;
		const out = new Float32Array(count);
		const binaryQuery = this.format === 'binary' ? encodeBinary(query) : undefined;
		for (let i = 0; i < count; i++) {
			const doc = this.docs[subset ? subset[i] : i];
			out[i] = binaryQuery ? maxSimBinary(binaryQuery, doc as BinaryMatrix) : maxSimInt8(query, doc as Int8Matrix);
		}
		return out;
	}

	async topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		checkK(k);
		return topKOf(await this.score(query, subset), k, subset);
	}

	async dispose(): Promise<void> {
		this.disposed = true;
		this.docs = [];
	}

	private assertLive(): void {
		if (this.disposed) throw createError('BAD_ARGUMENT', { detail: 'JS storage scorer used after dispose()' });
	}
}
