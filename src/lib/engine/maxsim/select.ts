/**
 * Picks a MaxSim backend and says why: `auto` prefers WebGPU (a hardware adapter), then WASM (relaxed
 * SIMD if the runtime has it, worker threads where memory can be shared), then plain JS. A backend
 * that fails to start is skipped with a warning; one that fails later hands over to the next
 * (`FallbackScorer`), so a caller never gets a wrong answer, only a slower one.
 */
import { detectMaxSimCapabilities } from '../capabilities';
import { createError } from '../errors';
import { FallbackScorer, type DocumentReader } from './fallback';
import { MAXSIM_BACKENDS, type MaxSimBackendChoice } from './backends';
import { JsMaxSimScorer } from './js';
import type { BackendChoice, MaxSimScorer } from './maxsim';
import { checkDim } from './validate';
import { docShape, paddedDim } from './pack';
import { ShardedScorer } from './sharded';
import { WasmMaxSimScorer, type WasmScorerOptions } from './wasm';
import { requestedThreads } from './threads';

export interface MaxSimScorerOptions {
	/** `auto` (default) picks the fastest available. */
	backend?: MaxSimBackendChoice;
	dim: number;
	/** WASM threads including the caller's (default: logical cores, at most 8). */
	threads?: number;
	/** WASM: also keep int16 copies; `topK` screens with them and rescores the top 100 exactly. */
	quantized?: boolean;
	/**
	 * Where the added documents can be read again (a vectors folder, an encoded corpus): a backend that
	 * fails later hands over to the next by reading them from there. Without it the scorer keeps a
	 * reference to every added matrix for that hand-over (a float copy of the collection in JS memory).
	 */
	reread?: DocumentReader;
}

export interface MaxSimSelection {
	scorer: MaxSimScorer;
	/** What runs and why, e.g. `wasm: relaxed SIMD (FMA), 2 threads (Node worker_threads); webgpu: no adapter`. */
	choice: BackendChoice;
	/** Things that did not go as asked (fallbacks, fewer threads); grows if the backend fails later. */
	warnings: string[];
}

/** The WebGPU module's surface we use; imported lazily so it is optional (and absent in plain Node). */
interface WebGpuModule {
	isWebGpuAvailable(): Promise<boolean>;
	createWebGpuScorer(dim: number): Promise<MaxSimScorer & { adapter?: { description?: string; vendor?: string; isFallbackAdapter?: boolean } }>;
}

type Attempt = { scorer: MaxSimScorer; reason: string } | { scorer: null; reason: string };

async function tryWebGpu(dim: number, acceptSoftware: boolean): Promise<Attempt> {
	let gpu: WebGpuModule;
	try {
		gpu = (await import('./webgpu')) as unknown as WebGpuModule;
		if (!(await gpu.isWebGpuAvailable())) return { scorer: null, reason: 'no WebGPU adapter' };
	} catch (error) {
		return { scorer: null, reason: `WebGPU module failed to load (${String(error)})` };
	}
	try {
		const scorer = await gpu.createWebGpuScorer(dim);
		const name = [scorer.adapter?.vendor, scorer.adapter?.description].filter(Boolean).join(' ') || 'adapter';
		if (scorer.adapter?.isFallbackAdapter && !acceptSoftware) {
			await scorer.dispose();
			return { scorer: null, reason: `only a software adapter (${name}), slower than WASM on the CPU` };
		}
		return { scorer, reason: `${name}${scorer.adapter?.isFallbackAdapter ? ' (software fallback adapter)' : ''}` };
	} catch (error) {
		return { scorer: null, reason: `device creation failed (${error instanceof Error ? error.message : String(error)})` };
	}
}

/**
 * Documents one WASM scorer holds before the next goes to a new one: a wasm32 memory ends at 4 GiB,
 * and growth takes up to half again of the current size, so 2 GiB of packed documents leaves room.
 */
const WASM_SHARD_BYTES = 2 ** 31;

/**
 * A WASM scorer that adds further WASM scorers (shards) as documents outgrow one memory (each shard
 * with its own threads; shards are scored one after the other).
 */
function createWasmScorer(options: WasmScorerOptions): Promise<MaxSimScorer> {
	const dimP = paddedDim(options.dim);
	const perPanel = options.storage === 'fp16' ? 8 * dimP : 16 * dimP + (options.quantized ? 8 * dimP : 0);
	return ShardedScorer.create(() => WasmMaxSimScorer.create(options), WASM_SHARD_BYTES, (doc) => docShape(doc.rows, 4).panels * perPanel);
}

