/**
 * A `MaxSimScorer` that switches to a slower backend when its own fails at run time (a lost GPU
 * device, a crashed kernel worker): the failed call is replayed on the fallback, which first gets
 * every document added so far. Callers see a warning, never a wrong answer. Where the documents can
 * be read again (`reread`: a vectors folder, an encoded corpus) none are kept here; otherwise the
 * added matrices are (a float copy of the collection beside the backend's own).
 */
import { createError, isLatelabError } from '../errors';
import type { TokenMatrix } from '../types';
import type { MaxSimBackendName, MaxSimScorer, ScoredIndex } from './maxsim';

/** Errors that mean "this backend is gone", as opposed to bad input. */
function isBackendFailure(error: unknown): boolean {
	return isLatelabError(error) && (error.code === 'DEVICE_LOST' || error.code === 'BACKEND_UNAVAILABLE');
}

/**
 * The documents added so far, read again in the order they were added, in batches (it may yield
 * more than were added: the fallback takes the first `size`).
 */
export type DocumentReader = () => AsyncIterable<readonly TokenMatrix[]>;

/**
 * Wraps `primary`; on a backend failure calls `makeFallback()`, re-adds the documents and retries.
 * With `reread`, the documents come from it then; without, this keeps references to the added
 * matrices (not copies): do not modify them after `add`.
 * @example
 * const scorer = new FallbackScorer(gpuScorer, () => WasmMaxSimScorer.create({ dim }), (w) => warnings.push(w), () => source.batches());
 */
export class FallbackScorer implements MaxSimScorer {
	private current: MaxSimScorer;
	private readonly docs: TokenMatrix[] = [];
	/** Documents added (and accepted) so far. */
	private added = 0;
	private switching: Promise<void> | undefined;

	constructor(
		primary: MaxSimScorer,
		private readonly makeFallback: () => Promise<MaxSimScorer>,
		private readonly warn: (message: string) => void,
		private readonly reread?: DocumentReader
	) {
		this.current = primary;
	}

	/** Documents kept here for a hand-over (0 with `reread`). */
	get keptDocuments(): number {
		return this.docs.length;
	}

	get backend(): MaxSimBackendName {
		return this.current.backend;
	}
	get threads(): number {
		return this.current.threads;
	}
	get dim(): number {
		return this.current.dim;
	}
	get size(): number {
		return this.current.size;
	}
	/** The scorer doing the work now (the primary until it failed). */
	get active(): MaxSimScorer {
		return this.current;
	}

	async add(docs: TokenMatrix[]): Promise<void> {
		await this.guard((s) => s.add(docs));
		this.added += docs.length;
		if (!this.reread) this.docs.push(...docs);
	}

	async reserve(rows: readonly number[]): Promise<void> {
		await this.current.reserve?.(rows);
	}

	score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		return this.guard((s) => s.score(query, subset));
	}

	topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		return this.guard((s) => s.topK(query, k, subset));
	}

	dispose(): Promise<void> {
		this.docs.length = 0;
		return this.current.dispose();
	}

	private async guard<T>(call: (scorer: MaxSimScorer) => Promise<T>): Promise<T> {
		const scorer = this.current;
		try {
			return await call(scorer);
		} catch (error) {
			if (!isBackendFailure(error)) throw error;
			await this.switchFrom(scorer, error as Error);
			return call(this.current);
		}
	}

	private switchFrom(failed: MaxSimScorer, error: Error): Promise<void> {
		if (this.current !== failed) return this.switching ?? Promise.resolve();
		this.switching = (async () => {
			const next = await this.makeFallback();
			// add() counts its docs only after success, so neither holds the failed batch.
			if (this.reread) await this.readInto(next);
			else await next.add(this.docs);
			this.warn(`${failed.backend} failed (${error.message}); switched to ${next.backend}`);
			this.current = next;
			failed.dispose().catch(() => undefined);
		})();
		return this.switching;
	}

	/** Adds the first `added` documents of `reread()` to `next`, batch by batch. */
	private async readInto(next: MaxSimScorer): Promise<void> {
		let left = this.added;
		for await (const batch of this.reread!()) {
			if (left <= 0) break;
			const docs = batch.length > left ? batch.slice(0, left) : [...batch];
			await next.add(docs);
			left -= docs.length;
		}
		if (left > 0) throw createError('BACKEND_UNAVAILABLE', { backend: next.backend, detail: `the documents could not be read again for the fallback (${left} of ${this.added} missing)` });
	}
}
