/**
 * Node services for the neural pipelines in the CLI: the on-disk encoded-corpus cache
 * (`$LATELAB_CACHE/encoded`, else `~/.cache/latelab/encoded`; `LATELAB_NO_CACHE=1` turns it off; read from the command's environment by `cliPipelineOptions`) and
 * `--model` resolution that checks the file system (an existing folder is a local model, whatever
 * its name looks like; anything else is a Hub id).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelRef } from '../lib/engine/encoders/encoder';
import { modelRefFromSpec, type NeuralDeps, type NeuralPipelineOptions } from '../lib/engine/pipelines/neural-context';
import { NodeDiskStore, defaultStoreRoot } from '../lib/engine/store/node-disk-store';

/** A `--model` value as a ref: an existing folder (relative to `cwd`) is local. */
export function resolveCliModel(spec: string, cwd: string = process.cwd()): ModelRef {
	const full = resolve(cwd, spec);
	const isDir = (() => {
		try {
			return statSync(full).isDirectory();
		} catch {
			return false;
		}
	})();
	return isDir ? { id: full, localDir: full } : modelRefFromSpec(spec);
}

/** The deps the CLI registers its neural pipelines with: a disk store at `options.cacheDir`. */
export function cliNeuralDeps(): NeuralDeps {
	const stores = new Map<string, NodeDiskStore>();
	return {
		store: (options) => {
			const root = options.cacheDir ?? defaultStoreRoot();
			if (!stores.has(root)) stores.set(root, new NodeDiskStore(root));
			return stores.get(root);
		},
		resolveModel: (spec) => resolveCliModel(spec)
	};
}

/**
 * The command's environment applied to pipeline options: the cache folder from `LATELAB_CACHE` /
 * `XDG_CACHE_HOME`, and `LATELAB_NO_CACHE=1` to skip it. Explicit `--opt cacheDir=... / cache=false` win.
 * @example cliPipelineOptions({ depth: 50 }, { LATELAB_CACHE: '/tmp/c' }) // { cacheDir: '/tmp/c/encoded', depth: 50 }
 */
export function cliPipelineOptions(options: NeuralPipelineOptions, env: Record<string, string | undefined>): NeuralPipelineOptions {
	const off = Boolean(env.LATELAB_NO_CACHE) && env.LATELAB_NO_CACHE !== '0';
	return { cacheDir: defaultStoreRoot(env), ...(off ? { cache: false } : {}), ...options };
}
