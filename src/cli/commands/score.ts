import { resolve } from 'node:path';
import { loadCorpusFromPath } from '../../lib/engine/corpus/node-files';
import type { BiEncoder, ColbertEncoder, CrossEncoder, ModelRef } from '../../lib/engine/encoders/encoder';
import { createError } from '../../lib/engine/errors';
import { explainMaxSim } from '../../lib/engine/explain/maxsim-matrix';
import { occlusion } from '../../lib/engine/explain/occlusion';
import { meanPooledContributions } from '../../lib/engine/explain/pooled-contributions';
import { maxSim } from '../../lib/engine/maxsim/maxsim';
import { documentText } from '../../lib/engine/pipelines/neural-context';
import type { ModelRole } from '../../lib/engine/pipelines/registry';
import { COMMON_OPTIONS, modelRunFlags, parseCommand, parseExtraOptions, requireString } from '../args';
import { bytesPerVector, decodeFp16, encodeBinary, encodeFp16, encodeInt8, maxSimBinary, maxSimInt8 } from '../../lib/engine/compress/codecs';
import { poolFactorOf, poolHierarchical } from '../../lib/engine/compress/pool-hierarchical';
import { trainResidualCodec } from '../../lib/engine/compress/residual';
import type { NeuralPipelineOptions } from '../../lib/engine/pipelines/neural-context';
import { storageOptionsOf, type StorageOptions } from '../../lib/engine/pipelines/storage-index';
import type { TokenMatrix } from '../../lib/engine/types';
import type { CliIo } from '../io';
import { resolveCliModel } from '../neural-deps';
import { commandContext, printable, table, toJson, warn } from './shared';

export const SCORE_HELP = `Usage: latelab score --pipeline dense|cross|colbert --model <id|dir> --query "<text>" --docs <file> [options]

Scores every document of --docs against one query with one model and prints the scores in input
order (no ranking, no cache): dense = cosine of the bi-encoder vectors, cross = the cross-encoder's
logit, colbert = MaxSim over the ColBERT token vectors.

Options:
  --pipeline, -p <name>  dense, cross or colbert
  --model <id|dir>       Hub id or local model folder (Hub layout)
  --query <text>         the query (quote it)
  --docs <file>          .jsonl ({"_id" or "id", "text", "title"?}) or .txt (one document per line)
  --dtype <name>         model weights: fp32 (Node default), fp16, q8, int8, uint8, q4, q4f16, bnb4
  --device <name>        cpu (Node default), wasm or webgpu
  --opt pool=<factor>    colbert: hierarchical token pooling of each document (PyLate; default 1)
  --opt storage=<fmt>    colbert: score the stored format fp32 (default), fp16, int8, binary or
                         residual (--opt bits=1|2; codec trained on these documents)
  --explain              colbert: query/document token ids and strings and each query token's argmax;
                         dense: each document token's share of the cosine (mean pooling only);
                         cross: logit drop when each document word is removed (at most 64 variants)
  --json                 print {"pipeline","model","scores":[{"id","score"[,"explain"]}]}; colbert
                         entries also carry "vectors" (stored after pooling) and "bytes" (in the format)
  --quiet, -q            no progress or warnings on stderr
`;

const OPTIONS = {
	...COMMON_OPTIONS,
	pipeline: { type: 'string', short: 'p' },
	model: { type: 'string' },
	query: { type: 'string' },
	docs: { type: 'string' },
	dtype: { type: 'string' },
	device: { type: 'string' },
	explain: { type: 'boolean' },
	opt: { type: 'string', multiple: true }
} as const;

const ROLES: Record<string, ModelRole> = { dense: 'bi-encoder', cross: 'cross-encoder', colbert: 'colbert' };

interface Scored {
	id: string;
	score: number;
	/** colbert: stored vectors after pooling, and their bytes in the storage format. */
	vectors?: number;
	bytes?: number;
	explain?: unknown;
}

