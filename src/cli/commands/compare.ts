import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileSource, loadQrelsFile } from '../../lib/engine/corpus/node-files';
import { createError } from '../../lib/engine/errors';
import type { Qrels } from '../../lib/engine/types';
import { DEFAULT_METRICS, judgedQueryIds, uniqueSpecs, type Run } from '../../lib/engine/eval/metrics';
import { runOverlap } from '../../lib/engine/eval/overlap';
import { compareRuns } from '../../lib/engine/eval/significance';
import { readTrecRun } from '../../lib/engine/eval/trec';
import { COMMON_OPTIONS, listOption, numberIn, parseCommand, positiveInt, requireString } from '../args';
import type { CliIo } from '../io';
import { commandContext, fixed4, loadData, table, toJson, warn, type CommandContext } from './shared';

/** The most randomization samples `compare` takes. */
export const MAX_PERMUTATIONS = 1_000_000;

export const COMPARE_HELP = `Usage: latelab compare <run-a.trec> <run-b.trec> --qrels <qrels> [options]

Compares run B against run A on the judged queries: means, delta (B - A), paired randomization
and t-test p-values (two-sided), wins/ties/losses of B per query, and top-k rank overlap.

Options:
  --qrels <file|dir>     BEIR qrels TSV (query-id, corpus-id, score), TREC qrels (qid 0 docid rel), or a
                         BEIR folder (its qrels/<split>.tsv, checked against the corpus exactly as eval does)
  --split <name>         with a BEIR folder: the qrels split (default test)
  --metrics <list>       comma-separated (default ndcg@10,recall@100,mrr@10,map)
  --permutations <n>     randomization test samples (default 10000)
  --seed <n>             randomization seed (default 42)
  --tie <x>              per-query differences within x count as ties (default 1e-9)
  --overlap-k <n>        depth of the Jaccard / RBO overlap (default 10)
  --json                 one JSON object (see docs/CLI.md)
  --quiet, -q            no warnings on stderr
`;

const OPTIONS = {
	...COMMON_OPTIONS,
	qrels: { type: 'string' },
	split: { type: 'string' },
	metrics: { type: 'string', multiple: true },
	permutations: { type: 'string' },
	seed: { type: 'string' },
	tie: { type: 'string' },
	'overlap-k': { type: 'string' }
} as const;

