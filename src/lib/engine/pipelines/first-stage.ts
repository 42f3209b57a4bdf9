/**
 * Candidate generation for the rerankers (`cross`, `colbert-rerank`): BM25 (default) or dense, top
 * `depth` documents as corpus row indices, with their first-stage scores and the stage's time.
 */
import { createError } from '../errors';
import { createBm25Pipeline } from './bm25';
import { createDensePipeline } from './dense';
import { FIRST_STAGES, type FirstStageName } from './first-stage-names';
import type { NeuralContext, NeuralDeps } from './neural-context';
import type { Pipeline } from './registry';

/** A built first stage. */
export interface FirstStage {
	readonly name: FirstStageName;
	readonly pipeline: Pipeline;
	/** Top `depth` candidates as corpus row indices, best first, and the time the stage took. */
	candidates(query: string, depth: number): Promise<{ rows: number[]; scores: number[]; ms: number }>;
}

/** Resolves the first-stage name (default bm25); `UNKNOWN_OPTION` for others. */
export function firstStageName(name: string | undefined): FirstStageName {
	const value = name ?? 'bm25';
	if (!(FIRST_STAGES as readonly string[]).includes(value)) {
		throw createError('UNKNOWN_OPTION', { what: 'first stage', value, expected: FIRST_STAGES.join(', ') });
	}
	return value as FirstStageName;
}

/**
 * @example const first = await createFirstStage(ctx, deps); (await first.candidates('heart attack', 100)).rows.length // <= 100
 */
export async function createFirstStage(ctx: NeuralContext, deps: NeuralDeps): Promise<FirstStage> {
	const name = firstStageName(ctx.options.firstStage);
	const pipeline = name === 'dense' ? await createDensePipeline(ctx, deps) : await createBm25Pipeline(ctx, deps);
	const rowOf = new Map(ctx.corpus.docs.map((d, i) => [d.id, i]));
	return {
		name,
		pipeline,
		async candidates(query, depth) {
			const t0 = performance.now();
			const { hits } = await pipeline.search(query, depth);
			const ms = performance.now() - t0;
			return { rows: hits.map((h) => rowOf.get(h.id)!), scores: hits.map((h) => h.score), ms };
		}
	};
}