/** `latelab score`: one query against a small list of documents, scores in input order. */
export async function scoreCommand(args: string[], io: CliIo): Promise<number> {
	const { values } = parseCommand('latelab score', args, OPTIONS, 0);
	if (values.help) {
		io.stdout.write(SCORE_HELP);
		return 0;
	}
	const pipeline = requireString(values, 'pipeline', 'latelab score');
	const role = ROLES[pipeline];
	if (!role) throw createError('UNKNOWN_OPTION', { what: 'score pipeline', value: pipeline, expected: Object.keys(ROLES).join(', ') });
	const modelSpec = requireString(values, 'model', 'latelab score');
	const query = requireString(values, 'query', 'latelab score');
	const docsPath = requireString(values, 'docs', 'latelab score');
	const ref: ModelRef = { ...resolveCliModel(modelSpec, io.cwd), ...modelRunFlags(values) };
	const explain = values.explain === true;
	const extra = parseExtraOptions(((values.opt as string[] | undefined) ?? []).map(String));
	const unknown = Object.keys(extra).filter((key) => !['pool', 'storage', 'bits'].includes(key));
	if (unknown.length > 0) throw createError('BAD_ARGUMENT', { detail: `score: --opt ${unknown[0]} is not a score option (pool, storage, bits)` });
	if (Object.keys(extra).length > 0 && role !== 'colbert') throw createError('BAD_ARGUMENT', { detail: 'score: --opt pool/storage/bits apply to --pipeline colbert' });
	const stored = { pool: poolFactorOf(extra.pool), storage: storageOptionsOf(extra as NeuralPipelineOptions) };
	if (explain && (stored.pool > 1 || stored.storage.format !== 'fp32')) throw createError('BAD_ARGUMENT', { detail: 'score: --explain shows fp32 unpooled vectors; drop --opt pool/storage' });
	const ctx = commandContext(io, values.quiet === true);

	const corpus = await loadCorpusFromPath(resolve(io.cwd, docsPath), { textMode: 'lines', duplicateIds: 'error' });
	for (const w of corpus.warnings) warn(ctx, w);
	const texts = corpus.docs.map(documentText);

	const { loadEncoder } = await import('../../lib/engine/encoders/load-encoder');
	const encoder = await loadEncoder(role, ref, {
		onProgress: (p) => {
			// A local folder is read, not downloaded: its file progress is no 'download' (on a busy machine the
			// read passes the 1 s quiet threshold and would print a download line on stderr).
			if (p.totalBytes && !ref.localDir) ctx.progress.update({ stage: 'download', done: p.totalLoaded ?? 0, total: p.totalBytes, unit: 'bytes' });
		}
	});
	ctx.progress.finish();
	let scores: Scored[];
	try {
		if (encoder.kind === 'bi-encoder') scores = await scoreDense(encoder, query, texts, explain);
		else if (encoder.kind === 'cross-encoder') scores = await scoreCross(encoder, query, texts, explain);
		else scores = await scoreColbert(encoder, query, texts, explain, stored);
	} finally {
		await encoder.dispose();
	}
	scores.forEach((s, i) => (s.id = corpus.docs[i].id));

	if (values.json === true) {
		const entry = (s: Scored) => ({ id: s.id, score: s.score, ...(s.vectors !== undefined ? { vectors: s.vectors, bytes: s.bytes } : {}), ...(explain ? { explain: s.explain } : {}) });
		io.stdout.write(toJson({ pipeline, model: encoder.modelId, ...(role === 'colbert' ? { pool: stored.pool, storage: stored.storage.format } : {}), scores: scores.map(entry) }));
		return 0;
	}
	const rows = [['id', 'score'], ...scores.map((s) => [printable(s.id), s.score.toFixed(4)])];
	io.stdout.write(table(rows, [false, true]));
	if (explain) for (const s of scores) io.stdout.write(describeExplain(s));
	return 0;
}

async function scoreDense(encoder: BiEncoder, query: string, texts: string[], explain: boolean): Promise<Scored[]> {
	const q = await encoder.encode([query], 'query');
	const d = await encoder.encode(texts, 'document');
	const qv = q.data.subarray(0, q.dim);
	const out: Scored[] = [];
	for (let i = 0; i < texts.length; i++) {
		let score = 0;
		for (let k = 0; k < d.dim; k++) score += qv[k] * d.data[i * d.dim + k];
		const entry: Scored = { id: '', score };
		if (explain) {
			if (encoder.pooling.mode !== 'mean') {
				entry.explain = { applicable: false, reason: `${encoder.pooling.mode.toUpperCase()} pooling (${encoder.pooling.source}): no exact per-token split` };
			} else {
				const c = meanPooledContributions(qv, await encoder.tokenVectors(texts[i], 'document'));
				entry.explain = { docIds: c.ids, docTokens: c.tokens, shares: c.values, sum: c.score };
			}
		}
		out.push(entry);
	}
	return out;
}

