/**
 * Explanations of one (query, document) score for each paradigm, shaped for the D3 views:
 * `explainMaxSim` -> `similarityHeatmap` (queryTokens, docTokens, scores) and `contributionBars`
 * (queryTokens + contributions); `meanPooledContributions` -> `contributionBars` (tokens + values);
 * `occlusion` -> `shadedText` (text + spans).
 */
export { type MaxSimExplanation, explainColbertPair, explainMaxSim } from './maxsim-matrix';
export { type NotDecomposable, type PooledContributions, explainBiEncoderPair, meanPooledContributions } from './pooled-contributions';
export { type OcclusionExplanation, type OcclusionOptions, type OcclusionUnit, occlusion, splitWords } from './occlusion';
