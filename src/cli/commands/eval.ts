import { queryKeyFor } from '../../lib/engine/corpus/multivector-folder';
import { createError } from '../../lib/engine/errors';
import { DEFAULT_METRICS, evaluateRun, judgedQueryIds, uniqueSpecs } from '../../lib/engine/eval/metrics';
import { runQueries, type QueriesResult } from '../../lib/engine/eval/run-queries';
import { checkRunTag, formatTrecRun } from '../../lib/engine/eval/trec';
import { COMMON_OPTIONS, DATA_OPTIONS, PIPELINE_OPTIONS, PIPELINE_OPTIONS_HELP, duplicateIdPolicy, listOption, parseCommand, positiveInt, requireString } from '../args';
import type { CliIo } from '../io';
import { STORE_OPTIONS, STORE_OPTION_HELP, pipelineOrStore } from '../store-option';
import { buildPipeline, checkWritableFile, commandContext, fixed4, loadData, ms, msAll, table, toJson, warn, writeUserFile } from './shared';

export const EVAL_HELP = `Usage: latelab eval --data <beir-dir> [options]

Runs every judged query of a BEIR collection through a pipeline and prints nDCG@10, Recall@100,
MRR@10 and MAP (means over judged queries, as trec_eval) and the number of judged queries.

Options:
  --data <dir>           BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv; or a vectors
                         folder (manifest.json, docs/CORPORA.md): ColBERT pipelines use its vectors
  --split <name>         qrels split (default test)
  --pipeline, -p <name>  retrieval pipeline (default bm25; see latelab --help)
  --k <n>                hits retrieved per query (default 1000, the depth MAP and recall see)
  --metrics <list>       comma-separated, e.g. ndcg@10,recall@100,mrr@10,map,p@10
  --run-out <file>       also write the run as a TREC run file
  --tag <name>           run tag in the TREC file (default: the pipeline name)
${PIPELINE_OPTIONS_HELP}
${STORE_OPTION_HELP}
  --json                 one JSON object with per-query values and timings (see docs/CLI.md)
  --duplicate-ids <p>    keep-first (default: skip a repeated id, with a warning) or error
  --quiet, -q            no progress or warnings on stderr
`;

const OPTIONS = {
	...COMMON_OPTIONS,
	...PIPELINE_OPTIONS,
	...STORE_OPTIONS,
	...DATA_OPTIONS,
	split: { type: 'string' },
	k: { type: 'string' },
	metrics: { type: 'string', multiple: true },
	'run-out': { type: 'string' },
	tag: { type: 'string' }
} as const;

