/**
 * A `MaxSimScorer` that switches to a slower backend when its own fails at run time (a lost GPU
 * device, a crashed kernel worker): the failed call is replayed on the fallback, which first gets
 * every document added so far. Callers see a warning, never a wrong answer.
 */
import { isLatelabError } from '../errors';
import type { TokenMatrix } from '../types';
import type { MaxSimBackendName, MaxSimScorer, ScoredIndex } from './maxsim';

/** Errors that mean "this backend is gone", as opposed to bad input. */
function isBackendFailure(error: unknown): boolean {
	return isLatelabError(error) && (error.code === 'DEVICE_LOST' || error.code === 'BACKEND_UNAVAILABLE');
}

/**
 * Wraps `primary`; on a backend failure calls `makeFallback()`, re-adds the documents and retries.
 * Keeps references to the added matrices (not copies): do not modify them after `add`.
 * @example
 * const scorer = new FallbackScorer(gpuScorer, () => WasmMaxSimScorer.create({ dim }), (w) => warnings.push(w));
 */
export class FallbackScorer implements MaxSimScorer {
	private current: MaxSimScorer;
	private readonly docs: TokenMatrix[] = [];
	private switching: Promise<void> | undefined;

	constructor(
		primary: MaxSimScorer,
		private readonly makeFallback: () => Promise<MaxSimScorer>,
		private readonly warn: (message: string) => void
	) {
		this.current = primary;
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
		this.docs.push(...docs);
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
			// add() records its docs only after success, so this.docs never holds the failed batch.
			await next.add(this.docs);
			this.warn(`${failed.backend} failed (${error.message}); switched to ${next.backend}`);
			this.current = next;
			failed.dispose().catch(() => undefined);
		})();
		return this.switching;
	}
}
