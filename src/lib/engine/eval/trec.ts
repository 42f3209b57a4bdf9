import { createError } from '../errors';
import { readLines } from '../corpus/lines';
import type { ByteSource } from '../corpus/sources';
import type { Hit } from '../types';
import { rankedIds, type Run } from './metrics';

/**
 * TREC run files, the exchange format of trec_eval, Pyserini, ranx and ir_measures:
 * one line per retrieved document, `qid Q0 docid rank score tag`, fields separated by whitespace.
 * Qrels (`qid 0 docid rel`, and BEIR's TSV) are read by `readQrels` in `corpus/qrels.ts`.
 */

const INTEGER = /^-?\d+$/;

/**
 * Reads a run strictly: exactly 6 fields per non-blank line, an integer rank, a finite numeric score,
 * and no document twice for one query. Errors (`BAD_TREC_RUN`, `DUPLICATE_ID`, `NOT_UTF8`) name the
 * file and the 1-based line. The `Q0` and `tag` columns are not checked (trec_eval ignores them).
 * Hits keep the file's order and rank; metrics re-order them by score (see `rankedIds`).
 * @example
 * const run = await readTrecRun(stringSource('q1 Q0 d7 1 12.5 bm25\n'), { file: 'run.trec' });
 * run.get('q1') // [{ id: 'd7', score: 12.5, rank: 1 }]
 */
export async function readTrecRun(source: ByteSource, options: { file: string }): Promise<Run> {
	const { file } = options;
	const run: Run = new Map();
	const firstLine = new Map<string, Map<string, number>>();
	for await (const { text, line } of readLines(source, { file })) {
		const trimmed = text.trim();
		if (trimmed === '') continue;
		const fields = trimmed.split(/\s+/);
		if (fields.length !== 6) {
			throw createError('BAD_TREC_RUN', { detail: `${fields.length} field(s): ${shorten(trimmed)}` }, { file, line });
		}
		const [qid, , docId, rankText, scoreText] = fields;
		const score = Number(scoreText);
		if (!INTEGER.test(rankText)) {
			throw createError('BAD_TREC_RUN', { detail: `rank "${shorten(rankText)}" (not an integer)` }, { file, line });
		}
		if (scoreText === '' || !Number.isFinite(score)) {
			throw createError('BAD_TREC_RUN', { detail: `score "${shorten(scoreText)}" (not a finite number)` }, { file, line });
		}
		let seen = firstLine.get(qid);
		if (!seen) {
			firstLine.set(qid, (seen = new Map()));
			run.set(qid, []);
		}
		const earlier = seen.get(docId);
		if (earlier !== undefined) {
			throw createError('DUPLICATE_ID', { id: `${qid} ${docId}`, firstLine: earlier }, { file, line });
		}
		seen.set(docId, line);
		run.get(qid)!.push({ id: docId, score, rank: Number(rankText) });
	}
	return run;
}

/**
 * Writes a run as TREC lines, queries in the run's order, each query's hits in the order trec_eval
 * will read them (score descending, then id descending) with ranks 1..n, so the file evaluates
 * exactly like the in-memory run. Scores are written in full (shortest round-trip form) so ties
 * stay ties. Throws `BAD_ARGUMENT` for ids or a tag containing whitespace, which the format cannot hold.
 * @example formatTrecRun(new Map([['q1', [{ id: 'd7', score: 12.5, rank: 1 }]]]), 'bm25') // 'q1 Q0 d7 1 12.5 bm25\n'
 */
/** Throws `BAD_ARGUMENT` unless `tag` can be a TREC run's tag (non-empty, no whitespace). @example checkRunTag('bm25') // ok */
export function checkRunTag(tag: string): void {
	checkToken(tag, 'run tag');
}

export function formatTrecRun(run: Run, tag = 'latelab'): string {
	checkRunTag(tag);
	const lines: string[] = [];
	for (const [qid, hits] of run) {
		checkToken(qid, 'query id');
		const byId = new Map<string, Hit>();
		for (const hit of hits) if (!byId.has(hit.id) || byId.get(hit.id)!.score < hit.score) byId.set(hit.id, hit);
		rankedIds(hits).forEach((id, i) => {
			checkToken(id, 'document id');
			lines.push(`${qid} Q0 ${id} ${i + 1} ${byId.get(id)!.score} ${tag}`);
		});
	}
	return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function checkToken(value: string, what: string): void {
	if (value === '' || /\s/.test(value)) {
		throw createError('BAD_ARGUMENT', {
			detail: `a TREC run cannot hold the ${what} ${JSON.stringify(value)} (empty or containing whitespace)`
		});
	}
}

function shorten(text: string): string {
	return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
