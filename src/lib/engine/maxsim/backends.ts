/**
 * The MaxSim backends a caller may ask for, in one list: `createMaxSimScorer` (`select.ts`) checks
 * against it, the panel schema's `kernel` option (`engine/panels/schema.ts`) offers it, and
 * `--opt maxsimBackend` accepts it. Dependency-free on purpose: the page imports it through the schema.
 * @example MAXSIM_BACKENDS.includes('wasm') // true
 */
export const MAXSIM_BACKENDS = ['auto', 'js', 'wasm', 'webgpu'] as const;

/** A backend request: `auto` (the fastest available) or one backend by name. */
export type MaxSimBackendChoice = (typeof MAXSIM_BACKENDS)[number];
