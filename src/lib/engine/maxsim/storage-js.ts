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
import { scoreEach, topKByScore } from './scorer-plumbing';
import type { KernelStorageFormat, StorageScorer } from './storage-wasm';
import { checkDim, checkMatrix } from './validate';

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
		// The query is encoded once, on the first document (after scoreEach has checked it).
		let binaryQuery: BinaryMatrix | undefined;
		return scoreEach(query, this.dim, this.size, subset, (index) => {
			const doc = this.docs[index];
			if (this.format === 'int8') return maxSimInt8(query, doc as Int8Matrix);
			binaryQuery ??= encodeBinary(query);
			return maxSimBinary(binaryQuery, doc as BinaryMatrix);
		});
	}

	async topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		return topKByScore(this, query, k, subset);
	}

	async dispose(): Promise<void> {
		this.disposed = true;
		this.docs = [];
	}

	private assertLive(): void {
		if (this.disposed) throw createError('BAD_ARGUMENT', { detail: 'JS storage scorer used after dispose()' });
	}
}