async function tryWasm(options: MaxSimScorerOptions & { storage?: 'fp32' | 'fp16' }, warnings: string[]): Promise<Attempt> {
	const caps = await detectMaxSimCapabilities();
	if (!caps.wasm || !caps.simd) return { scorer: null, reason: caps.wasm ? 'no WebAssembly SIMD128' : 'no WebAssembly' };
	const flavour = caps.relaxedSimd ? 'relaxed' : 'simd';
	const arithmetic = caps.relaxedSimd ? 'relaxed SIMD (FMA)' : 'SIMD128 (relaxed SIMD unavailable; Node 20 needs --experimental-wasm-relaxed-simd)';
	let threads = requestedThreads(options.threads, caps.hardwareConcurrency);
	if (threads > 1 && !caps.threads) {
		warnings.push(`wasm: 1 thread instead of ${threads}: ${caps.threadsReason}`);
		threads = 1;
	}
	const base = { dim: options.dim, flavour, quantized: options.quantized ?? false, storage: options.storage ?? 'fp32' } as const;
	try {
		const scorer = await createWasmScorer({ ...base, threads });
		const how = threads > 1 ? `${threads} threads (${caps.threadsReason})` : `1 thread${caps.threads ? '' : ` (${caps.threadsReason})`}`;
		return { scorer, reason: `${arithmetic}, ${how}${base.quantized ? ', i16 screening' : ''}${base.storage === 'fp16' ? ', fp16 documents widened to f32 in the kernel' : ''}` };
	} catch (error) {
		if (threads === 1) return { scorer: null, reason: `instantiation failed (${String(error)})` };
		warnings.push(`wasm: ${threads} threads failed (${error instanceof Error ? error.message : String(error)}); using 1 thread`);
		try {
			return { scorer: await createWasmScorer({ ...base, threads: 1 }), reason: `${arithmetic}, 1 thread (workers failed)` };
		} catch (again) {
			return { scorer: null, reason: `instantiation failed (${String(again)})` };
		}
	}
}

/**
 * The WASM scorer of the `fp16` storage format: it keeps each document as IEEE halves (2 bytes per
 * value; `add` takes float documents and rounds them) and widens them in the kernel (`score_f16`), so
 * its scores are MaxSim of the fp16-decoded vectors. Undefined when that kernel is not the one to
 * use (`js` or `webgpu` asked for, or no WASM SIMD here): the caller then decodes the vectors and
 * scores them with `createMaxSimScorer`, whose memory holds float32. No `FallbackScorer` around it:
 * that keeps every added float document to re-add them, which would undo the halving.
 * @example const half = await createHalfScorer({ dim: 96 }); half?.scorer.backend // 'wasm'
 */
export async function createHalfScorer(options: Omit<MaxSimScorerOptions, 'quantized'>): Promise<MaxSimSelection | undefined> {
	const wanted = options.backend ?? 'auto';
	if (wanted !== 'auto' && wanted !== 'wasm') return undefined;
	checkDim(options.dim);
	const warnings: string[] = [];
	const wasm = await tryWasm({ ...options, quantized: false, storage: 'fp16' }, warnings);
	if (!wasm.scorer) return undefined;
	return { scorer: wasm.scorer, choice: { backend: 'wasm', reason: `wasm: ${wasm.reason}` }, warnings };
}

/**
 * Creates a MaxSim scorer on the requested (or fastest available) backend.
 * Throws `UNKNOWN_OPTION` for an unknown backend name, `BAD_ARGUMENT` for a bad `dim`.
 * @example
 * const { scorer, choice } = await createMaxSimScorer({ dim: 128 });
 * choice // { backend: 'wasm', reason: 'wasm: SIMD128 (...), 2 threads (Node worker_threads); webgpu: no WebGPU adapter' }
 */
export async function createMaxSimScorer(options: MaxSimScorerOptions): Promise<MaxSimSelection> {
	const wanted = options.backend ?? 'auto';
	if (!(MAXSIM_BACKENDS as readonly string[]).includes(wanted)) {
		throw createError('UNKNOWN_OPTION', { what: 'MaxSim backend', value: wanted, expected: MAXSIM_BACKENDS.join(', ') });
	}
	checkDim(options.dim);
	const warnings: string[] = [];
	const warn = (message: string) => warnings.push(message);
	const notes: string[] = [];
	const fallbackToJs = async () => new JsMaxSimScorer(options.dim) as MaxSimScorer;

	if (wanted === 'webgpu' || wanted === 'auto') {
		const gpu = await tryWebGpu(options.dim, wanted === 'webgpu');
		if (gpu.scorer) {
			if (options.quantized) warnings.push('quantized screening is WASM-only; webgpu scores exactly');
			const afterGpu = async () => (await tryWasm({ ...options, quantized: false }, warnings)).scorer ?? fallbackToJs();
			const scorer = new FallbackScorer(gpu.scorer, afterGpu, warn, options.reread);
			return { scorer, choice: { backend: 'webgpu', reason: [`webgpu: ${gpu.reason}`, ...notes].join('; ') }, warnings };
		}
		if (wanted === 'webgpu') warnings.push(`webgpu unavailable (${gpu.reason}); falling back`);
		notes.push(`webgpu: ${gpu.reason}`);
	}
	if (wanted !== 'js') {
		const wasm = await tryWasm(options, warnings);
		if (wasm.scorer) {
			const scorer = new FallbackScorer(wasm.scorer, fallbackToJs, warn, options.reread);
			return { scorer, choice: { backend: 'wasm', reason: [`wasm: ${wasm.reason}`, ...notes].join('; ') }, warnings };
		}
		if (wanted === 'wasm' || wanted === 'webgpu') warnings.push(`wasm unavailable (${wasm.reason}); using js`);
		notes.push(`wasm: ${wasm.reason}`);
	}
	if (options.quantized) warnings.push('quantized screening is WASM-only; js scores exactly');
	const reason = wanted === 'js' ? 'js: requested' : ['js: fallback', ...notes].join('; ');
	return { scorer: new JsMaxSimScorer(options.dim), choice: { backend: 'js', reason }, warnings };
}
