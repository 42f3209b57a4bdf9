import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadCorpusFromPath } from '../../lib/engine/corpus/node-files';
import { isMultiVectorFolder, loadMultiVectorFolderFromDisk } from '../../lib/engine/corpus/node-multivector-folder';
import { isMultiVectorCorpus } from '../../lib/engine/corpus/multivector-folder';
import { createError } from '../../lib/engine/errors';
import { createPipeline, type Pipeline, type PipelineOptions } from '../../lib/engine/pipelines/registry';
import type { Corpus } from '../../lib/engine/types';
import type { CliIo } from '../io';
import { withInterrupt } from '../interrupt';
import { cliPipelineOptions } from '../neural-deps';
import { checkVectorsFolderOptions } from '../pipeline-options';
import { createProgress, type ProgressReporter } from '../progress';

/** What every command gets: where to print, and whether to stay quiet on stderr. */
export interface CommandContext {
	io: CliIo;
	quiet: boolean;
	progress: ProgressReporter;
}

export function commandContext(io: CliIo, quiet: boolean): CommandContext {
	return { io, quiet, progress: createProgress(io.stderr, { quiet }) };
}

/** One line on stderr, unless `--quiet`. */
export function warn(ctx: CommandContext, message: string): void {
	if (!ctx.quiet) ctx.io.stderr.write(`latelab: warning: ${message}\n`);
}

/** One line of information on stderr (not a problem: no "warning:"), unless `--quiet`; ends a progress line first. */
export function inform(ctx: CommandContext, message: string): void {
	ctx.progress.finish();
	if (!ctx.quiet) ctx.io.stderr.write(`latelab: ${message}\n`);
}

/** Loads a BEIR folder, a vectors folder (manifest.json) or a documents file, with progress, and prints its warnings. Returns the load time. */
export async function loadData(
	ctx: CommandContext,
	path: string,
	options: { split?: string; requireBeir?: boolean; duplicateIds: 'keep-first' | 'error' }
): Promise<{ corpus: Corpus; loadMs: number }> {
	const started = performance.now();
	const full = resolve(ctx.io.cwd, path);
	// A vectors folder (manifest.json): precomputed multi-vectors; its corpus carries them to the ColBERT pipelines.
	if (await isMultiVectorFolder(full)) {
		const collection = await loadMultiVectorFolderFromDisk(full, { split: options.split });
		for (const w of collection.corpus.warnings) warn(ctx, w);
		return { corpus: collection.corpus, loadMs: performance.now() - started };
	}
	const corpus = await loadCorpusFromPath(full, {
		split: options.split,
		format: options.requireBeir ? 'beir' : undefined,
		duplicateIds: options.duplicateIds,
		onProgress: (p) => ctx.progress.update({ stage: 'load', done: p.bytes, total: p.totalBytes, unit: 'bytes' })
	});
	ctx.progress.finish();
	for (const w of corpus.warnings) warn(ctx, w);
	return { corpus, loadMs: performance.now() - started };
}

/** Builds the pipeline with progress; the build time and its stages. */
export async function buildPipeline(
	ctx: CommandContext,
	name: string,
	options: PipelineOptions,
	corpus: Corpus
): Promise<{ pipeline: Pipeline; indexMs: number; stages: Record<string, number> }> {
	checkVectorsFolderOptions(name, options, isMultiVectorCorpus(corpus));
	const started = performance.now();
	const pipeline = await withInterrupt(ctx.io.stderr, (signal) => createPipeline(name, {
		corpus,
		options: cliPipelineOptions(options, ctx.io.env),
		signal,
		onProgress: (p) => ctx.progress.update(p),
		onWarning: (message) => {
			ctx.progress.finish();
			warn(ctx, message);
		},
		onInfo: (message) => inform(ctx, message)
	}));
	const indexMs = performance.now() - started;
	ctx.progress.finish();
	// ColBERT pipelines say which MaxSim kernel runs and why (webgpu > wasm > js).
	const kernel = kernelOf(pipeline);
	if (kernel && !ctx.quiet) ctx.io.stderr.write(`latelab: MaxSim kernel ${kernel.backend} (${kernel.reason})\n`);
	const stages: Record<string, number> = {};
	for (const t of pipeline.buildTimings ?? []) stages[t.stage] = (stages[t.stage] ?? 0) + t.ms;
	return { pipeline, indexMs, stages };
}

