/**
 * The last evaluation of each corpus, kept in this browser (IndexedDB `latelab-evaluations`) so a reload
 * finds its report again, with the runs behind it: choosing another baseline or exporting a TREC run
 * after a reload needs them, and running every judged query again would take minutes on a real model.
 * A record is found by `evaluationCorpusKey`, which changes whenever anything the metrics depend on
 * changes (documents, judged queries, judgments, a vectors folder's shape). Storage can fail (private
 * windows, quota): saving is then skipped and restoring finds nothing, never worse than not saving.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { corpusFingerprint, sha256Hex } from '../engine/corpus/fingerprint';
import { isMultiVectorCorpus } from '../engine/corpus/multivector-folder';
import type { Run } from '../engine/eval';
import type { Corpus, Qrels, Query } from '../engine/types';
import { withIndexedDb } from '../engine/store/idb-docs';
import type { EvaluationReport } from './evaluate-protocol';
import type { PanelId } from './protocol';

export const EVALUATIONS_DB = 'latelab-evaluations';
/** Corpora whose last evaluation is kept; the oldest saved goes first. */
export const MAX_SAVED_EVALUATIONS = 8;

/** The shape of a saved report; a record of another version (an older latelab's) is not shown. */
export const SAVED_EVALUATION_VERSION = 1;

export interface SavedEvaluation {
	corpusKey: string;
	version?: number;
	/** Roughly what the record takes (set on save: the report as JSON, 16 bytes per hit plus its id). */
	bytes?: number;
	/** `Date.now()` when it was saved. */
	savedAt: number;
	/** The report as last shown (the comparison of the baseline last chosen). */
	report: EvaluationReport;
	runs: Map<PanelId, Run>;
}

/** Where saved evaluations live (IndexedDB in the browser, a Map in tests and Node). */
export interface EvaluationArchive {
	save(record: SavedEvaluation): Promise<void>;
	load(corpusKey: string): Promise<SavedEvaluation | undefined>;
	/** Forgets the evaluation of one corpus. */
	delete(corpusKey: string): Promise<void>;
}

/**
 * A key for `corpus` and its judgments: SHA-256 over the documents' fingerprint (`fingerprint` when the
 * caller has it), the judged queries (id and text), the judgments, and for a vectors folder its
 * manifest and per-document vector counts.
 * @example await evaluationCorpusKey(loadDemoCorpus(), judgedQueries(loadDemoCorpus())) // 64 hex characters
 */
export async function evaluationCorpusKey(corpus: Corpus, judged: { queries: readonly Query[]; qrels: Qrels }, fingerprint?: string): Promise<string> {
	const parts: unknown[] = [fingerprint ?? (await corpusFingerprint(corpus.docs)), judged.queries.map((q) => [q.id, q.text])];
	parts.push([...judged.qrels].map(([qid, grades]) => [qid, [...grades].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]));
	if (isMultiVectorCorpus(corpus)) {
		const mv = corpus.multivector;
		parts.push(mv.manifest, mv.dim, mv.totalVectors, corpus.docs.map((_, i) => mv.tokenCount(i)));
	}
	return sha256Hex(new TextEncoder().encode(JSON.stringify(parts)));
}

/** An archive in memory (Node, tests, a browser without IndexedDB): it lasts as long as the worker. */
export class MemoryEvaluationArchive implements EvaluationArchive {
	private readonly records = new Map<string, SavedEvaluation>();

	async save(record: SavedEvaluation): Promise<void> {
		this.records.delete(record.corpusKey);
		this.records.set(record.corpusKey, record);
		while (this.records.size > MAX_SAVED_EVALUATIONS) this.records.delete(this.records.keys().next().value!);
	}

	async load(corpusKey: string): Promise<SavedEvaluation | undefined> {
		return this.records.get(corpusKey);
	}

	async delete(corpusKey: string): Promise<void> {
		this.records.delete(corpusKey);
	}
}

interface EvaluationsSchema extends DBSchema {
	evaluations: { key: string; value: SavedEvaluation; indexes: { bySavedAt: number } };
}

/** The browser's archive: one IndexedDB record per corpus key (runs stay `Map`s: structured clone keeps them). */
export class IndexedDbEvaluationArchive implements EvaluationArchive {
	private db: Promise<IDBPDatabase<EvaluationsSchema>> | undefined;

	constructor(
		private readonly factory: IDBFactory | undefined = globalThis.indexedDB,
		private readonly name = EVALUATIONS_DB
	) {}

	private open(): Promise<IDBPDatabase<EvaluationsSchema>> {
		this.db ??= withIndexedDb(this.factory, () =>
			openDB<EvaluationsSchema>(this.name, 1, {
				upgrade(db) {
					db.createObjectStore('evaluations', { keyPath: 'corpusKey' }).createIndex('bySavedAt', 'savedAt');
				}
			})
		);
		return this.db;
	}

	async save(record: SavedEvaluation): Promise<void> {
		const db = await this.open();
		const tx = db.transaction('evaluations', 'readwrite');
		await tx.store.put({ ...record, version: SAVED_EVALUATION_VERSION, bytes: recordBytes(record) });
		const keys = await tx.store.index('bySavedAt').getAllKeys();
		// Oldest first: drop all but the newest MAX_SAVED_EVALUATIONS.
		await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_SAVED_EVALUATIONS)).map((k) => tx.store.delete(k)));
		await tx.done;
	}

	async load(corpusKey: string): Promise<SavedEvaluation | undefined> {
		const record = await (await this.open()).get('evaluations', corpusKey);
		return record?.version === SAVED_EVALUATION_VERSION ? record : undefined;
	}

	async delete(corpusKey: string): Promise<void> {
		await (await this.open()).delete('evaluations', corpusKey);
	}

	/** How many corpora have a saved evaluation, and roughly their bytes (for the page's list of caches). */
	async summary(): Promise<{ evaluations: number; bytes: number }> {
		const records = await (await this.open()).getAll('evaluations');
		return { evaluations: records.length, bytes: records.reduce((sum, r) => sum + (r.bytes ?? 0), 0) };
	}

	async clear(): Promise<void> {
		await (await this.open()).clear('evaluations');
	}
}

/** A record's rough size: its report as JSON plus 16 bytes per hit (score, rank) and the hit's id. */
function recordBytes(record: SavedEvaluation): number {
	let bytes = JSON.stringify(record.report).length;
	for (const run of record.runs.values()) for (const [qid, hits] of run) bytes += qid.length + hits.reduce((sum, h) => sum + h.id.length + 16, 0);
	return bytes;
}
