/**
 * BEIR collections from named byte sources: `corpus.jsonl` (required), `queries.jsonl` and
 * `qrels/<split>.tsv` (both optional). Shared by the Node folder loader (`node-files.ts`) and the
 * browser loader for dropped folders and zips (`blobs.ts`).
 */
import type { Corpus, Qrels, Query } from '../types';
import { readJsonlDocs, readJsonlQueries } from './jsonl-docs';
import { crossCheckQrels, readQrels } from './qrels';
import { type ByteSource, type LoadProgress, withByteCount } from './sources';
import type { DuplicateIdPolicy } from './validate';

/** A byte source with the name used in messages and, when known, its size for progress. */
export interface NamedSource {
	file: string;
	source: ByteSource;
	size?: number;
}

export interface BeirSources {
	name: string;
	corpus: NamedSource;
	queries?: NamedSource;
	qrels?: NamedSource;
	/** Repeated document or query ids: throw `DUPLICATE_ID` (default) or keep the first and warn. */
	duplicateIds?: DuplicateIdPolicy;
	onProgress?: (progress: LoadProgress) => void;
}

/**
 * Reads a BEIR collection. All queries in `queries.jsonl` are kept (evaluation averages over judged
 * queries only, i.e. the keys of `qrels`). Qrels naming unknown ids give warnings, not errors
 * (see `crossCheckQrels`). Errors name file and line.
 * @example
 * const c = await loadBeirSources({ name: 'tiny', corpus: { file: 'corpus.jsonl', source: stringSource('{"_id":"d1","text":"a"}') } });
 * // c.docs.length === 1, c.queries.length === 0, c.qrels.size === 0
 */
export async function loadBeirSources(input: BeirSources): Promise<Corpus> {
	const track = progressTracker([input.corpus, input.queries, input.qrels], input.onProgress);
	const { docs, warnings } = await readJsonlDocs(track.wrap(input.corpus.source), {
		file: input.corpus.file,
		idKeys: ['_id'],
		duplicateIds: input.duplicateIds,
		onDocs: track.docs
	});
	let queries: Query[] | undefined;
	if (input.queries) {
		const read = await readJsonlQueries(track.wrap(input.queries.source), { file: input.queries.file, duplicateIds: input.duplicateIds });
		queries = read.queries;
		warnings.push(...read.warnings);
	}
	let qrels: Qrels = new Map();
	if (input.qrels) {
		const read = await readQrels(track.wrap(input.qrels.source), { file: input.qrels.file });
		const checked = crossCheckQrels(read.qrels, docs, queries, input.qrels.file);
		qrels = checked.qrels;
		warnings.push(...read.warnings, ...checked.warnings);
	}
	return { name: input.name, docs, queries: queries ?? [], qrels, warnings };
}

/**
 * Sums bytes over several sources and reports `{ bytes, totalBytes, docs }` to `onProgress`
 * (totalBytes is 0 when some size is unknown).
 */
export function progressTracker(
	sources: ReadonlyArray<{ size?: number } | undefined>,
	onProgress?: (progress: LoadProgress) => void
): { wrap: (source: ByteSource) => ByteSource; docs: (n: number) => void } {
	const present = sources.filter((s): s is { size?: number } => s !== undefined);
	const totalBytes = present.every((s) => s.size !== undefined) ? present.reduce((sum, s) => sum + (s.size ?? 0), 0) : 0;
	const state: LoadProgress = { bytes: 0, totalBytes, docs: 0 };
	if (!onProgress) return { wrap: (s) => s, docs: () => {} };
	return {
		wrap: (source) =>
			withByteCount(source, (n) => {
				state.bytes += n;
				onProgress({ ...state });
			}),
		docs: (n) => {
			state.docs = n;
			onProgress({ ...state });
		}
	};
}
