import { resolve } from 'node:path';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { corpusFingerprint } from '../../lib/engine/corpus/fingerprint';
import { isMultiVectorFolder } from '../../lib/engine/corpus/node-multivector-folder';
import { createError } from '../../lib/engine/errors';
import type { NeuralContext } from '../../lib/engine/pipelines/neural-context';
import { COMMON_OPTIONS, DATA_OPTIONS, PIPELINE_OPTIONS, PIPELINE_OPTIONS_HELP, duplicateIdPolicy, parseCommand, pipelineFromArgs, requireString } from '../args';
import type { CliIo } from '../io';
import { withInterrupt } from '../interrupt';
import { lanceModules } from '../lance-modules';
import { cliNeuralDeps, cliPipelineOptions } from '../neural-deps';
import { checkVectorsFolderOptions } from '../pipeline-options';
import { assertWritableStore, storeFromArgs } from '../store-option';
import { commandContext, inform, loadData, ms, toJson, warn } from './shared';

export const INDEX_HELP = `Usage: latelab index build --data <beir-dir|vectors-dir> --store lancedb:<dir-or-uri> [options]

Writes the collection's ColBERT vectors into a LanceDB store (table "documents": id, title, text, the
multi-vectors, a pooled single vector), which latelab search|eval --store lancedb:<dir> then query.
A build stopped by Ctrl-C keeps what it wrote; running the same command again continues.

Options:
  --data <dir>           BEIR folder (encoded by the ColBERT model) or vectors folder (manifest.json)
  --store lancedb:<dir>  the store: a local folder or an object-store URI (s3://, gs://, az://)
  --pipeline colbert     the only pipeline a store holds (default)
  --opt pool=<f>         token pooling factor before writing (PyLate hierarchical pooling; default 1)
  --opt index=ivf_pq     also build LanceDB's IVF_PQ index on the multi-vectors and pooled vectors
                         (--opt partitions=<n> --opt subVectors=<m>: numPartitions / numSubVectors)
  --force                replace a store that holds another build
${PIPELINE_OPTIONS_HELP}
  --json                 print {"store","documents","written","resumedFrom","model","dim","pool","distance","index","bytes","timings"}
  --quiet, -q            no progress or warnings on stderr
`;

const OPTIONS = { ...COMMON_OPTIONS, ...PIPELINE_OPTIONS, ...DATA_OPTIONS, store: { type: 'string' }, force: { type: 'boolean' } } as const;

/** Bytes of every file under `dir` (local stores). */
async function folderBytes(dir: string): Promise<number> {
	let total = 0;
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const full = join(dir, entry.name);
		total += entry.isDirectory() ? await folderBytes(full) : (await stat(full)).size;
	}
	return total;
}

