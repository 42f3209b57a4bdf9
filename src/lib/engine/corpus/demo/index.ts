/**
 * The embedded demo corpus: 112 short original passages over 8 topics and 28 queries with graded
 * judgments, written so that BM25, bi-encoders, cross-encoders and ColBERT disagree in ways worth
 * looking at (see README.md beside this file for every query and which paradigm should win).
 *
 * The data is a plain JSON file imported relatively, so it loads unchanged in Vite, tsx/Node,
 * vitest and tslab notebooks (CommonJS `require` of JSON). It is about 45 KB.
 */
import type { Corpus, Doc, Qrels, Query } from '../../types';
import raw from './demo-corpus.json';

/** What a demo query is built to show; the UI displays it next to the query. */
export type DemoTag =
	| 'paraphrase'
	| 'rare-term'
	| 'keyword-stuffing'
	| 'ambiguity'
	| 'multi-aspect'
	| 'negation'
	| 'keyword-vs-question';

/** Every tag, in the order the README and the playground list them. */
export const DEMO_TAGS: readonly DemoTag[] = Object.freeze([
	'paraphrase',
	'rare-term',
	'keyword-stuffing',
	'ambiguity',
	'multi-aspect',
	'negation',
	'keyword-vs-question'
]);

/** The topics the passages are written about, one per document. */
export type DemoTopic = 'health' | 'finance' | 'computing' | 'geography' | 'cooking' | 'astronomy' | 'wildlife' | 'sport';

/** Why a demo query is there: `purpose` is one sentence for the UI, `shows` its tag. */
export interface DemoQueryInfo {
	purpose: string;
	shows: DemoTag;
}

/**
 * The shape of `demo-corpus.json` (BEIR-like field names, plus `topic`, `purpose` and `shows`).
 * `qrels[qid][docid]` is the grade: 0 judged not relevant, 1 partly, 2 relevant, 3 perfect.
 */
export interface DemoCorpusFile {
	name: string;
	description: string;
	docs: { _id: string; title: string; text: string; topic: DemoTopic }[];
	queries: ({ _id: string; text: string } & DemoQueryInfo)[];
	qrels: Record<string, Record<string, number>>;
}

const file = raw as DemoCorpusFile;
const queryInfo = new Map<string, DemoQueryInfo>(file.queries.map((q) => [q._id, { purpose: q.purpose, shows: q.shows }]));
const docTopics = new Map<string, DemoTopic>(file.docs.map((d) => [d._id, d.topic]));

/**
 * The raw file contents, for tests and tools that need `topic`, `purpose` or `shows` in bulk.
 * Treat it as read-only: it is the single shared copy.
 */
export function demoCorpusFile(): Readonly<DemoCorpusFile> {
	return file;
}

/**
 * The demo corpus as an engine `Corpus`. Each call returns fresh arrays and maps, so a caller may
 * mutate its copy without affecting others.
 * @example
 * const demo = loadDemoCorpus();
 * demo.docs.length                      // 112
 * demo.qrels.get('q01')?.get('med-01')  // 3 (the myocardial infarction passage)
 */
export function loadDemoCorpus(): Corpus {
	const docs: Doc[] = file.docs.map((d) => ({ id: d._id, title: d.title, text: d.text }));
	const queries: Query[] = file.queries.map((q) => ({ id: q._id, text: q.text }));
	const qrels: Qrels = new Map(
		Object.entries(file.qrels).map(([qid, judged]) => [qid, new Map(Object.entries(judged))])
	);
	return { name: file.name, docs, queries, qrels, warnings: [] };
}

/**
 * What a demo query shows, or `undefined` for an id that is not a demo query (e.g. a query from a
 * user's own collection, for which the UI shows nothing).
 * @example demoQueryInfo('q06') // { purpose: 'An exact vulnerability id: ...', shows: 'rare-term' }
 */
export function demoQueryInfo(id: string): DemoQueryInfo | undefined {
	const info = queryInfo.get(id);
	return info && { ...info };
}

/**
 * The topic of a demo document, or `undefined` for an unknown id; lets views colour hits by topic.
 * @example demoDocTopic('geo-03') // 'geography'
 */
export function demoDocTopic(id: string): DemoTopic | undefined {
	return docTopics.get(id);
}