async function scoreCross(encoder: CrossEncoder, query: string, texts: string[], explain: boolean): Promise<Scored[]> {
	const logits = await encoder.score(query, texts);
	const out: Scored[] = [];
	for (let i = 0; i < texts.length; i++) {
		const entry: Scored = { id: '', score: logits[i] };
		if (explain) {
			const e = await occlusion(encoder, query, texts[i]);
			entry.explain = { words: e.units.map((u) => u.text), drops: e.units.map((u) => u.drop), capped: e.capped, ...(e.note ? { note: e.note } : {}) };
		}
		out.push(entry);
	}
	return out;
}

async function scoreColbert(encoder: ColbertEncoder, query: string, texts: string[], explain: boolean, stored: { pool: number; storage: StorageOptions }): Promise<Scored[]> {
	const q = await encoder.encodeQuery(query);
	const docs = await encoder.encodeDocuments(texts);
	if (!explain) {
		const pooled = docs.map((d) => poolHierarchical(d.matrix, stored.pool).matrix);
		const scoreOf = storedScorer(q.matrix, pooled, stored.storage);
		const per = bytesPerVector(stored.storage.format, q.matrix.dim, stored.storage.format === 'residual' ? stored.storage.bits : undefined);
		return pooled.map((m) => ({ id: '', score: scoreOf(m), vectors: m.rows, bytes: m.rows * per }));
	}
	return docs.map((d) => {
		const e = explainMaxSim(q, d);
		return {
			id: '',
			score: e.score,
			vectors: d.matrix.rows,
			bytes: d.matrix.rows * 4 * d.matrix.dim,
			explain: { queryIds: e.queryIds, queryTokens: e.queryTokens, docIds: e.docIds, docTokens: e.docTokens, argmax: e.argmax }
		};
	});
}

/** MaxSim of `q` with a document as the storage format scores it (the codecs' reference arithmetic). */
function storedScorer(q: TokenMatrix, docs: TokenMatrix[], storage: StorageOptions): (d: TokenMatrix) => number {
	switch (storage.format) {
		case 'fp16':
			return (d) => maxSim(q, { ...d, data: decodeFp16(encodeFp16(d.data)) });
		case 'int8':
			return (d) => maxSimInt8(q, encodeInt8(d));
		case 'binary': {
			const qb = encodeBinary(q);
			return (d) => maxSimBinary(qb, encodeBinary(d));
		}
		case 'residual': {
			// A codec trained on these documents (ColBERTv2's centroid count, capped by the vectors there are).
			const codec = trainResidualCodec(docs, { bits: storage.bits, ...(storage.centroids ? { centroids: storage.centroids } : {}) });
			return (d) => maxSim(q, codec.decode(codec.encode(d)));
		}
		default:
			return (d) => maxSim(q, d);
	}
}

/** Human-readable explanation of one document's score. */
function describeExplain(s: Scored): string {
	const e = s.explain as Record<string, unknown>;
	const lines = [`\n${printable(s.id)} (${s.score.toFixed(4)}):`];
	if (Array.isArray(e.argmax)) {
		const qt = e.queryTokens as string[];
		const dt = e.docTokens as string[];
		const pairs = (e.argmax as number[]).map((j, i) => `${qt[i]}->${j >= 0 ? dt[j] : '(none)'}`);
		lines.push(`  argmax: ${printable(pairs.join(' '))}`);
	} else if (Array.isArray(e.shares)) {
		const tokens = e.docTokens as string[];
		lines.push(`  shares: ${printable((e.shares as number[]).map((v, i) => `${tokens[i]}:${v.toFixed(3)}`).join(' '))}`);
	} else if (Array.isArray(e.drops)) {
		const words = e.words as string[];
		lines.push(`  drops: ${printable((e.drops as number[]).map((v, i) => `${words[i]}:${v.toFixed(3)}`).join(' '))}`);
		if (e.note) lines.push(`  note: ${String(e.note)}`);
	} else lines.push(`  ${String(e.reason)}`);
	return lines.join('\n') + '\n';
}
