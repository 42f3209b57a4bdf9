import { resolve } from 'node:path';
import { fetchBeirDataset } from '../../lib/engine/corpus/node-files';
import { createError } from '../../lib/engine/errors';
import { COMMON_OPTIONS, parseCommand } from '../args';
import type { CliIo } from '../io';
import { commandContext, toJson } from './shared';

export const DATA_HELP = `Usage: latelab data fetch <name> [--to <dir>] [options]

Downloads a public BEIR dataset zip (scifact, nfcorpus, fiqa, arguana, scidocs, trec-covid, ...),
unpacks it into <dir>/<name>, and checks that it loads. Needs internet access; without it, fails
within seconds with a one-line message (exit code 1).

Options:
  --to <dir>             parent folder (default ./data)
  --overwrite            replace an existing <dir>/<name>
  --base-url <url>       a mirror serving <name>.zip (default: the BEIR authors' server)
  --json                 print {"dir","bytes","collections":[{"dir","docs","queries","judgedQueries"}]}
  --quiet, -q            no progress on stderr
`;

const OPTIONS = {
	...COMMON_OPTIONS,
	to: { type: 'string' },
	overwrite: { type: 'boolean' },
	'base-url': { type: 'string' }
} as const;

/** `latelab data <subcommand>`; only `fetch` exists. */
export async function dataCommand(args: string[], io: CliIo): Promise<number> {
	const [sub, ...rest] = args;
	if (sub === '--help' || sub === '-h') {
		io.stdout.write(DATA_HELP);
		return 0;
	}
	if (sub === undefined) throw createError('BAD_ARGUMENT', { detail: 'data: name a subcommand: fetch; see latelab data --help' });
	if (sub !== 'fetch') throw createError('UNKNOWN_OPTION', { what: 'data subcommand', value: sub, expected: 'fetch' });
	const { values, positionals } = parseCommand('latelab data fetch', rest, OPTIONS, 1);
	if (values.help) {
		io.stdout.write(DATA_HELP);
		return 0;
	}
	const name = positionals[0];
	if (name === undefined) {
		throw createError('BAD_ARGUMENT', { detail: 'data fetch: name a dataset, e.g. latelab data fetch scifact --to data' });
	}
	const toDir = typeof values.to === 'string' ? values.to : 'data';
	const ctx = commandContext(io, values.quiet === true);
	const result = await fetchBeirDataset(name, resolve(io.cwd, toDir), {
		overwrite: values.overwrite === true,
		...(typeof values['base-url'] === 'string' ? { baseUrl: values['base-url'] } : {}),
		onProgress: (p) => ctx.progress.update({ stage: p.phase, done: p.bytes, total: p.totalBytes, unit: 'bytes' })
	});
	ctx.progress.finish();
	if (values.json === true) {
		io.stdout.write(toJson(result));
		return 0;
	}
	io.stdout.write(`installed ${name} in ${result.dir} (${(result.bytes / 1e6).toFixed(1)} MB zip)\n`);
	for (const c of result.collections) {
		io.stdout.write(`  ${c.dir}: ${c.docs} documents, ${c.queries} queries, ${c.judgedQueries} judged\n`);
	}
	return 0;
}
