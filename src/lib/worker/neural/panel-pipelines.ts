/**
 * Which engine pipeline each neural panel runs, and the one-line "what ranks here" it shows:
 * bi-encoder -> `dense`, cross-encoder -> `cross` (first stage selectable), ColBERT -> `colbert`
 * (exhaustive MaxSim), ColBERT two-stage -> `colbert-rerank` (first stage top `depth`, then MaxSim).
 */
import { createCrossPipeline } from '../../engine/pipelines/rerank';
import { createDensePipeline } from '../../engine/pipelines/dense';
import { createColbertPipeline, createColbertRerankPipeline, type ColbertPipeline } from '../../engine/pipelines/late-interaction';
import type { NeuralContext, NeuralDeps } from '../../engine/pipelines/neural-context';
import type { Pipeline } from '../../engine/pipelines/registry';
import { createError } from '../../engine/errors';
import { panelKind, type PanelId } from '../protocol';
import type { PanelSettings } from './protocol';

/**
 * Builds the pipeline of a neural panel with the host's encoders and store.
 * @example await buildPanelPipeline('colbert', { corpus, options: { maxsimBackend: 'js' } }, { encoders: { colbert } })
 */
export async function buildPanelPipeline(panel: PanelId, ctx: NeuralContext, deps: NeuralDeps): Promise<Pipeline> {
	switch (panelKind(panel)) {
		case 'bi-encoder':
			return createDensePipeline(ctx, deps);
		case 'cross-encoder':
			return createCrossPipeline(ctx, deps);
		case 'colbert':
			return createColbertPipeline(ctx, deps);
		case 'colbert-two-stage':
			return createColbertRerankPipeline(ctx, deps);
		default:
			throw createError('BAD_ARGUMENT', { detail: `the ${panel} panel has no neural pipeline` });
	}
}

/** What ranks in a panel: the MaxSim kernel and why (ColBERT), the flat index, or the reranking depth. */
export function kernelLabel(panel: PanelId, pipeline: Pipeline, settings: PanelSettings): string {
	const kind = panelKind(panel);
	if (kind === 'colbert' || kind === 'colbert-two-stage') {
		const reason = (pipeline as ColbertPipeline).kernel.reason;
		return kind === 'colbert-two-stage' ? `${settings.firstStage} top ${settings.depth} → ${reason}` : reason;
	}
	if (kind === 'cross-encoder') return `cross-encoder over ${settings.firstStage} top ${settings.depth}`;
	return 'exact flat search, cosine';
}
