/**
 * The `cross` pipeline: a first stage (BM25 by default, or dense) proposes the top `depth` documents
 * (default 100), and the cross-encoder reads each (query, document) pair and reranks them by its logit.
 * Only those `depth` documents are returned: a first-stage score and a logit are not comparable, so
 * nothing from beyond the cut is mixed in. Stages: `first-stage`, `rerank`.
 */
import { createError } from '../errors';
import { occlusion, type OcclusionExplanation, type OcclusionOptions } from '../explain/occlusion';
import type { Hit } from '../types';
import { createFirstStage, type FirstStage } from './first-stage';
import { depthOf, documentText, encoderFor, since, type NeuralContext, type NeuralDeps, type NeuralSearchResult } from './neural-context';
import type { Pipeline } from './registry';

/** The cross pipeline, with occlusion explanations. */
export interface CrossPipeline extends Pipeline {
	search(query: string, k: number): Promise<NeuralSearchResult>;
	/** Which words of document `docId` the cross-encoder's logit depends on (occlusion, capped). */
	explain(query: string, docId: string, options?: OcclusionOptions): Promise<OcclusionExplanation>;
}

/**
 * Builds the first stage and loads the cross-encoder.
 * @example
 * const cross = await createCrossPipeline({ corpus, options: { depth: 50 } });
 * (await cross.search('heart attack', 10)).timings // [{ stage: 'first-stage', ms }, { stage: 'rerank', ms }]
 */
export async function createCrossPipeline(ctx: NeuralContext, deps: NeuralDeps = {}): Promise<CrossPipeline> {
	const depth = depthOf(ctx.options);
	const t0 = performance.now();
	const { encoder, owned } = await encoderFor('cross-encoder', ctx, deps);
	const loadMs = since(t0);
	let first: FirstStage;
	try {
		first = await createFirstStage(ctx, deps);
	} catch (error) {
		if (owned) await encoder.dispose();
		throw error;
	}
	const texts = ctx.corpus.docs.map(documentText);
	const ids = ctx.corpus.docs.map((d) => d.id);
	return {
		name: 'cross',
		buildTimings: [{ stage: 'load-model', ms: loadMs }, ...(first.pipeline.buildTimings ?? [])],
		async search(query: string, k: number) {
			const { rows, ms: firstMs } = await first.candidates(query, Math.max(depth, 0));
			const t1 = performance.now();
			const logits = rows.length > 0 ? await encoder.score(query, rows.map((r) => texts[r])) : new Float32Array(0);
			const rerankMs = since(t1);
			// Sort by logit, ties keep the first-stage order (stable sort).
			const order = rows.map((_, i) => i).sort((a, b) => logits[b] - logits[a]);
			const hits: Hit[] = order.slice(0, k).map((i, r) => ({ id: ids[rows[i]], score: logits[i], rank: r + 1 }));
			return { hits, timings: [{ stage: 'first-stage', ms: firstMs }, { stage: 'rerank', ms: rerankMs }] };
		},
		async explain(query: string, docId: string, options?: OcclusionOptions) {
			const row = ids.indexOf(docId);
			if (row < 0) throw createError('BAD_ARGUMENT', { detail: `no document "${docId}" in this corpus` });
			return occlusion(encoder, query, texts[row], { signal: ctx.signal, ...options });
		},
		async dispose() {
			await first.pipeline.dispose?.();
			if (owned) await encoder.dispose();
		}
	};
}