/** `latelab compare`: is run B better than run A, per metric, and could it be chance? */
export async function compareCommand(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseCommand('latelab compare', args, OPTIONS, 2);
	if (values.help) {
		io.stdout.write(COMPARE_HELP);
		return 0;
	}
	if (positionals.length !== 2) {
		throw createError('BAD_ARGUMENT', { detail: 'compare: give two run files, e.g. latelab compare a.trec b.trec --qrels test.tsv' });
	}
	const qrelsPath = requireString(values, 'qrels', 'latelab compare');
	const metrics = uniqueSpecs(listOption(values, 'metrics') ?? DEFAULT_METRICS).map((s) => s.name);
	const permutations = positiveInt(values, 'permutations', 10_000);
	// Beyond a million samples the p-value's Monte Carlo error (< 0.0005 at p = 0.05) no longer moves its
	// reading, while the run time (one pass over the queries per sample) keeps growing with no progress shown.
	if (permutations > MAX_PERMUTATIONS) throw createError('BAD_ARGUMENT', { detail: `--permutations must be at most ${MAX_PERMUTATIONS.toLocaleString('en-US')}, got ${permutations}` });
	const seedText = values.seed;
	if (seedText !== undefined && !/^\d+$/.test(String(seedText))) {
		throw createError('BAD_ARGUMENT', { detail: `--seed expects a non-negative integer, got "${seedText}"` });
	}
	const seed = seedText === undefined ? 42 : Number(seedText);
	const tieTolerance = numberIn(values, 'tie', 0, Infinity) ?? 1e-9;
	const overlapK = positiveInt(values, 'overlap-k', 10);
	const ctx = commandContext(io, values.quiet === true);

	const [pathA, pathB] = positionals;
	const runA = await readRunFile(ctx, pathA);
	const runB = await readRunFile(ctx, pathB);
	const qrels = await loadJudgments(ctx, qrelsPath, typeof values.split === 'string' ? values.split : undefined);
	const judged = judgedQueryIds(qrels);
	if (judged.length === 0) throw createError('BAD_ARGUMENT', { detail: `${qrelsPath}: no query has a relevant document` });
	for (const [path, run] of [[pathA, runA], [pathB, runB]] as const) {
		const missing = judged.filter((q) => !run.has(q)).length;
		if (missing > 0) warn(ctx, `${path}: ${missing} of ${judged.length} judged queries are absent; they score 0`);
	}

	const cmp = compareRuns(runA, runB, qrels, { metrics, permutations, seed, tieTolerance });
	const overlap = runOverlap(runA, runB, overlapK);
	if (values.json === true) {
		io.stdout.write(
			toJson({
				a: pathA,
				b: pathB,
				qrels: qrelsPath,
				judgedQueries: cmp.judgedQueries,
				metrics: cmp.byMetric,
				perQuery: cmp.perQueryDelta,
				overlap,
				settings: cmp.settings
			})
		);
		return 0;
	}
	io.stdout.write(`A  ${pathA} (${runA.size} queries)\nB  ${pathB} (${runB.size} queries)\n`);
	io.stdout.write(
		`${cmp.judgedQueries} judged queries; delta = B - A; two-sided p-values (randomization: ${permutations} permutations, seed ${seed})\n\n`
	);
	const rows = [['metric', 'A', 'B', 'B-A', 'p(rand)', 'p(t)', 'W/T/L']];
	for (const m of cmp.metrics) {
		const c = cmp.byMetric[m];
		const sign = c.delta > 0 ? '+' : c.delta < 0 ? '' : ' ';
		rows.push([m, fixed4(c.meanA), fixed4(c.meanB), sign + fixed4(c.delta), fixed4(c.pRandomization), fixed4(c.pTTest), `${c.wins}/${c.ties}/${c.losses}`]);
	}
	io.stdout.write(table(rows, [false, true, true, true, true, true, false]));
	io.stdout.write(
		`\ntop-${overlapK} overlap over ${overlap.queries} shared queries: Jaccard ${overlap.jaccard.toFixed(3)}, RBO (p ${overlap.p}) ${overlap.rbo.toFixed(3)}\n`
	);
	return 0;
}

/**
 * Qrels from a file, or from a BEIR folder through the corpus loader, so that `compare` scores runs
 * exactly as `eval` did (the loader drops judgments of unknown queries and maps ids such as "0756" to
 * the corpus's "756").
 */
async function loadJudgments(ctx: CommandContext, path: string, split: string | undefined): Promise<Qrels> {
	const full = resolve(ctx.io.cwd, path);
	const info = await stat(full).catch(() => undefined);
	if (info?.isDirectory()) {
		return (await loadData(ctx, path, { split, requireBeir: true, duplicateIds: 'keep-first' })).corpus.qrels;
	}
	if (split !== undefined) throw createError('BAD_ARGUMENT', { detail: 'compare: --split needs --qrels to name a BEIR folder' });
	return loadQrelsFile(full);
}

/** Reads a TREC run, turning a missing path into `FILE_NOT_FOUND`. */
async function readRunFile(ctx: CommandContext, path: string): Promise<Run> {
	const full = resolve(ctx.io.cwd, path);
	const info = await stat(full).catch(() => undefined);
	if (!info) throw createError('FILE_NOT_FOUND', { path });
	if (!info.isFile()) throw createError('FILE_NOT_FOUND', { path: `${path} (a folder, expected a TREC run file)` });
	return readTrecRun(fileSource(full), { file: path });
}
