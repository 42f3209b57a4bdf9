import { COMMON_OPTIONS, DATA_OPTIONS, PIPELINE_OPTIONS, PIPELINE_OPTIONS_HELP, duplicateIdPolicy, parseCommand, positiveInt, requireString } from '../args';
import type { CliIo } from '../io';
import { STORE_OPTIONS, STORE_OPTION_HELP, pipelineOrStore } from '../store-option';
import type { Doc } from '../../lib/engine/types';
import { queryKeyFor } from '../../lib/engine/corpus/multivector-folder';
import { createError } from '../../lib/engine/errors';
import { buildPipeline, commandContext, kernelOf, loadData, ms, msAll, printable, table, toJson } from './shared';

export const SEARCH_HELP = `Usage: latelab search --data <beir-dir|vectors-dir|file> --query "<text>"|--query-id <id> [options]

Ranks the documents of --data for one query and prints rank, id, score and a snippet.

Options:
  --data <path>          BEIR folder (corpus.jsonl), vectors folder (manifest.json) or a documents file
  --query <text>         the query (quote it); on a vectors folder, text that is not one of its queries
                         needs --model colbert=<the model that made the vectors>
  --query-id <id>        instead of --query: a query of the collection (queries.jsonl); with a vectors
                         folder, its precomputed query vectors
  --pipeline, -p <name>  retrieval pipeline (default bm25; see latelab --help)
  --k <n>                hits to show (default 10)
${PIPELINE_OPTIONS_HELP}
${STORE_OPTION_HELP}
  --json                 print {"pipeline","query","hits":[{"rank","id","score"}],"timings"} (+ "kernel" for ColBERT;
                         + "candidates", "touched", "stages", "index" for colbert-muvera / colbert-plaid)
  --duplicate-ids <p>    keep-first (default: skip a repeated id, with a warning) or error
  --quiet, -q            no progress or warnings on stderr
`;

const OPTIONS = { ...COMMON_OPTIONS, ...PIPELINE_OPTIONS, ...STORE_OPTIONS, ...DATA_OPTIONS, query: { type: 'string' }, 'query-id': { type: 'string' }, k: { type: 'string' } } as const;

/** `latelab search`: one query, one table (or one JSON object). */
export async function searchCommand(args: string[], io: CliIo): Promise<number> {
	const { values } = parseCommand('latelab search', args, OPTIONS, 0);
	if (values.help) {
		io.stdout.write(SEARCH_HELP);
		return 0;
	}
	const data = requireString(values, 'data', 'latelab search');
	const queryId = typeof values['query-id'] === 'string' ? values['query-id'] : undefined;
	if (queryId !== undefined && values.query !== undefined) throw createError('BAD_ARGUMENT', { detail: 'search: give --query or --query-id, not both' });
	let query = queryId ?? requireString(values, 'query', 'latelab search');
	const k = positiveInt(values, 'k', 10);
	const { name, options } = pipelineOrStore(values, io.cwd);
	const ctx = commandContext(io, values.quiet === true);

	const { corpus, loadMs } = await loadData(ctx, data, { duplicateIds: duplicateIdPolicy(values) });
	if (queryId !== undefined) {
		const found = corpus.queries.find((q) => q.id === queryId);
		if (!found) throw createError('BAD_ARGUMENT', { detail: `search: no query with id "${queryId}" in ${data} (${corpus.queries.length} queries)` });
		query = queryKeyFor(corpus, found);
	}
	const { pipeline, indexMs, stages } = await buildPipeline(ctx, name, options, corpus);
	try {
		const started = performance.now();
		const result = await pipeline.search(query, k);
		const searchMs = performance.now() - started;
		for (const t of result.timings) stages[t.stage] = (stages[t.stage] ?? 0) + t.ms;
		const timings = { loadMs: ms(loadMs), indexMs: ms(indexMs), searchMs: ms(searchMs), stages: msAll(stages) };
		if (values.json === true) {
			const hits = result.hits.map((h) => ({ rank: h.rank, id: h.id, score: h.score }));
			// The kernel the search result names, else the one the pipeline reports (ColBERT only).
			const kernel = kernelOf(result) ?? kernelOf(pipeline);
			// Candidate pipelines (colbert-muvera, colbert-plaid) also say how many documents each stage scored, and describe their index.
			const c = result as { candidates?: number; touched?: number; stages?: unknown };
			const counts = c.candidates === undefined ? {} : { candidates: c.candidates, touched: c.touched, stages: c.stages };
			const indexStats = (pipeline as { indexStats?: object }).indexStats;
			io.stdout.write(toJson({ pipeline: name, data, query, k, hits, ...(kernel ? { kernel } : {}), timings, ...counts, ...(indexStats ? { index: indexStats } : {}) }));
			return 0;
		}
		if (result.hits.length === 0) {
			io.stdout.write(`no document matches "${query}" (${name}, ${corpus.docs.length} documents)\n`);
		} else {
			const byId = new Map(corpus.docs.map((d) => [d.id, d]));
			const width = Math.max(40, Math.min(160, io.stdout.columns ?? 100));
			const rows = [['rank', 'id', 'score', 'document']];
			for (const h of result.hits) rows.push([String(h.rank), printable(h.id), h.score.toFixed(4), '']);
			const used = Math.max(...rows.map((r) => r[0].length)) + Math.max(...rows.map((r) => r[1].length)) + Math.max(...rows.map((r) => r[2].length)) + 6;
			result.hits.forEach((h, i) => (rows[i + 1][3] = snippet(byId.get(h.id), Math.max(20, width - used))));
			io.stdout.write(table(rows, [true, false, true, false]));
		}
		if (!ctx.quiet) {
			io.stderr.write(`latelab: ${name} over ${corpus.docs.length} documents: index ${ms(indexMs)} ms, search ${ms(searchMs)} ms\n`);
		}
		return 0;
	} finally {
		await pipeline.dispose?.();
	}
}

/** Title, else text, on one line, cut to `width` characters. */
function snippet(doc: Doc | undefined, width: number): string {
	if (!doc) return '';
	const full = doc.title.trim() !== '' ? `${doc.title.trim()} | ${doc.text}` : doc.text;
	const text = printable(full).replace(/\s+/g, ' ').trim();
	return text.length > width ? `${text.slice(0, width - 3)}...` : text;
}