/** The MaxSim kernel a pipeline or search result reports. */
export interface KernelReport {
	backend: string;
	reason: string;
}

/**
 * The `kernel` a ColBERT pipeline (or its search result) reports, as `{ backend, reason }`; undefined
 * for pipelines without one. Pipelines are typed by the registry's `Pipeline`, which has no kernel,
 * so the field is checked rather than assumed.
 * @example kernelOf({ kernel: { backend: 'wasm', reason: 'SIMD128, 2 threads' } }) // { backend: 'wasm', reason: 'SIMD128, 2 threads' }
 */
export function kernelOf(value: object): KernelReport | undefined {
	const kernel: unknown = 'kernel' in value ? value.kernel : undefined;
	if (typeof kernel !== 'object' || kernel === null || !('backend' in kernel) || !('reason' in kernel)) return undefined;
	const { backend, reason } = kernel;
	return typeof backend === 'string' && typeof reason === 'string' ? { backend, reason } : undefined;
}

/** Writes a file the user asked for; failures become one-line `BAD_ARGUMENT`s naming the path. */
export async function writeUserFile(ctx: CommandContext, path: string, text: string, what: string): Promise<string> {
	const full = resolve(ctx.io.cwd, path);
	try {
		await writeFile(full, text);
	} catch (cause) {
		throw createError('BAD_ARGUMENT', { detail: `cannot write ${what} ${full}: ${writeFailure(cause)}` }, {}, cause);
	}
	return full;
}

/** A file system error as a sentence fragment (`ENOENT` alone says little to a user). */
function writeFailure(cause: unknown): string {
	const code = (cause as { code?: string }).code;
	const reasons: Record<string, string> = {
		ENOENT: 'its folder does not exist',
		ENOTDIR: 'a part of its path is a file, not a folder',
		EISDIR: 'it is a folder',
		EACCES: 'permission denied',
		EPERM: 'permission denied',
		EROFS: 'the file system is read-only',
		ENOSPC: 'the disk is full'
	};
	return (code && reasons[code] ? `${reasons[code]} (${code})` : undefined) ?? code ?? (cause instanceof Error ? cause.message : String(cause));
}

/**
 * Checks, before any work, that `path` could be written by `writeUserFile`: its folder exists and it is
 * not itself a folder (so a long eval does not end by discarding its results over a typo).
 */
export async function checkWritableFile(ctx: CommandContext, path: string, what: string): Promise<void> {
	const full = resolve(ctx.io.cwd, path);
	const folder = await stat(dirname(full)).catch((cause: unknown) => {
		throw createError('BAD_ARGUMENT', { detail: `cannot write ${what} ${full}: ${writeFailure(cause)}` }, {}, cause);
	});
	if (!folder.isDirectory()) throw createError('BAD_ARGUMENT', { detail: `cannot write ${what} ${full}: ${dirname(full)} is a file, not a folder` });
	const existing = await stat(full).catch(() => undefined);
	if (existing?.isDirectory()) throw createError('BAD_ARGUMENT', { detail: `cannot write ${what} ${full}: it is a folder` });
}

/** JSON for stdout: NaN and infinities (impossible p-values, t with zero variance) become null. */
export function toJson(value: unknown): string {
	return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/** Milliseconds with one decimal, for JSON. */
export function ms(value: number): number {
	return Math.round(value * 10) / 10;
}

/** Every value of a per-stage record in milliseconds with one decimal, for JSON. */
export function msAll(record: Record<string, number>): Record<string, number> {
	return Object.fromEntries(Object.entries(record).map(([key, v]) => [key, ms(v)]));
}

/** Text from user data made safe for a terminal: control characters (escape sequences) become spaces. */
export function printable(text: string): string {
	return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** A metric value for a table: 4 decimals. */
export function fixed4(value: number): string {
	return Number.isFinite(value) ? value.toFixed(4) : 'n/a';
}

/** Left-aligned columns separated by two spaces; numeric columns (per `numeric`) right-aligned; each line after `indent`. */
export function table(rows: string[][], numeric: boolean[], indent = ''): string {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
	return rows
		.map((r) =>
			r
				.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : c === r.length - 1 ? cell : cell.padEnd(widths[c])))
				.join('  ')
				.trimEnd()
		)
		.map((line) => indent + line)
		.join('\n') + '\n';
}
