import { createBm25Pipeline, BM25_DESCRIPTION } from '../lib/engine/pipelines/bm25';
import { registerNeuralPipelines } from '../lib/engine/pipelines/neural';
import { registerPipeline } from '../lib/engine/pipelines/registry';
import { cliNeuralDeps } from './neural-deps';

let registered = false;

/**
 * The pipelines the `latelab` command ships. To plug a new pipeline into the CLI, add one
 * `registerPipeline` call here and its entry in `PIPELINE_OPTION_TABLE` (`pipeline-options.ts`: the
 * options it reads); `search` and `eval` then accept `--pipeline <name>` with the shared flags it reads
 * (`--model [role=]<id|dir>`, `--first-stage`, `--depth`, `--k1`, `--b`, `--opt`) and refuse the rest.
 * Import heavy modules (models, ONNX Runtime) inside the factory, so `latelab search --pipeline bm25`
 * never loads them:
 *
 *   registerPipeline('colbert', async (ctx) => (await import('../lib/engine/pipelines/late-interaction')).createColbertPipeline(ctx),
 *     'ColBERT late interaction (MaxSim over token vectors)', { role: 'colbert' });
 */
export function registerCliPipelines(): void {
	// The registry is module state; a second call (tests running main repeatedly) must be a no-op.
	if (registered) return;
	registered = true;
	// One deps object: BM25 indexes and encoded corpora share the disk store at `options.cacheDir`.
	const deps = cliNeuralDeps();
	registerPipeline('bm25', (ctx) => createBm25Pipeline(ctx, deps), BM25_DESCRIPTION);
	// dense, cross, colbert, colbert-rerank: modules and models load only when one is built.
	registerNeuralPipelines(deps);
	// lancedb: a store written by `latelab index build`; LanceDB (native) loads only when one is searched.
	registerPipeline(
		'lancedb',
		async (ctx) => (await import('../lib/engine/engines/lancedb-pipeline')).createLanceDbPipeline(ctx, { ...deps, onWarning: ctx.onWarning, lance: async () => (await import('./lance-modules')).lanceModules() }),
		'a LanceDB store (--store lancedb:<dir>, from latelab index build): exhaustive MaxSim, --opt mode=ann|two-phase',
		{ role: 'colbert' }
	);
}
