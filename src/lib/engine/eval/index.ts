/**
 * Evaluation: trec_eval-compatible metrics, paired significance tests, rank overlap, TREC run files,
 * drift of an approximate ranking from the exact one, index cost summaries.
 * @example
 * import { evaluateRun, compareRuns } from './src/lib/engine/eval';
 * evaluateRun(run, qrels).mean // { 'ndcg@10': ..., 'recall@100': ..., 'mrr@10': ..., map: ... }
 */
export * from './metrics';
export * from './significance';
export * from './student-t';
export * from './overlap';
export * from './trec';
export * from './run-queries';
export * from './drift';
export * from './cost';
