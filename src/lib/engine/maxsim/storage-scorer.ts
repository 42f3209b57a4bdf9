/**
 * Creates a MaxSim scorer over a compressed storage format (`int8` or `binary`, issue 10) and says
 * why it runs where it runs: `auto` prefers the WASM kernels (worker threads where memory can be
 * shared), else the JS reference. A WASM scorer that fails to start is replaced by JS with a warning.
 * There is no run-time hand-over (the f32 scorer's `FallbackScorer` keeps the float documents to
 * re-add them, which would defeat the compression): a crashed kernel worker rejects the call with
 * `BACKEND_UNAVAILABLE`.
 */
import { detectMaxSimCapabilities } from '../capabilities';
import { createError } from '../errors';
import { CPU_BACKENDS, type CpuBackendChoice } from './backends';
import type { BackendChoice } from './maxsim';
import { JsStorageScorer } from './storage-js';
import { MAX_BINARY_KERNEL_DIM, WasmStorageScorer, type KernelStorageFormat, type StorageScorer } from './storage-wasm';
import { checkDim } from './validate';
import { requestedThreads } from './threads';

export type { KernelStorageFormat, StorageScorer } from './storage-wasm';

export interface StorageScorerOptions {
	format: KernelStorageFormat;
	dim: number;
	/** `auto` (default): wasm if it starts, else js. */
	backend?: CpuBackendChoice;
	/** WASM threads including the caller's (default: logical cores, at most 8). */
	threads?: number;
}

export interface StorageScorerSelection {
	scorer: StorageScorer;
	/** What runs and why, e.g. `wasm: binary kernel (byte tables of the query, min distance), 2 threads (Node worker_threads)`. */
	choice: BackendChoice;
	/** Things that did not go as asked (fewer threads, wasm unavailable). */
	warnings: string[];
}

const FORMATS = ['int8', 'binary'] as const;
const ARITHMETIC: Record<KernelStorageFormat, string> = {
	binary: 'binary kernel (byte tables of the query, min distance)',
	int8: 'int8 kernel (i16 query x int8 codes, i32x4.dot_i16x8_s, per-token scales)'
};

/**
 * A scorer whose `add(docs)` takes float documents, encodes them in `format` and keeps only the codes
 * (`residentBytes`); `score` / `topK` take the float query (binarised inside for `binary`). Scores
 * are `maxSimInt8` / `maxSimBinary` of `compress/codecs.ts` (WASM int8 within 1e-4 relative).
 * Throws `UNKNOWN_OPTION` for an unknown backend or format, `BAD_ARGUMENT` for a bad `dim`.
 * @example
 * const { scorer, choice } = await createStorageScorer({ format: 'binary', dim: 96 });
 * choice.backend // 'wasm'
 * await scorer.add(docs); scorer.residentBytes // 12 bytes per token (no padding)
 */
export async function createStorageScorer(options: StorageScorerOptions): Promise<StorageScorerSelection> {
	const wanted = options.backend ?? 'auto';
	if (!(CPU_BACKENDS as readonly string[]).includes(wanted)) {
		throw createError('UNKNOWN_OPTION', { what: 'storage scorer backend', value: String(wanted), expected: CPU_BACKENDS.join(', ') });
	}
	if (!(FORMATS as readonly string[]).includes(options.format)) {
		throw createError('UNKNOWN_OPTION', { what: 'storage format with a MaxSim scorer', value: String(options.format), expected: FORMATS.join(', ') });
	}
	checkDim(options.dim);
	const warnings: string[] = [];
	const js = (reason: string): StorageScorerSelection => ({
		scorer: new JsStorageScorer(options.format, options.dim),
		choice: { backend: 'js', reason },
		warnings
	});
	if (wanted === 'js') return js('js: requested');

	const caps = await detectMaxSimCapabilities();
	let unavailable: string | undefined;
	if (!caps.wasm || !caps.simd) unavailable = caps.wasm ? 'no WebAssembly SIMD128' : 'no WebAssembly';
	else if (options.format === 'binary' && options.dim > MAX_BINARY_KERNEL_DIM) unavailable = `binary kernel supports dims up to ${MAX_BINARY_KERNEL_DIM}`;
	if (unavailable) {
		if (wanted === 'wasm') warnings.push(`wasm unavailable (${unavailable}); using js`);
		return js(`js: fallback; wasm: ${unavailable}`);
	}
	let threads = requestedThreads(options.threads, caps.hardwareConcurrency);
	if (threads > 1 && !caps.threads) {
		warnings.push(`wasm: 1 thread instead of ${threads}: ${caps.threadsReason}`);
		threads = 1;
	}
	const base = { format: options.format, dim: options.dim };
	try {
		const scorer = await WasmStorageScorer.create({ ...base, threads });
		const how = threads > 1 ? `${threads} threads (${caps.threadsReason})` : `1 thread${caps.threads ? '' : ` (${caps.threadsReason})`}`;
		return { scorer, choice: { backend: 'wasm', reason: `wasm: ${ARITHMETIC[options.format]}, ${how}` }, warnings };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		if (threads > 1) {
			warnings.push(`wasm: ${threads} threads failed (${message}); using 1 thread`);
			try {
				const scorer = await WasmStorageScorer.create({ ...base, threads: 1 });
				return { scorer, choice: { backend: 'wasm', reason: `wasm: ${ARITHMETIC[options.format]}, 1 thread (workers failed)` }, warnings };
			} catch {
				// fall through to js
			}
		}
		warnings.push(`wasm unavailable (${message}); using js`);
		return js(`js: fallback; wasm: instantiation failed (${message})`);
	}
}