/** `latelab index build`: a LanceDB store from a collection. */
export async function indexCommand(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseCommand('latelab index', args, OPTIONS, 1);
	if (values.help) {
		io.stdout.write(INDEX_HELP);
		return 0;
	}
	if (positionals[0] !== 'build') {
		throw createError('BAD_ARGUMENT', { detail: `index: expected the subcommand "build" (latelab index build --data ... --store lancedb:<dir>), got ${positionals[0] === undefined ? 'none' : `"${positionals[0]}"`}` });
	}
	const data = requireString(values, 'data', 'latelab index build');
	requireString(values, 'store', 'latelab index build');
	const spec = storeFromArgs(values, io.cwd)!;
	if (typeof values.pipeline === 'string' && values.pipeline !== 'colbert') {
		throw createError('BAD_ARGUMENT', { detail: `index build writes ColBERT multi-vectors: use --pipeline colbert (or none), not "${values.pipeline}"` });
	}
	const { options } = pipelineFromArgs({ ...values, pipeline: 'colbert' }, 'index build');
	if (options.storage !== undefined && options.storage !== 'fp32') {
		throw createError('BAD_ARGUMENT', { detail: `index build: a LanceDB store holds float32 vectors; --opt storage=${String(options.storage)} has no LanceDB counterpart (docs/SCALE.md: use --opt index=ivf_pq, or latelab export for Qdrant's quantisation)` });
	}
	const index = options.index ?? 'none';
	if (index !== 'none' && index !== 'ivf_pq') throw createError('UNKNOWN_OPTION', { what: 'index (--opt index=...)', value: String(index), expected: 'none, ivf_pq' });
	for (const key of ['partitions', 'subVectors']) {
		const v = options[key];
		if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) throw createError('BAD_ARGUMENT', { detail: `--opt ${key} expects a positive integer, got ${String(v)}` });
	}
	// Model settings on a vectors folder without a model to apply them to are refused, not ignored.
	checkVectorsFolderOptions('colbert', options, await isMultiVectorFolder(resolve(io.cwd, data)));
	// Before any work: a local store must be writable (nothing is created if it is not).
	if (spec.local) assertWritableStore(spec.uri);
	const ctx = commandContext(io, values.quiet === true);
	const { corpus, loadMs } = await loadData(ctx, data, { requireBeir: true, duplicateIds: duplicateIdPolicy(values) });
	const deps = { ...cliNeuralDeps(), onWarning: (m: string) => warn(ctx, m) };
	const modules = lanceModules();
	const { writeLanceStore, buildLanceIndex, openStoreTable } = await import('../../lib/engine/engines/lancedb-write');
	const { storeModelOf } = await import('../../lib/engine/engines/lancedb-pipeline');
	const { openMultiVectorSource } = await import('../../lib/engine/pipelines/multivector-source');

	const started = performance.now();
	const result = await withInterrupt(io.stderr, async (signal) => {
		const nctx: NeuralContext = { corpus, options: cliPipelineOptions(options, io.env), signal, onProgress: (p) => ctx.progress.update(p), onWarning: (m) => warn(ctx, m), onInfo: (m) => inform(ctx, m) };
		const model = await storeModelOf(nctx, deps);
		const fingerprint = await corpusFingerprint(corpus.docs);
		// Refuse another build before encoding anything (writeLanceStore checks again, with the dim).
		const existing = values.force !== true ? await openStoreTable(modules, spec.uri).catch(() => undefined) : undefined;
		const had = existing?.meta;
		if (existing && values.force !== true && (!had || had.model !== model || had.source !== fingerprint || had.pool !== (options.pool ?? 1))) {
			const what = had ? `another build (model ${had.model}, dim ${had.dim}, pool ${had.pool}, ${had.documents} documents)` : 'a table latelab did not write';
			throw createError('BAD_ARGUMENT', { detail: `store ${spec.uri} already holds ${what}; add --force to replace it` });
		}
		const source = await openMultiVectorSource(nctx, deps);
		try {
			const meta = { model, dim: source.dim, pool: source.pool, documents: corpus.docs.length, source: fingerprint, kind: source.kind };
			const report = await writeLanceStore({
				modules,
				uri: spec.uri,
				meta,
				source,
				info: (row) => corpus.docs[row],
				replace: values.force === true,
				signal,
				onProgress: (p) => ctx.progress.update(p)
			});
			ctx.progress.finish();
			const built = index === 'ivf_pq' ? await buildLanceIndex(modules, spec.uri, { partitions: options.partitions as number | undefined, subVectors: options.subVectors as number | undefined }) : undefined;
			return { meta, report, built, sourceTimings: source.buildTimings };
		} finally {
			await source.dispose();
		}
	});
	const { openLanceStore } = await import('../../lib/engine/engines/lancedb-search');
	const store = await openLanceStore(modules, spec.uri);
	const totalMs = performance.now() - started;
	const bytes = spec.local ? await folderBytes(resolve(spec.uri)) : null;
	const out = {
		store: `lancedb:${spec.uri}`,
		documents: result.meta.documents,
		written: result.report.written,
		resumedFrom: result.report.resumedFrom,
		model: result.meta.model,
		dim: result.meta.dim,
		pool: result.meta.pool,
		distance: store.meta.distance,
		index: store.indices,
		bytes,
		timings: {
			loadMs: ms(loadMs),
			sourceMs: ms(result.sourceTimings.reduce((s, t) => s + t.ms, 0)),
			writeMs: ms(result.report.ms),
			indexMs: result.built ? ms(result.built.ms) : null,
			totalMs: ms(totalMs)
		}
	};
	if (values.json === true) {
		io.stdout.write(toJson(out));
		return 0;
	}
	const resumed = out.resumedFrom > 0 ? ` (continued after ${out.resumedFrom} already written)` : '';
	io.stdout.write(`store ${out.store}: ${out.documents} documents, model ${out.model}, dim ${out.dim}, pool ${out.pool}, distance ${out.distance}\n`);
	io.stdout.write(`wrote ${out.written}${resumed} in ${(out.timings.writeMs / 1000).toFixed(1)} s${out.index.length ? `; index ${out.index.join(', ')} in ${((out.timings.indexMs ?? 0) / 1000).toFixed(1)} s` : ''}${bytes !== null ? `; ${(bytes / 1e6).toFixed(1)} MB on disk` : ''}\n`);
	return 0;
}
