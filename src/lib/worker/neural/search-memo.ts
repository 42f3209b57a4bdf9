/**
 * The last few searches of each prepared pipeline, shared by concurrent callers: when the page asks a
 * compressed ColBERT panel for its drift against the exact panel, the exact panel's search for the same
 * query (which the page is running at the same time) is computed once. Keyed by the pipeline object,
 * so a panel rebuilt with other options never answers from its predecessor's results.
 */
import type { SearchResult } from '../../engine/types';

type Result = SearchResult & { kernel: string };

const KEEP = 4;
const memo = new WeakMap<object, Map<string, Promise<Result>>>();

/**
 * `run()` once per (pipeline, query, k) among the last `KEEP` keys of that pipeline; a failed search is
 * forgotten so a retry runs again.
 * @example await memoSearch(pipeline, 'q', 10, () => pipeline.search('q', 10)) // the same promise for a second caller
 */
export function memoSearch(pipeline: object, query: string, k: number, run: () => Promise<Result>): Promise<Result> {
	let entries = memo.get(pipeline);
	if (!entries) memo.set(pipeline, (entries = new Map()));
	const key = `${k}\u0000${query}`;
	const hit = entries.get(key);
	if (hit) return hit;
	const promise = run();
	entries.set(key, promise);
	promise.catch(() => entries!.delete(key));
	while (entries.size > KEEP) entries.delete(entries.keys().next().value as string);
	return promise;
}
