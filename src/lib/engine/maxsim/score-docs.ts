/**
 * MaxSim of one query against documents that are not kept resident: exact rescoring of candidates
 * read from the fp32 side store (`store/fp32-vector-store.ts`), PLAID's decoded candidates. The WASM
 * path is the f32 scorer's scratch mode (`WasmMaxSimScorer.scoreDocs`): one kernel instance, its
 * memory and its worker threads kept between calls, the documents packed after the (empty) resident
 * arena per call. No module is compiled or instantiated per call.
 */
import { detectMaxSimCapabilities } from '../capabilities';
import { createError, isLatelabError } from '../errors';
import type { TokenMatrix } from '../types';
import { CPU_BACKENDS, type CpuBackendChoice } from './backends';
import { maxSim, type MaxSimBackendName } from './maxsim';
import { checkDim, checkMatrix, checkShape } from './validate';
import { WasmMaxSimScorer, type DocumentRead } from './wasm';
import { requestedThreads } from './threads';

export type { DocumentRead };

/** Scores a query against documents passed with each call (none is kept). */
export interface DocumentScorer {
	/** Where the documents are scored; `js` after a WASM failure at run time. */
	readonly backend: MaxSimBackendName;
	/** Threads in use, including the calling one. */
	readonly threads: number;
	/**
	 * `maxSim(query, docs[i])` for each i, in order (WASM within the shared cases' tolerance). `docs` may
	 * be a `DocumentRead` (a store's `readInto`): the WASM scorer then has them read into its own memory.
	 */
	score(query: TokenMatrix, docs: readonly TokenMatrix[] | DocumentRead, options?: DocumentScoreOptions): Promise<Float32Array>;
	/** Stops the workers and frees the kernel memory; later calls reject with BAD_ARGUMENT. */
	dispose(): Promise<void>;
}

/** How much `score` checks of documents it is given. */
export interface DocumentScoreOptions {
	/**
	 * The documents' values are known finite (read back from a side store that validated them when they
	 * were written, decoded by a residual codec): only their shapes are checked, not every value again.
	 */
	finite?: boolean;
}

export interface DocumentScorerOptions {
	dim: number;
	/** `auto` (default): WASM (relaxed SIMD where the runtime has it) if it starts, else JS. */
	backend?: CpuBackendChoice;
	/** WASM threads including the caller's (default: logical cores, at most 8). */
	threads?: number;
	/** Calls below this many multiply-adds stay on the calling thread (default 4M; tests set 0). */
	minParallelMacs?: number;
}

/** The reference loop over each document, after the same input checks as the kernels. */
function scoreWithJs(dim: number, query: TokenMatrix, input: readonly TokenMatrix[] | DocumentRead, options: DocumentScoreOptions = {}): Float32Array {
	checkMatrix(query, dim, 'query');
	const docs = typeof input === 'function' ? input((bytes) => new Uint8Array(bytes)) : input;
	const check = options.finite ? checkShape : checkMatrix;
	docs.forEach((doc, i) => check(doc, dim, `document ${i}`));
	const out = new Float32Array(docs.length);
	for (let i = 0; i < docs.length; i++) out[i] = query.rows === 0 ? 0 : maxSim(query, docs[i]);
	return out;
}

class JsDocumentScorer implements DocumentScorer {
	readonly backend = 'js' as const;
	readonly threads = 1;
	private disposed = false;

	constructor(private readonly dim: number) {}

	async score(query: TokenMatrix, docs: readonly TokenMatrix[] | DocumentRead, options?: DocumentScoreOptions): Promise<Float32Array> {
		if (this.disposed) throw createError('BAD_ARGUMENT', { detail: 'document scorer used after dispose()' });
		return scoreWithJs(this.dim, query, docs, options);
	}

	async dispose(): Promise<void> {
		this.disposed = true;
	}
}

/** WASM scratch-mode scorer; a kernel failure at run time (a crashed worker) hands over to JS for good. */
class WasmDocumentScorer implements DocumentScorer {
	private wasm: WasmMaxSimScorer | undefined;
	private disposed = false;

	constructor(
		private readonly dim: number,
		wasm: WasmMaxSimScorer
	) {
		this.wasm = wasm;
	}

	get backend(): MaxSimBackendName {
		return this.wasm ? 'wasm' : 'js';
	}

	get threads(): number {
		return this.wasm?.threads ?? 1;
	}

	async score(query: TokenMatrix, docs: readonly TokenMatrix[] | DocumentRead, options?: DocumentScoreOptions): Promise<Float32Array> {
		if (this.disposed) throw createError('BAD_ARGUMENT', { detail: 'document scorer used after dispose()' });
		if (!this.wasm) return scoreWithJs(this.dim, query, docs, options);
		try {
			return await this.wasm.scoreDocs(query, docs, options);
		} catch (error) {
			if (!isLatelabError(error) || error.code !== 'BACKEND_UNAVAILABLE') throw error;
			const failed = this.wasm;
			this.wasm = undefined;
			await failed.dispose().catch(() => undefined);
			return scoreWithJs(this.dim, query, docs, options);
		}
	}

	async dispose(): Promise<void> {
		this.disposed = true;
		const wasm = this.wasm;
		this.wasm = undefined;
		await wasm?.dispose();
	}
}

/**
 * A scorer for documents that stay elsewhere: `score(query, docs)` packs them into the WASM kernel's
 * memory for that call only (reused between calls) and runs the f32 SIMD kernel, threads included.
 * Throws `UNKNOWN_OPTION` for an unknown backend, `BAD_ARGUMENT` for a bad `dim`; `backend: 'wasm'`
 * rejects with `BACKEND_UNAVAILABLE` when the kernel cannot start.
 * @example
 * const scorer = await createDocumentScorer({ dim: 2 });
 * await scorer.score({ data: Float32Array.of(1, 0, 0, 1), rows: 2, dim: 2 },
 *                    [{ data: Float32Array.of(0.6, 0.8, 1, 0), rows: 2, dim: 2 }]) // Float32Array [1.8]
 */
export async function createDocumentScorer(options: DocumentScorerOptions): Promise<DocumentScorer> {
	const wanted = options.backend ?? 'auto';
	if (!(CPU_BACKENDS as readonly string[]).includes(wanted)) {
		throw createError('UNKNOWN_OPTION', { what: 'document scorer backend', value: String(wanted), expected: CPU_BACKENDS.join(', ') });
	}
	checkDim(options.dim);
	if (wanted === 'js') return new JsDocumentScorer(options.dim);
	const caps = await detectMaxSimCapabilities();
	if (!caps.wasm || !caps.simd) {
		if (wanted === 'wasm') throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: caps.wasm ? 'no WebAssembly SIMD128' : 'no WebAssembly' });
		return new JsDocumentScorer(options.dim);
	}
	const requested = requestedThreads(options.threads, caps.hardwareConcurrency);
	const threads = caps.threads ? requested : 1;
	const create = (count: number) =>
		WasmMaxSimScorer.create({ dim: options.dim, threads: count, flavour: caps.relaxedSimd ? 'relaxed' : 'simd', minParallelMacs: options.minParallelMacs });
	try {
		return new WasmDocumentScorer(options.dim, await create(threads));
	} catch (error) {
		// Workers failing to start is not a reason to give up the kernel: one thread needs none.
		if (threads > 1) {
			try {
				return new WasmDocumentScorer(options.dim, await create(1));
			} catch {
				// fall through
			}
		}
		if (wanted === 'wasm') throw error;
		return new JsDocumentScorer(options.dim);
	}
}
