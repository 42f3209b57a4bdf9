/**
 * The MaxSim backends a caller may ask for, in one list: `createMaxSimScorer` (`select.ts`) checks
 * against it, the panel schema's `kernel` option (`engine/panels/schema.ts`) offers it, and
 * `--opt maxsimBackend` accepts it. Dependency-free on purpose: the page imports it through the schema.
 * @example MAXSIM_BACKENDS.includes('wasm') // true
 */
export const MAXSIM_BACKENDS = ['auto', 'js', 'wasm', 'webgpu'] as const;

/** A backend request: `auto` (the fastest available) or one backend by name. */
export type MaxSimBackendChoice = (typeof MAXSIM_BACKENDS)[number];

/** Names of the MaxSim implementations (what `auto` resolves to). */
export type MaxSimBackendName = Exclude<MaxSimBackendChoice, 'auto'>;

/**
 * The backends by name, in `MAXSIM_BACKENDS` order: what the Kernels page benchmarks one by one.
 * @example NAMED_BACKENDS // ['js', 'wasm', 'webgpu']
 */
export const NAMED_BACKENDS: readonly MaxSimBackendName[] = MAXSIM_BACKENDS.filter((b): b is MaxSimBackendName => b !== 'auto');

/** A request to a scorer that has no WebGPU path: `auto` or a CPU backend. */
export type CpuBackendChoice = Exclude<MaxSimBackendChoice, 'webgpu'>;

/**
 * What the scorers without a WebGPU path accept (`storage-scorer.ts`, `score-docs.ts`), in
 * `MAXSIM_BACKENDS` order.
 * @example CPU_BACKENDS // ['auto', 'js', 'wasm']
 */
export const CPU_BACKENDS: readonly CpuBackendChoice[] = MAXSIM_BACKENDS.filter((b): b is CpuBackendChoice => b !== 'webgpu');
