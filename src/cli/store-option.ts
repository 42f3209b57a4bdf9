/**
 * `--store lancedb:<dir-or-uri>` for `index build`, `search` and `eval`: parsed, a local folder resolved
 * against the command's cwd, and (for writing) checked before any work so a store that cannot be written
 * fails at once with one line and nothing changed.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createError } from '../lib/engine/errors';
import { parseStoreSpec, type StoreSpec } from '../lib/engine/engines/store-spec';
import type { PipelineOptions } from '../lib/engine/pipelines/registry';
import { pipelineFromArgs, type OptionSpec, type Values } from './args';

export const STORE_OPTIONS = { store: { type: 'string' } } as const satisfies OptionSpec;

/** The `--help` line of `--store` for search and eval. */
export const STORE_OPTION_HELP = [
	'  --store lancedb:<dir>  query a store written by latelab index build (pipeline lancedb), --opt mode=',
	'                         exhaustive (default: MaxSim over every row, scores as the colbert pipeline),',
	'                         ann (the IVF_PQ index; --opt nprobes=<n>, --opt refine=<r>; unrefined scores are',
	'                         PQ estimates, not MaxSim) or two-phase (pooled-vector search, MaxSim on --depth)'
].join('\n');

/** `--store` parsed, a local path made absolute against `cwd`. @example storeFromArgs({ store: 'lancedb:s' }, '/w') // { engine: 'lancedb', uri: '/w/s', local: true } */
export function storeFromArgs(values: Values, cwd: string): StoreSpec | undefined {
	if (typeof values.store !== 'string') return undefined;
	const spec = parseStoreSpec(values.store);
	return spec.local ? { ...spec, uri: resolve(cwd, spec.uri) } : spec;
}

/**
 * The pipeline of search and eval: `pipelineFromArgs`, except that with `--store` it is `lancedb` (from
 * no `--pipeline`, `colbert` or `lancedb`; any other is an error, and a plain `--model` is the ColBERT
 * model) with `options.store` the resolved `lancedb:<uri>`. A local store that does not exist is an
 * error here, before LanceDB would create an empty folder for it.
 * @example pipelineOrStore({ store: 'lancedb:s' }, '/w') // { name: 'lancedb', options: { store: 'lancedb:/w/s' } }
 */
export function pipelineOrStore(values: Values, cwd: string): { name: string; options: PipelineOptions } {
	const spec = storeFromArgs(values, cwd);
	if (!spec) return pipelineFromArgs(values);
	const given = typeof values.pipeline === 'string' ? values.pipeline : undefined;
	if (given !== undefined && given !== 'colbert' && given !== 'lancedb') {
		throw createError('BAD_ARGUMENT', { detail: `--store serves late interaction only: use it with --pipeline colbert (or no --pipeline), not "${given}"` });
	}
	if (spec.local && !existsSync(spec.uri)) {
		throw createError('BAD_ARGUMENT', { detail: `no latelab store in ${spec.uri} (no such folder); build one with latelab index build ... --store lancedb:${spec.uri}` });
	}
	const { name, options } = pipelineFromArgs({ ...values, pipeline: 'lancedb' });
	return { name, options: { ...options, store: `lancedb:${spec.uri}` } };
}

/**
 * Throws a one-line `BAD_ARGUMENT` unless a store (or another output folder, `what`) can be written at
 * the local folder `dir`: it is a folder (or does not exist yet) and its nearest existing ancestor is a
 * writable folder. Checks only; creates nothing.
 * @example assertWritableStore('/read-only/stores/x') // throws "cannot write store /read-only/stores/x: ..."
 */
export function assertWritableStore(dir: string, what = 'store'): void {
	const fail = (reason: string) => createError('BAD_ARGUMENT', { detail: `cannot write ${what} ${dir}: ${reason}` });
	let at = dir;
	for (;;) {
		let info;
		try {
			info = statSync(at);
		} catch (cause) {
			const code = (cause as { code?: string }).code;
			// Missing, or under a file (ENOTDIR): look at the parent, which names the file.
			if (code === 'ENOENT' || code === 'ENOTDIR') {
				const parent = dirname(at);
				if (parent === at) throw fail('no existing parent folder');
				at = parent;
				continue;
			}
			throw fail(`${at}: ${code ?? String(cause)}`);
		}
		if (!info.isDirectory()) throw fail(at === dir ? 'it is a file, not a folder' : `${at} is a file, not a folder`);
		try {
			accessSync(at, constants.W_OK);
		} catch (cause) {
			throw fail(`${at} is not writable (${(cause as { code?: string }).code ?? 'EACCES'})`);
		}
		return;
	}
}
