/**
 * All feature detection of the engine, in one place (after onnxruntime-web's `wasm-factory.ts`):
 * tiny WebAssembly modules are validated to learn what the runtime supports, so callers can pick a
 * backend and say why. Detection has no side effects and caches nothing; every probe is cheap.
 *
 * @example
 * const caps = await detectMaxSimCapabilities();
 * // { wasm: true, simd: true, relaxedSimd: false, threads: true, threadsReason: 'Node worker_threads', hardwareConcurrency: 2, ... }
 */

/** `(module (func (result v128) (i32x4.splat (i32.const 0))))`: SIMD128. */
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11];

/** `(module (func (result v128) (f32x4.relaxed_madd (v128.const ...) x3)))`: relaxed SIMD. */
const RELAXED_PROBE = [
	0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
	...[0, 1, 2].flatMap(() => [253, 12, ...new Array<number>(16).fill(0)]),
	253, 133, 2, 11
];

/** `(module (memory 1 1 shared))`: threads proposal (shared memories). */
const SHARED_MEMORY_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1];

function validates(bytes: number[]): boolean {
	try {
		return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
	} catch {
		return false;
	}
}

/** True under Node.js (also when running a notebook kernel or the CLI), false in browsers and their workers. */
export function isNodeRuntime(): boolean {
	const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
	return typeof proc?.versions?.node === 'string';
}

/** True when WebAssembly with fixed-width SIMD (SIMD128) is available. */
export function wasmSimdSupported(): boolean {
	return validates(SIMD_PROBE);
}

/**
 * True when relaxed SIMD (`f32x4.relaxed_madd`) validates. Node 20 needs
 * `--experimental-wasm-relaxed-simd`; Chrome >= 114 and Node >= 22 have it by default.
 */
export function relaxedSimdSupported(): boolean {
	return validates(RELAXED_PROBE);
}

/** Whether worker threads can share one WebAssembly memory here, and why (not). */
export function sharedWasmThreads(): { available: boolean; reason: string } {
	if (!validates(SHARED_MEMORY_PROBE)) return { available: false, reason: 'WebAssembly threads (shared memory) unsupported' };
	if (typeof SharedArrayBuffer !== 'function') {
		return { available: false, reason: 'SharedArrayBuffer missing (page not cross-origin isolated)' };
	}
	if (isNodeRuntime()) return { available: true, reason: 'Node worker_threads' };
	const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
	if (scope.crossOriginIsolated !== true) {
		return { available: false, reason: 'page not cross-origin isolated (needs COOP/COEP headers)' };
	}
	if (typeof scope.Worker !== 'function') return { available: false, reason: 'Worker unavailable in this context' };
	return { available: true, reason: 'cross-origin isolated, Web Workers' };
}

/** Logical CPU cores: `navigator.hardwareConcurrency`, or `os.availableParallelism()` under Node 20. */
export async function hardwareConcurrency(): Promise<number> {
	const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
	if (typeof nav?.hardwareConcurrency === 'number' && nav.hardwareConcurrency > 0) return nav.hardwareConcurrency;
	if (isNodeRuntime()) {
		const { nodeCpuCount } = await import('./capabilities-node');
		return nodeCpuCount();
	}
	return 1;
}

/** What the MaxSim backends can use in this runtime. */
export interface MaxSimCapabilities {
	wasm: boolean;
	simd: boolean;
	relaxedSimd: boolean;
	threads: boolean;
	threadsReason: string;
	hardwareConcurrency: number;
}

/** Probes everything the WASM MaxSim backend needs. WebGPU is probed by `maxsim/webgpu`. */
export async function detectMaxSimCapabilities(): Promise<MaxSimCapabilities> {
	const threads = sharedWasmThreads();
	return {
		wasm: typeof WebAssembly === 'object',
		simd: wasmSimdSupported(),
		relaxedSimd: relaxedSimdSupported(),
		threads: threads.available,
		threadsReason: threads.reason,
		hardwareConcurrency: await hardwareConcurrency()
	};
}