/** `latelab eval`: a pipeline's quality on a test collection. */
export async function evalCommand(args: string[], io: CliIo): Promise<number> {
	const { values } = parseCommand('latelab eval', args, OPTIONS, 0);
	if (values.help) {
		io.stdout.write(EVAL_HELP);
		return 0;
	}
	const data = requireString(values, 'data', 'latelab eval');
	const split = typeof values.split === 'string' ? values.split : 'test';
	const k = positiveInt(values, 'k', 1000);
	const metrics = uniqueSpecs(listOption(values, 'metrics') ?? DEFAULT_METRICS).map((s) => s.name);
	const { name, options } = pipelineOrStore(values, io.cwd);
	const runOut = typeof values['run-out'] === 'string' ? values['run-out'] : undefined;
	const tag = typeof values.tag === 'string' ? values.tag : name;
	const ctx = commandContext(io, values.quiet === true);
	// Checked before the pipeline is built: a typo here must not cost the whole run.
	if (runOut !== undefined || values.tag !== undefined) checkRunTag(tag);
	if (runOut !== undefined) await checkWritableFile(ctx, runOut, 'run file');

	const { corpus, loadMs } = await loadData(ctx, data, { split: values.split === undefined ? undefined : split, requireBeir: true, duplicateIds: duplicateIdPolicy(values) });
	const judged = new Set(judgedQueryIds(corpus.qrels));
	if (judged.size === 0) {
		throw createError('BAD_ARGUMENT', {
			detail: `${data}: no judged queries in qrels/${split}.tsv (none, or no relevant document); eval needs judgments`
		});
	}
	// With precomputed vectors, a query without (unique) text is looked up by its id.
	const queries = corpus.queries.filter((q) => judged.has(q.id)).map((q) => ({ id: q.id, text: queryKeyFor(corpus, q) }));
	if (queries.length === 0) {
		throw createError('BAD_ARGUMENT', {
			detail: `${data}: none of the ${judged.size} judged queries of qrels/${split}.tsv is in the queries (${'multivector' in corpus ? 'queries.jsonl + queries.safetensors' : 'queries.jsonl'}); eval needs them`
		});
	}
	if (queries.length < judged.size) {
		warn(ctx, `${judged.size - queries.length} judged query id(s) have no text in queries.jsonl; they score 0`);
	}

	const { pipeline, indexMs, stages } = await buildPipeline(ctx, name, options, corpus);
	let queried: QueriesResult;
	try {
		queried = await runQueries(pipeline, queries, k, { onProgress: (p) => ctx.progress.update(p) });
		ctx.progress.finish();
	} finally {
		await pipeline.dispose?.();
	}
	const { run, searchMs } = queried;
	// Pipelines that describe their index (`indexStats`) or count candidate stages (`candidateShares`, colbert-muvera / colbert-plaid) report them.
	const indexStats = (pipeline as { indexStats?: object }).indexStats;
	const shares = (pipeline as { candidateShares?: () => { candidateShare: number; touchedShare: number } }).candidateShares?.();
	for (const [stage, value] of Object.entries(queried.stages)) stages[stage] = (stages[stage] ?? 0) + value;

	const evaluation = evaluateRun(run, corpus.qrels, metrics);
	const runPath = runOut === undefined ? undefined : await writeUserFile(ctx, runOut, formatTrecRun(run, tag), 'run file');
	const timings = {
		loadMs: ms(loadMs),
		indexMs: ms(indexMs),
		searchMs: ms(searchMs),
		queriesPerSecond: searchMs > 0 ? Math.round((queries.length / searchMs) * 1000 * 10) / 10 : null,
		stages: msAll(stages)
	};
	if (values.json === true) {
		io.stdout.write(
			toJson({
				pipeline: name,
				data,
				split,
				k,
				options,
				judgedQueries: evaluation.judgedQueries,
				queriesRun: queries.length,
				metrics: evaluation.mean,
				perQuery: evaluation.perQuery,
				timings,
				...(indexStats ? { index: indexStats } : {}),
				...(shares ? { candidateShare: shares.candidateShare, touchedShare: shares.touchedShare } : {}),
				...(runPath ? { runFile: runPath } : {})
			})
		);
		return 0;
	}
	const rows = evaluation.metrics.map((m) => [m, fixed4(evaluation.mean[m])]);
	// A candidate pipeline returns at most its depth (MUVERA) or ndocs / 4 (PLAID): say so next to "top k".
	const most = Math.max(0, ...[...run.values()].map((hits) => hits.length));
	const capped = most < Math.min(k, corpus.docs.length) ? `, at most ${most} returned per query` : '';
	io.stdout.write(`${name} on ${corpus.name} (split ${split}): ${evaluation.judgedQueries} judged queries, ${corpus.docs.length} documents\n`);
	io.stdout.write(table(rows, [false, true], '  '));
	io.stdout.write(
		`index ${timings.indexMs} ms, search ${timings.searchMs} ms (${timings.queriesPerSecond ?? 'n/a'} queries/s, top ${k}${capped})\n`
	);
	if (shares) io.stdout.write(`candidates: ${pct(shares.candidateShare)} of documents scored approximately, ${pct(shares.touchedShare)} with full vectors (mean per query)\n`);
	if (runPath) io.stdout.write(`run written to ${runPath}\n`);
	return 0;
}

const pct = (share: number) => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;
