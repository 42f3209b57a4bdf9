/**
 * Relevance judgments: BEIR `qrels/<split>.tsv` (header line, then `query-id<TAB>corpus-id<TAB>score`)
 * and, for convenience, TREC qrels (`qid iter docid rel`, whitespace separated, no header).
 */
import { createError } from '../errors';
import type { Doc, Qrels, Query } from '../types';
import { readLines } from './lines';
import type { ByteSource } from './sources';

/** Judgments read from one file, with non-fatal findings (repeated query/document pairs). */
export interface QrelsResult {
	qrels: Qrels;
	/** Number of judgment lines read. */
	judgments: number;
	warnings: string[];
}

const INTEGER = /^-?\d+$/;

/**
 * Reads a qrels file. Line 1 is skipped when its score column is not an integer (the BEIR header
 * `query-id corpus-id score`). Lines are split on tabs (3 fields) or, failing that, on whitespace
 * (3 fields, or 4 = TREC with the iteration column ignored). Scores must be integers. Blank lines are
 * skipped. A repeated (query, document) pair keeps the last score and adds a warning with the count.
 * Throws `BAD_QRELS_LINE` naming file and line, or `NOT_UTF8`.
 * @example
 * const { qrels } = await readQrels(stringSource('query-id\tcorpus-id\tscore\nq1\td7\t2\n'), { file: 'test.tsv' });
 * qrels.get('q1')?.get('d7') // 2
 */
export async function readQrels(source: ByteSource, options: { file: string }): Promise<QrelsResult> {
	const { file } = options;
	const qrels: Qrels = new Map();
	let judgments = 0;
	let repeats = 0;
	let firstRepeat = '';
	for await (const { text, line } of readLines(source, { file })) {
		if (text.trim() === '') continue;
		let fields = text.split('\t');
		if (fields.length !== 3) fields = text.trim().split(/\s+/);
		if (fields.length === 4) fields = [fields[0], fields[2], fields[3]];
		const [qid, docId, score] = fields.map((f) => f.trim());
		if (line === 1 && fields.length === 3 && !INTEGER.test(score)) continue;
		if (fields.length !== 3 || qid === '' || docId === '' || !INTEGER.test(score)) {
			const shown = text.length > 80 ? `${text.slice(0, 80)}...` : text;
			// Said when the shape is right but the grade is not: "got q3 d1 1.5" alone leaves the reader guessing.
			const why = fields.length === 3 && qid !== '' && docId !== '' ? ` (the grade ${JSON.stringify(score)} is not an integer)` : '';
			throw createError('BAD_QRELS_LINE', { detail: `${JSON.stringify(shown)}${why}` }, { file, line });
		}
		let perQuery = qrels.get(qid);
		if (!perQuery) qrels.set(qid, (perQuery = new Map()));
		if (perQuery.has(docId)) {
			if (repeats === 0) firstRepeat = `line ${line}: ${qid} ${docId}`;
			repeats++;
		}
		perQuery.set(docId, Number(score));
		judgments++;
	}
	const warnings =
		repeats > 0 ? [`${file}: ${repeats} repeated judgment(s) of the same query and document; the last one counts (first at ${firstRepeat})`] : [];
	return { qrels, judgments, warnings };
}

/**
 * Cross-checks judgments against the collection:
 * - an unknown id made of digits with leading zeros (`0756`) whose zero-less form is a known id (`756`)
 *   is mapped to it, with a warning (the shared CACM qrels pad 55 document ids this way);
 * - judgments naming other unknown documents are kept (as in trec_eval they count as relevant
 *   documents that can never be retrieved) and reported;
 * - judgments naming unknown queries cannot be evaluated, so they are dropped and reported. Pass
 *   `queries` as undefined when the collection came without a queries file: then none is dropped.
 * Returns the new qrels and one warning per kind of finding, each with a count and an example.
 * @example
 * crossCheckQrels(new Map([['q1', new Map([['dX', 1]])]]), [{ id: 'd1', title: '', text: '' }], [{ id: 'q1', text: '' }], 'test.tsv').warnings
 * // ['test.tsv: 1 judgment(s) name 1 document id(s) not in the corpus (e.g. "dX"); kept, they count as relevant but cannot be retrieved']
 */
export function crossCheckQrels(
	qrels: Qrels,
	docs: readonly Doc[],
	queries: readonly Query[] | undefined,
	file: string
): { qrels: Qrels; warnings: string[] } {
	const docIds = new Set(docs.map((d) => d.id));
	const queryIds = queries ? new Set(queries.map((q) => q.id)) : undefined;
	const docFix = new Tally();
	const queryFix = new Tally();
	const unknownDocs = new Tally();
	const unknownQueries = new Tally();
	const out: Qrels = new Map();
	for (const [rawQid, perQuery] of qrels) {
		let qid = rawQid;
		if (queryIds && !queryIds.has(qid)) {
			const fixed = withoutLeadingZeros(qid, queryIds);
			if (fixed === undefined) {
				unknownQueries.add(qid, perQuery.size);
				continue;
			}
			queryFix.add(`"${qid}" -> "${fixed}"`, perQuery.size);
			qid = fixed;
		}
		let target = out.get(qid);
		if (!target) out.set(qid, (target = new Map()));
		for (const [rawDocId, score] of perQuery) {
			let docId = rawDocId;
			if (!docIds.has(docId)) {
				const fixed = withoutLeadingZeros(docId, docIds);
				if (fixed === undefined) unknownDocs.add(docId);
				else {
					docFix.add(`"${docId}" -> "${fixed}"`);
					docId = fixed;
				}
			}
			target.set(docId, score);
		}
	}
	const warnings: string[] = [];
	if (docFix.count > 0) warnings.push(`${file}: ${docFix.count} judgment(s) name document ids with leading zeros, matched to the corpus ids without them (e.g. ${docFix.example})`);
	if (queryFix.count > 0) warnings.push(`${file}: ${queryFix.count} judgment(s) name query ids with leading zeros, matched to the query ids without them (e.g. ${queryFix.example})`);
	if (unknownDocs.count > 0) {
		warnings.push(
			`${file}: ${unknownDocs.count} judgment(s) name ${unknownDocs.distinct.size} document id(s) not in the corpus (e.g. "${unknownDocs.example}"); kept, they count as relevant but cannot be retrieved`
		);
	}
	if (unknownQueries.count > 0) {
		warnings.push(
			`${file}: ${unknownQueries.count} judgment(s) name ${unknownQueries.distinct.size} query id(s) not in the queries (e.g. "${unknownQueries.example}"); dropped, they cannot be evaluated`
		);
	}
	return { qrels: out, warnings };
}

/** `0756` -> `756` when that id is known; undefined otherwise. */
function withoutLeadingZeros(id: string, known: ReadonlySet<string>): string | undefined {
	if (!/^0+\d/.test(id)) return undefined;
	const stripped = id.replace(/^0+(?=\d)/, '');
	return known.has(stripped) ? stripped : undefined;
}

/** Counts findings: judgments affected, distinct keys, and the first key as an example. */
class Tally {
	count = 0;
	example = '';
	readonly distinct = new Set<string>();
	add(key: string, judgments = 1): void {
		if (this.count === 0) this.example = key;
		this.count += judgments;
		this.distinct.add(key);
	}
}
