/**
 * Node services for the neural pipelines in the CLI: the on-disk encoded-corpus cache
 * (`$LATELAB_CACHE/encoded`, else `~/.cache/latelab/encoded`; `LATELAB_NO_CACHE=1` turns it off) and
 * `--model` resolution that checks the file system (an existing folder is a local model, whatever
 * its name looks like; anything else is a Hub id).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelRef } from '../lib/engine/encoders/encoder';
import { modelRefFromSpec, type NeuralDeps } from '../lib/engine/pipelines/neural-context';
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

/** The deps the CLI registers its neural pipelines with. */
export function cliNeuralDeps(env: Record<string, string | undefined> = process.env): NeuralDeps {
	const off = env.LATELAB_NO_CACHE && env.LATELAB_NO_CACHE !== '0';
	return {
		...(off ? {} : { store: new NodeDiskStore(defaultStoreRoot(env)) }),
		resolveModel: (spec) => resolveCliModel(spec)
	};
}
