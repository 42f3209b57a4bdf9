/**
 * The candidate pipelines' options, read from `PipelineOptions` (the CLI's `--opt key=value`, numbers
 * already parsed) under their reference names (`k_sim`, `dim_proj`, `r_reps`, as fastembed) or camelCase,
 * validated with `BAD_ARGUMENT` errors that state the allowed range.
 */
import { createError } from '../errors';
import type { PipelineOptions } from '../pipelines/registry';
import { MUVERA_DEFAULTS, type MuveraOptions } from './muvera';

/** The value of option `names[0]` (or one of its aliases), undefined when absent. */
function read(options: PipelineOptions, names: readonly string[]): unknown {
	for (const name of names) if (options[name] !== undefined) return options[name];
	return undefined;
}

/** An integer option in [lo, hi], or `fallback` when absent. */
export function intOption(options: PipelineOptions, names: readonly string[], lo: number, hi: number, fallback?: number): number | undefined {
	const raw = read(options, names);
	if (raw === undefined) return fallback;
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
		const range = hi === Infinity ? `an integer >= ${lo}` : `an integer in ${lo}..${hi}`;
		throw createError('BAD_ARGUMENT', { detail: `option ${names[0]} must be ${range}, got ${String(raw)}` });
	}
	return value;
}

/** A positive finite number option, or undefined when absent. */
function positiveOption(options: PipelineOptions, names: readonly string[]): number | undefined {
	const value = numberOption(options, names);
	if (value !== undefined && !(value > 0)) throw createError('BAD_ARGUMENT', { detail: `option ${names[0]} must be a positive number, got ${String(value)}` });
	return value;
}

/** A finite number option, or undefined when absent. */
export function numberOption(options: PipelineOptions, names: readonly string[]): number | undefined {
	const raw = read(options, names);
	if (raw === undefined) return undefined;
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value)) throw createError('BAD_ARGUMENT', { detail: `option ${names[0]} must be a finite number, got ${String(raw)}` });
	return value;
}

/** One of `allowed`, or `fallback` when absent. */
export function choiceOption<T extends string>(options: PipelineOptions, names: readonly string[], allowed: readonly T[], fallback: T): T {
	const raw = read(options, names);
	if (raw === undefined) return fallback;
	if (!(allowed as readonly unknown[]).includes(raw)) throw createError('UNKNOWN_OPTION', { what: `${names[0]} value`, value: String(raw), expected: allowed.join(', ') });
	return raw as T;
}

/**
 * MUVERA's settings for `dim`-wide vectors: `k_sim` 1..10 (default 5), `dim_proj` 1..dim (default 16,
 * or dim when smaller), `r_reps` 1..256 (default 20), `seed` (default 42).
 * @example muveraOptionsOf({ k_sim: 4 }, 96) // { kSim: 4, dimProj: 16, rReps: 20, seed: 42 }
 */
export function muveraOptionsOf(options: PipelineOptions, dim: number): Required<MuveraOptions> {
	return {
		kSim: intOption(options, ['k_sim', 'kSim'], 1, 10, MUVERA_DEFAULTS.kSim)!,
		dimProj: intOption(options, ['dim_proj', 'dimProj'], 1, dim, Math.min(dim, MUVERA_DEFAULTS.dimProj))!,
		rReps: intOption(options, ['r_reps', 'rReps'], 1, 256, MUVERA_DEFAULTS.rReps)!,
		seed: intOption(options, ['seed'], 0, 2 ** 32 - 1, MUVERA_DEFAULTS.seed)!
	};
}

/** PLAID's build settings (search settings are read per search, see `plaidSearchOptionsOf`). */
export interface PlaidBuildOptions {
	bits: 1 | 2;
	/** Centroid count; undefined (or `'auto'`): ColBERTv2's `2^floor(log2(16 sqrt(vectors)))`, capped by `centroidBudget`. */
	centroids?: number;
	/** With `centroids` auto: at most this many multiply-adds of nearest-centroid search (`centroidCountWithin`); undefined: no cap (the CLI). */
	centroidBudget?: number;
	/** Vectors k-means trains on (undefined: its default). */
	sample?: number;
	iterations?: number;
	seed: number;
	/** Stage 4 on decoded residuals (default) or on the exact fp32 vectors. */
	rerank: 'residual' | 'exact';
}

/** @example plaidBuildOptionsOf({ bits: 1 }) // { bits: 1, seed: 123, rerank: 'residual', ... } */
export function plaidBuildOptionsOf(options: PipelineOptions): PlaidBuildOptions {
	return {
		bits: intOption(options, ['bits'], 1, 2, 2) as 1 | 2,
		centroids: options.centroids === 'auto' ? undefined : intOption(options, ['centroids'], 1, 2 ** 20),
		centroidBudget: positiveOption(options, ['centroidBudget']),
		sample: intOption(options, ['sample'], 1, Infinity),
		iterations: intOption(options, ['iterations'], 0, 100),
		seed: intOption(options, ['seed'], 0, 2 ** 32 - 1, 123)!,
		rerank: choiceOption(options, ['rerank'], ['residual', 'exact'] as const, 'residual')
	};
}

/**
 * PLAID's search settings given explicitly (the rest come from `plaidDefaults(k)` per search):
 * `nprobe` 1..centroids, `ndocs` >= 4 (stage 3 keeps ndocs / 4), `threshold` any finite number.
 */
export function plaidSearchOptionsOf(options: PipelineOptions, centroids: number): { nprobe?: number; ndocs?: number; threshold?: number } {
	const out: { nprobe?: number; ndocs?: number; threshold?: number } = {};
	const nprobe = intOption(options, ['nprobe', 'ncells'], 1, centroids);
	const ndocs = intOption(options, ['ndocs'], 4, Infinity);
	const threshold = numberOption(options, ['threshold', 'centroid_score_threshold']);
	if (nprobe !== undefined) out.nprobe = nprobe;
	if (ndocs !== undefined) out.ndocs = ndocs;
	if (threshold !== undefined) out.threshold = threshold;
	return out;
}
