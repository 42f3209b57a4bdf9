/**
 * Node services for the neural pipelines in the CLI: the on-disk encoded-corpus cache
 * (`$LATELAB_CACHE/encoded`, else `~/.cache/latelab/encoded`; `LATELAB_NO_CACHE=1` turns it off; read from the command's environment by `cliPipelineOptions`) and
 * `--model` resolution that checks the file system (an existing folder is a local model, whatever
 * its name looks like; anything else is a Hub id).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { crc32 } from '../lib/engine/index/checksum';
import type { ModelRef } from '../lib/engine/encoders/encoder';
import { modelRefFromSpec, type NeuralDeps, type NeuralPipelineOptions } from '../lib/engine/pipelines/neural-context';
import { NodeDiskStore, defaultStoreRoot } from '../lib/engine/store/node-disk-store';
import { NodeFileFp32Store } from '../lib/engine/store/node-fp32-vector-store';

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
		resolveModel: (spec) => resolveCliModel(spec),
		// --opt rescore: the exact fp32 vectors wait in a temporary file, not in the scoring memory.
		fp32Store: () => new NodeFileFp32Store(),
		modelStamp: (ref) => (ref.localDir ? folderStamp(resolve(ref.localDir)) : undefined)
	};
}

/**
 * CRC-32 (hex) over the relative path, size and modification time of every file under `dir`: changes
 * when any model file is replaced, so the encoded-corpus cache never serves vectors of an older model.
 * @example folderStamp('/models/tiny-colbert') // 'a1b2c3d4'
 */
export function folderStamp(dir: string): string {
	const parts: string[] = [];
	const walk = (at: string) => {
		for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
			const full = join(at, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile()) {
				const info = statSync(full);
				parts.push(`${relative(dir, full)}:${info.size}:${Math.round(info.mtimeMs)}`);
			}
		}
	};
	walk(dir);
	return crc32(new TextEncoder().encode(parts.join('\n'))).toString(16).padStart(8, '0');
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
