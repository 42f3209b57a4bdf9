import { readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createError } from '../../lib/engine/errors';
import { clearDiskCache, listDiskEntries, pruneDiskCache, type DiskEntry } from '../../lib/engine/store/disk-budget';
import { defaultStoreRoot } from '../../lib/engine/store/node-disk-store';
import { cacheBudget, formatSize, parseSize } from '../../lib/engine/store/size';
import { COMMON_OPTIONS, parseCommand } from '../args';
import type { CliIo } from '../io';
import { table, toJson } from './shared';

export const CACHE_HELP = `Usage: latelab cache <list|prune|clear> [options]

The on-disk caches: encoded corpora and indexes ($LATELAB_CACHE/encoded, else
$XDG_CACHE_HOME/latelab/encoded, else ~/.cache/latelab/encoded), kept within LATELAB_CACHE_MAX
(default 2GB; e.g. 500MB, 2G, 1.5GiB) by removing least-recently-used entries, and downloaded model
files ($LATELAB_MODEL_CACHE, else transformers.js' own .cache folder). Entries in use by a running
latelab process are never removed.

  latelab cache list [--json]                  entries: model, corpus, format, size, last used; totals
  latelab cache prune [--max <size>] [--json]  remove least-recently-used entries above <size> (default the budget)
  latelab cache clear [--models] [--corpora]   remove model files and/or encoded corpora (default both)

Options:
  --json                 print one JSON object
  --quiet, -q            nothing on stderr
`;

const OPTIONS = { ...COMMON_OPTIONS, max: { type: 'string' }, models: { type: 'boolean' }, corpora: { type: 'boolean' } } as const;

/** Where transformers.js keeps downloads in Node: `$LATELAB_MODEL_CACHE`, else `<its package>/.cache`. */
export function modelCacheRoot(env: Record<string, string | undefined>): string | null {
	if (env.LATELAB_MODEL_CACHE) return resolve(env.LATELAB_MODEL_CACHE);
	try {
		// Its env.js: path.join(dirname(dirname(<dist file>)), '.cache').
		return join(dirname(dirname(createRequire(import.meta.url).resolve('@huggingface/transformers'))), '.cache');
	} catch {
		return null;
	}
}

/** Bytes of every file under `dir` (0 when absent). */
async function treeBytes(dir: string): Promise<number> {
	const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
	let sum = 0;
	for (const e of entries) {
		const full = join(dir, e.name);
		if (e.isDirectory()) sum += await treeBytes(full);
		else if (e.isFile()) sum += (await stat(full).catch(() => ({ size: 0 }))).size;
	}
	return sum;
}

/** Models in the download cache (`<org>/<name>` folders) with their sizes, largest first. */
async function modelEntries(root: string | null): Promise<{ id: string; bytes: number }[]> {
	if (!root) return [];
	const out: { id: string; bytes: number }[] = [];
	for (const org of await readdir(root, { withFileTypes: true }).catch(() => [])) {
		if (!org.isDirectory()) continue;
		for (const name of await readdir(join(root, org.name), { withFileTypes: true }).catch(() => [])) {
			if (name.isDirectory()) out.push({ id: `${org.name}/${name.name}`, bytes: await treeBytes(join(root, org.name, name.name)) });
		}
	}
	return out.sort((a, b) => b.bytes - a.bytes);
}

