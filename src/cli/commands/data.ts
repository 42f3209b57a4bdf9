import { resolve } from 'node:path';
import { fetchBeirDataset } from '../../lib/engine/corpus/node-files';
import { createError } from '../../lib/engine/errors';
import { readdir } from 'node:fs/promises';
import { generateSyntheticCollection } from '../../lib/engine/corpus/synthetic-multivector';
import { writeMultiVectorFolder } from '../../lib/engine/corpus/node-multivector-folder';
import type { TokenMatrix } from '../../lib/engine/types';
import { COMMON_OPTIONS, parseCommand, positiveInt, requireString } from '../args';
import type { CliIo } from '../io';
import { commandContext, toJson } from './shared';

export const DATA_HELP = `Usage: latelab data fetch <name> [--to <dir>] [options]
       latelab data synth --docs <n> --queries <m> --to <dir> [--dim 96] [--tokens 120] [--seed 1]
                          [--query-shape colbert|terms] [--query-length 32]

Downloads a public BEIR dataset zip (scifact, nfcorpus, fiqa, arguana, scidocs, trec-covid, ...),
unpacks it into <dir>/<name>, and checks that it loads. Needs internet access; without it, fails
within seconds with a one-line message (exit code 1).

synth writes a structured synthetic vectors folder (docs/CORPORA.md): words in topics, contextual
noise, queries drawn from a target document, graded qrels (qrels/test.tsv); --data accepts it.

Options (fetch):
  --to <dir>             parent folder (default ./data)
  --overwrite            replace an existing <dir>/<name>
  --base-url <url>       a mirror serving <name>.zip (default: the BEIR authors' server)
  --json                 print {"dir","bytes","collections":[{"dir","docs","queries","judgedQueries"}]}
  --quiet, -q            no progress on stderr

Options (synth):
  --docs <n> --queries <m>  collection size
  --to <dir>             the folder to write (must not exist or be empty, unless --overwrite)
  --dim <d>              vector width (default 96); --tokens <t>: mean vectors per document (120)
  --seed <s>             generator seed (default 1; same seed, same collection)
  --query-shape <s>      colbert (default): --query-length vectors per query, [CLS] [Q] words [SEP] then
                         [MASK] expansions mixing the word vectors (ColBERT's query augmentation);
                         terms: [CLS] and one vector per query word
  --query-length <n>     vectors per colbert-shaped query (default 32, ColBERT's query_length)
  --json                 print {"dir","documents","queries","vectors","bytes"}
`;

const OPTIONS = {
	...COMMON_OPTIONS,
	to: { type: 'string' },
	overwrite: { type: 'boolean' },
	'base-url': { type: 'string' }
} as const;

/** `latelab data <subcommand>`: `fetch` or `synth`. */
export async function dataCommand(args: string[], io: CliIo): Promise<number> {
	const [sub, ...rest] = args;
	if (sub === '--help' || sub === '-h') {
		io.stdout.write(DATA_HELP);
		return 0;
	}
	if (sub === undefined) throw createError('BAD_ARGUMENT', { detail: 'data: name a subcommand: fetch or synth; see latelab data --help' });
	if (sub === 'synth') return synthCommand(rest, io);
	if (sub !== 'fetch') throw createError('UNKNOWN_OPTION', { what: 'data subcommand', value: sub, expected: 'fetch, synth' });
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

const SYNTH_OPTIONS = {
	...COMMON_OPTIONS,
	to: { type: 'string' },
	docs: { type: 'string' },
	queries: { type: 'string' },
	dim: { type: 'string' },
	tokens: { type: 'string' },
	seed: { type: 'string' },
	'query-shape': { type: 'string' },
	'query-length': { type: 'string' },
	overwrite: { type: 'boolean' }
} as const;

/** `latelab data synth`: a synthetic vectors folder. */
async function synthCommand(args: string[], io: CliIo): Promise<number> {
	const { values } = parseCommand('latelab data synth', args, SYNTH_OPTIONS, 0);
	if (values.help) {
		io.stdout.write(DATA_HELP);
		return 0;
	}
	const docs = positiveInt(values, 'docs');
	const queries = positiveInt(values, 'queries');
	if (docs === undefined || queries === undefined) throw createError('BAD_ARGUMENT', { detail: 'data synth: --docs and --queries are required; see latelab data --help' });
	const dir = resolve(io.cwd, requireString(values, 'to', 'latelab data synth'));
	const dim = positiveInt(values, 'dim', 96);
	const tokens = positiveInt(values, 'tokens', 120);
	const seed = positiveInt(values, 'seed', 1);
	const queryShape = values['query-shape'] ?? 'colbert';
	if (queryShape !== 'colbert' && queryShape !== 'terms') throw createError('UNKNOWN_OPTION', { what: 'data synth --query-shape', value: String(queryShape), expected: 'colbert, terms' });
	const queryLength = positiveInt(values, 'query-length', 32);
	// A float32 documents file is read whole by the loader: keep it under Node's 2 GiB buffer limit.
	if (docs * tokens * dim * 4 > 2 ** 31 - 2 ** 24) {
		throw createError('BAD_ARGUMENT', { detail: `data synth: ${docs} x ${tokens} x ${dim} float32 is over 2 GiB, more than a vectors folder loads; generate fewer documents (benchmarks generate larger collections in memory)` });
	}
	const existing = await readdir(dir).catch(() => undefined);
	if (existing && existing.length > 0 && values.overwrite !== true) throw createError('BAD_ARGUMENT', { detail: `data synth: ${dir} exists and is not empty (use --overwrite)` });
	const ctx = commandContext(io, values.quiet === true);
	const c = generateSyntheticCollection({ docs, queries, dim, tokensPerDoc: tokens, seed, queryShape, queryLength });
	const items = (records: typeof c.documents, vectors: (i: number) => TokenMatrix, stage: string) =>
		(function* () {
			for (let i = 0; i < records.length; i++) {
				if (i % 500 === 0) ctx.progress.update({ stage, done: i, total: records.length });
				yield { record: records[i], vectors: vectors(i) };
			}
		})();
	const written = await writeMultiVectorFolder(dir, {
		manifest: { dim, kind: 'text', model: c.manifest.model },
		documents: items(c.documents, (i) => c.docVectors(i), 'synth documents'),
		queries: items(c.queries, (i) => c.queryVectors(c.queries[i].id)!, 'synth queries'),
		qrels: { test: c.corpus.qrels }
	});
	ctx.progress.finish();
	const result = { dir, documents: written.documents, queries: written.queries, vectors: c.totalVectors, bytes: c.totalVectors * dim * 4 };
	if (values.json === true) io.stdout.write(toJson(result));
	else io.stdout.write(`wrote ${dir}: ${result.documents} documents (${result.vectors} vectors of dim ${dim}), ${result.queries} queries, qrels/test.tsv\n`);
	return 0;
}
