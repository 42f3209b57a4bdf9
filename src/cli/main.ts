import { readFileSync } from 'node:fs';
import { isLatelabError, type ErrorCode } from '../lib/engine/errors';
import { pipelineInfo, pipelineNames } from '../lib/engine/pipelines/registry';
import { cacheCommand } from './commands/cache';
import { compareCommand } from './commands/compare';
import { dataCommand } from './commands/data';
import { evalCommand } from './commands/eval';
import { exportCommand } from './commands/export';
import { indexCommand } from './commands/index';
import { searchCommand } from './commands/search';
import { scoreCommand } from './commands/score';
import { EXIT_INTERRUPTED } from './interrupt';
import { processIo, type CliIo } from './io';
import { registerCliPipelines } from './pipelines';

/**
 * The `latelab` command. Exit codes: 0 success; 2 a usage or input problem (unknown option, bad
 * file, unknown pipeline), reported as one line on stderr; 1 a failure of the environment (offline,
 * a model that will not load) or a bug, also one line (the stack only with LATELAB_DEBUG=1); 130 work
 * stopped by Ctrl-C (`CANCELLED`), as shells report a SIGINT (128 + 2).
 */

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
	search: searchCommand,
	eval: evalCommand,
	compare: compareCommand,
	data: dataCommand,
	cache: cacheCommand,
	score: scoreCommand,
	index: indexCommand,
	export: exportCommand
};

/** Deliberate errors that are not the user's fault: exit 1 rather than 2. */
const ENVIRONMENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
	'OFFLINE',
	'NETWORK',
	'MODEL_LOAD_FAILED',
	'BACKEND_UNAVAILABLE',
	'DEVICE_LOST',
	'CACHE_CORRUPT',
	'STORAGE_FULL'
]);

function globalHelp(): string {
	const pipelines = pipelineNames()
		.map((name) => `  ${name.padEnd(16)} ${pipelineInfo(name).description}`)
		.join('\n');
	return `latelab ${version()}: BM25, bi-encoders, cross-encoders and ColBERT side by side.

Usage:
  latelab search --data <beir-dir|file> --query "<text>" [--pipeline bm25] [--k 10] [--json]
  latelab eval --data <beir-dir> [--pipeline bm25] [--split test] [--k1 <x> --b <x>] [--json] [--run-out run.trec]
  latelab compare <run-a.trec> <run-b.trec> --qrels <qrels> [--json]
  latelab data fetch <scifact|nfcorpus|fiqa|arguana|scidocs|...> --to <dir>
  latelab data synth --docs <n> --queries <m> --to <dir> [--dim 96]   (a synthetic vectors folder)
  latelab cache list|prune [--max <size>]|clear [--models] [--corpora] [--json]
  latelab score --pipeline dense|cross|colbert --model <id|dir> --query "<text>" --docs <file> [--json] [--explain]
  latelab index build --data <beir-dir|vectors-dir> [--model ...] [--opt pool=F] [--opt index=ivf_pq] --store lancedb:<dir>
  latelab export --format qdrant|opensearch --out <dir> --data <beir-dir|vectors-dir> [--model ...] [--query "<text>"|--query-id <id>]

Pipelines:
${pipelines}

Run latelab <command> --help for a command's options. --quiet silences progress on stderr.
Exit codes: 0 ok, 2 usage or input error, 1 environment failure or bug, 130 stopped by Ctrl-C. Docs: docs/CLI.md
`;
}

function version(): string {
	const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
	return pkg.version;
}

/**
 * Runs one command line (without `node` and the script) and resolves to the exit code; never throws
 * and never calls `process.exit`, so tests can call it in-process with their own `io`.
 * @example process.exitCode = await main(['eval', '--data', 'data/scifact', '--json']);
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
	try {
		registerCliPipelines();
		const [command, ...rest] = argv;
		if (command === '--help' || command === '-h' || command === 'help') {
			io.stdout.write(globalHelp());
			return 0;
		}
		if (command === '--version' || command === '-V') {
			io.stdout.write(`${version()}\n`);
			return 0;
		}
		if (command === undefined) {
			io.stderr.write(`latelab: name a command (${Object.keys(COMMANDS).join(', ')}); see latelab --help\n`);
			return 2;
		}
		const run = COMMANDS[command];
		if (!run) {
			const what = command.startsWith('-') ? `option "${command}" before a command` : `command "${command}"`;
			io.stderr.write(`latelab: unknown ${what}; expected one of: ${Object.keys(COMMANDS).join(', ')}; see latelab --help\n`);
			return 2;
		}
		return await run(rest, io);
	} catch (error) {
		return report(error, io);
	}
}

function report(error: unknown, io: CliIo): number {
	const debug = Boolean(io.env.LATELAB_DEBUG) && io.env.LATELAB_DEBUG !== '0';
	const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
	if (isLatelabError(error)) {
		io.stderr.write(`latelab: ${oneLine(error.message)}\n`);
		if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
		if (error.code === 'CANCELLED') return EXIT_INTERRUPTED;
		return ENVIRONMENT_CODES.has(error.code) ? 1 : 2;
	}
	const message = error instanceof Error ? error.message : String(error);
	io.stderr.write(
		`latelab: unexpected error: ${oneLine(message)}${debug ? '' : ' (run with LATELAB_DEBUG=1 for the stack)'}\n`
	);
	if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
	return 1;
}