const entryJson = (e: DiskEntry) => ({ name: e.name, folder: e.folder, kind: e.kind, model: e.model, corpus: e.corpus, format: e.format, bytes: e.bytes, lastUsed: new Date(e.lastUsed).toISOString(), inUseBy: e.usedBy });
const shortName = (e: DiskEntry) => `${e.kind}-${e.name.split('__').pop()}`;
const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** `latelab cache list|prune|clear`. */
export async function cacheCommand(args: string[], io: CliIo): Promise<number> {
	const [sub, ...rest] = args;
	if (sub === '--help' || sub === '-h' || sub === undefined) {
		if (sub === undefined) throw createError('BAD_ARGUMENT', { detail: 'cache: name a subcommand: list, prune or clear; see latelab cache --help' });
		io.stdout.write(CACHE_HELP);
		return 0;
	}
	if (sub !== 'list' && sub !== 'prune' && sub !== 'clear') throw createError('UNKNOWN_OPTION', { what: 'cache subcommand', value: sub, expected: 'list, prune, clear' });
	const { values } = parseCommand(`latelab cache ${sub}`, rest, OPTIONS, 0);
	if (values.help) {
		io.stdout.write(CACHE_HELP);
		return 0;
	}
	const json = values.json === true;
	const root = defaultStoreRoot(io.env);
	const budget = cacheBudget(io.env);
	if (sub !== 'prune' && values.max !== undefined) throw createError('BAD_ARGUMENT', { detail: `cache ${sub}: --max belongs to cache prune` });
	if (sub !== 'clear' && (values.models !== undefined || values.corpora !== undefined)) {
		throw createError('BAD_ARGUMENT', { detail: `cache ${sub}: --models and --corpora belong to cache clear` });
	}

	if (sub === 'list') {
		const entries = await listDiskEntries(root);
		const total = entries.reduce((s, e) => s + e.bytes, 0);
		const modelsRoot = modelCacheRoot(io.env);
		const models = await modelEntries(modelsRoot);
		const modelBytes = models.reduce((s, m) => s + m.bytes, 0);
		if (json) {
			io.stdout.write(toJson({ root, budget, total, entries: entries.map(entryJson), models: { dir: modelsRoot, bytes: modelBytes, entries: models } }));
			return 0;
		}
		io.stdout.write(`encoded corpora and indexes in ${root} (budget ${formatSize(budget)}, LATELAB_CACHE_MAX)\n`);
		if (entries.length > 0) {
			const rows = [['entry', 'model', 'corpus', 'format', 'size', 'last used'], ...entries.map((e) => [shortName(e) + (e.usedBy.length ? ' (in use)' : ''), e.model, e.corpus.slice(0, 12), e.format, formatSize(e.bytes), when(e.lastUsed)])];
			io.stdout.write(table(rows, [false, false, false, false, true, false], '  '));
		}
		io.stdout.write(`  total ${formatSize(total)} of ${formatSize(budget)} in ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}\n`);
		io.stdout.write(`model files in ${modelsRoot ?? '(no download cache)'}: ${formatSize(modelBytes)} in ${models.length} model(s)\n`);
		for (const m of models) io.stdout.write(`  ${m.id}  ${formatSize(m.bytes)}\n`);
		return 0;
	}

	if (sub === 'prune') {
		const max = typeof values.max === 'string' ? parseSize(values.max, '--max') : budget;
		const result = await pruneDiskCache(root, max);
		if (json) {
			io.stdout.write(toJson({ root, max, removed: result.removed.map(entryJson), total: result.total, inUse: result.inUse.map(entryJson) }));
			return 0;
		}
		const freed = result.removed.reduce((s, e) => s + e.bytes, 0);
		io.stdout.write(`removed ${result.removed.length} entr${result.removed.length === 1 ? 'y' : 'ies'} (${formatSize(freed)}); ${formatSize(result.total)} left in ${root} (max ${formatSize(max)})\n`);
		for (const e of result.inUse) io.stdout.write(`  kept ${shortName(e)} (${formatSize(e.bytes)}): in use by pid ${e.usedBy.join(', ')}\n`);
		return 0;
	}

	const both = values.models === undefined && values.corpora === undefined;
	const report: { corpora?: { root: string; removed: number; bytes: number; inUse: number }; models?: { dir: string | null; bytes: number } } = {};
	if (both || values.corpora === true) {
		const result = await clearDiskCache(root);
		report.corpora = { root, removed: result.removed.length, bytes: result.removed.reduce((s, e) => s + e.bytes, 0), inUse: result.inUse.length };
	}
	if (both || values.models === true) {
		const dir = modelCacheRoot(io.env);
		const bytes = dir ? await treeBytes(dir) : 0;
		// Only what is inside: the folder may be the user's LATELAB_MODEL_CACHE.
		for (const e of dir ? await readdir(dir).catch(() => []) : []) await rm(join(dir!, e), { recursive: true, force: true });
		report.models = { dir, bytes };
	}
	if (json) {
		io.stdout.write(toJson(report));
		return 0;
	}
	if (report.corpora) {
		const c = report.corpora;
		io.stdout.write(`removed ${c.removed} encoded entr${c.removed === 1 ? 'y' : 'ies'} (${formatSize(c.bytes)}) from ${c.root}${c.inUse ? `; ${c.inUse} in use by running processes kept` : ''}\n`);
	}
	if (report.models) io.stdout.write(`removed model files (${formatSize(report.models.bytes)}) from ${report.models.dir ?? '(no download cache)'}\n`);
	return 0;
}
