import { resolve } from 'node:path';
import { queryKeyFor } from '../../lib/engine/corpus/multivector-folder';
import { isMultiVectorFolder } from '../../lib/engine/corpus/node-multivector-folder';
import { createError } from '../../lib/engine/errors';
import type { NeuralContext } from '../../lib/engine/pipelines/neural-context';
import { COMMON_OPTIONS, DATA_OPTIONS, PIPELINE_OPTIONS, PIPELINE_OPTIONS_HELP, duplicateIdPolicy, parseCommand, pipelineFromArgs, positiveInt, requireString } from '../args';
import type { CliIo } from '../io';
import { withInterrupt } from '../interrupt';
import { cliNeuralDeps, cliPipelineOptions } from '../neural-deps';
import { checkVectorsFolderOptions } from '../pipeline-options';
import { assertWritableStore } from '../store-option';
import { commandContext, inform, loadData, ms, toJson, warn } from './shared';

export const EXPORT_HELP = `Usage: latelab export --format qdrant|opensearch --out <dir> --data <beir-dir|vectors-dir> [options]

Writes the collection's ColBERT vectors (after --opt pool) for an engine latelab does not run: its
configuration, the documents as upload batches, and for one query the two-stage query body and
latelab's exact top k with the score the engine should return. README.md in <dir> lists the curl commands.

Options:
  --format <name>        qdrant (collection.json, points/*.jsonl, query.json) or opensearch (index.json,
                         bulk/*.ndjson, search.json)
  --out <dir>            export folder (must be empty or missing; --force replaces its contents)
  --data <dir>           BEIR folder (encoded by the ColBERT model) or vectors folder (manifest.json)
  --query <text>         write the query body and expected.json for this query
  --query-id <id>        instead of --query: a query of the collection (a vectors folder's own vectors)
  --k <n>                hits in the query body and expected.json (default 10)
  --depth <n>            first-phase candidates (Qdrant prefetch limit, OpenSearch k-NN k; default 100)
  --name <name>          collection / index name (default latelab)
  --opt pool=<f>         token pooling factor (default 1)
  --opt storage=<s>      fp32 (default), fp16, int8, binary: mapped onto the engine's own setting (docs/SCALE.md)
  --force                replace the contents of a non-empty --out folder
${PIPELINE_OPTIONS_HELP}
  --json                 print {"format","out","documents","batches","files","distance","timings"}
  --quiet, -q            no progress or warnings on stderr
`;

const OPTIONS = {
	...COMMON_OPTIONS,
	...PIPELINE_OPTIONS,
	...DATA_OPTIONS,
	format: { type: 'string' },
	out: { type: 'string' },
	force: { type: 'boolean' },
	query: { type: 'string' },
	'query-id': { type: 'string' },
	k: { type: 'string' },
	name: { type: 'string' }
} as const;

const STORAGES = ['fp32', 'fp16', 'int8', 'binary'] as const;

/** `latelab export`: files for Qdrant or OpenSearch. */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
	const { values } = parseCommand('latelab export', args, OPTIONS, 0);
	if (values.help) {
		io.stdout.write(EXPORT_HELP);
		return 0;
	}
	const format = requireString(values, 'format', 'latelab export');
	if (format !== 'qdrant' && format !== 'opensearch') throw createError('UNKNOWN_OPTION', { what: 'export format', value: format, expected: 'qdrant, opensearch' });
	const out = resolve(io.cwd, requireString(values, 'out', 'latelab export'));
	const data = requireString(values, 'data', 'latelab export');
	if (typeof values.pipeline === 'string' && values.pipeline !== 'colbert') {
		throw createError('BAD_ARGUMENT', { detail: `export writes ColBERT multi-vectors: use --pipeline colbert (or none), not "${values.pipeline}"` });
	}
	const queryId = typeof values['query-id'] === 'string' ? values['query-id'] : undefined;
	if (queryId !== undefined && values.query !== undefined) throw createError('BAD_ARGUMENT', { detail: 'export: give --query or --query-id, not both' });
	const k = positiveInt(values, 'k', 10);
	const name = typeof values.name === 'string' ? values.name : 'latelab';
	if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw createError('BAD_ARGUMENT', { detail: `--name must be lower-case letters, digits, "_" and "-" (an index name both engines accept), got "${name}"` });
	const { options } = pipelineFromArgs({ ...values, pipeline: 'colbert' }, 'export');
	const depth = options.depth ?? 100;
	const storage = options.storage ?? 'fp32';
	if (!(STORAGES as readonly unknown[]).includes(storage)) throw createError('UNKNOWN_OPTION', { what: 'storage (--opt storage=...) for an export', value: String(storage), expected: STORAGES.join(', ') });

	// Model settings on a vectors folder without a model to apply them to are refused, not ignored.
	checkVectorsFolderOptions('colbert', options, await isMultiVectorFolder(resolve(io.cwd, data)));
	// Before any work: the folder must be writable, and empty or missing unless --force.
	assertWritableStore(out, 'export folder');
	const { prepareExportFolder, writeExport } = await import('../../lib/engine/engines/node-export');
	await prepareExportFolder(out, values.force === true);

	const ctx = commandContext(io, values.quiet === true);
	const { corpus, loadMs } = await loadData(ctx, data, { requireBeir: true, duplicateIds: duplicateIdPolicy(values) });
	let queryText = typeof values.query === 'string' ? values.query : undefined;
	if (queryId !== undefined) {
		const found = corpus.queries.find((q) => q.id === queryId);
		if (!found) throw createError('BAD_ARGUMENT', { detail: `export: no query with id "${queryId}" in ${data} (${corpus.queries.length} queries)` });
		queryText = queryKeyFor(corpus, found);
	}
	const deps = { ...cliNeuralDeps(), onWarning: (m: string) => warn(ctx, m) };
	const { storeModelOf } = await import('../../lib/engine/engines/lancedb-pipeline');
	const { openMultiVectorSource } = await import('../../lib/engine/pipelines/multivector-source');
	const started = performance.now();
	const report = await withInterrupt(io.stderr, async (signal) => {
		const nctx: NeuralContext = { corpus, options: cliPipelineOptions(options, io.env), signal, onProgress: (p) => ctx.progress.update(p), onWarning: (m) => warn(ctx, m), onInfo: (m) => inform(ctx, m) };
		const model = await storeModelOf(nctx, deps);
		const source = await openMultiVectorSource(nctx, deps);
		try {
			const query = queryText === undefined ? undefined : { text: queryText, matrix: await source.queryVectors(queryText) };
			const result = await writeExport({
				format,
				out,
				name,
				model,
				pool: source.pool,
				storage: storage as 'fp32' | 'fp16' | 'int8' | 'binary',
				source,
				info: (row) => corpus.docs[row],
				documents: corpus.docs.length,
				query,
				k,
				depth,
				signal,
				onProgress: (p) => ctx.progress.update(p)
			});
			ctx.progress.finish();
			return result;
		} finally {
			await source.dispose();
		}
	});
	const timings = { loadMs: ms(loadMs), exportMs: ms(performance.now() - started) };
	if (values.json === true) {
		io.stdout.write(toJson({ format, out, documents: report.documents, batches: report.batches, files: report.files, distance: report.distance, timings }));
		return 0;
	}
	io.stdout.write(`${format} export in ${out}: ${report.documents} documents in ${report.batches} batches${queryText !== undefined ? ', query body and expected.json' : ''}; see README.md there\n`);
	return 0;
}
