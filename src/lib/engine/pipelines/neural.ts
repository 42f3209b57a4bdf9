/**
 * Registers the neural pipelines (`dense`, `cross`, `colbert`, `colbert-rerank`, `colbert-muvera`,
 * `colbert-plaid`) in the pipeline
 * registry with the host's services (`NeuralDeps`: a cache store, a model resolver, given encoders).
 * Each factory imports its module only when the pipeline is built, so registering costs nothing and
 * `bm25`-only runs never load ONNX Runtime.
 */
import type { ModelProgress } from '../encoders/encoder';
import type { NeuralContext, NeuralDeps } from './neural-context';
import { pipelineNames, registerPipeline, type Pipeline, type PipelineContext } from './registry';

export const NEURAL_PIPELINES = {
	dense: { role: 'bi-encoder', description: 'bi-encoder, exact flat search over all document vectors (cosine)' },
	cross: { role: 'cross-encoder', description: 'first stage (--first-stage bm25|dense) top --depth (100), reranked by a cross-encoder' },
	colbert: { role: 'colbert', description: 'ColBERT late interaction, exhaustive MaxSim over all documents' },
	'colbert-rerank': { role: 'colbert', description: 'first stage (--first-stage bm25|dense) top --depth (100), reranked by ColBERT MaxSim' },
	'colbert-muvera': { role: 'colbert', description: 'MUVERA FDE flat search (--opt k_sim|dim_proj|r_reps), exact MaxSim on the top --depth (100)' },
	'colbert-plaid': { role: 'colbert', description: 'PLAID: residual-compressed vectors (--opt bits|centroids), centroid probing and pruning (--opt nprobe|threshold|ndocs)' }
} as const;

/** The host's deps, with the context's warning, info and progress sinks filled in where the host gave none. */
function withContext(ctx: PipelineContext, deps: NeuralDeps): NeuralDeps {
	const onModelProgress =
		deps.onModelProgress ??
		(ctx.onProgress
			? (p: ModelProgress) => {
					if (p.totalBytes) ctx.onProgress!({ stage: `download ${p.model}`, done: p.totalLoaded ?? 0, total: p.totalBytes, unit: 'bytes' });
				}
			: undefined);
	return { ...deps, onWarning: deps.onWarning ?? ctx.onWarning, onInfo: deps.onInfo ?? ctx.onInfo, onModelProgress };
}

/**
 * Registers the neural pipelines (skipping names already taken, so calling twice is harmless).
 * @example
 * registerNeuralPipelines({ store: new NodeDiskStore() });
 * await createPipeline('colbert-rerank', { corpus, options: { models: { colbert: './tiny-colbert' }, depth: 50 } });
 */
export function registerNeuralPipelines(deps: NeuralDeps = {}): void {
	const taken = new Set(pipelineNames());
	const add = (name: keyof typeof NEURAL_PIPELINES, factory: (ctx: NeuralContext, deps: NeuralDeps) => Promise<Pipeline>) => {
		if (taken.has(name)) return;
		const info = NEURAL_PIPELINES[name];
		registerPipeline(name, (ctx) => factory(ctx as NeuralContext, withContext(ctx, deps)), info.description, { role: info.role });
	};
	add('dense', async (ctx, d) => (await import('./dense')).createDensePipeline(ctx, d));
	add('cross', async (ctx, d) => (await import('./rerank')).createCrossPipeline(ctx, d));
	add('colbert', async (ctx, d) => (await import('./late-interaction')).createColbertPipeline(ctx, d));
	add('colbert-rerank', async (ctx, d) => (await import('./late-interaction')).createColbertRerankPipeline(ctx, d));
	add('colbert-muvera', async (ctx, d) => (await import('./candidate-stages')).createMuveraPipeline(ctx, d));
	add('colbert-plaid', async (ctx, d) => (await import('./candidate-stages')).createPlaidPipeline(ctx, d));
}
