/**
 * The first stages a reranker (`cross`, `colbert-rerank`) can take its candidates from, in one list:
 * `first-stage.ts` resolves `--first-stage` / `--opt firstStage` against it and the panel schema's
 * `firstStage` option (`engine/panels/schema.ts`) offers it. Dependency-free on purpose: the page
 * imports it through the schema.
 * @example FIRST_STAGES.includes('dense') // true
 */
export const FIRST_STAGES = ['bm25', 'dense'] as const;

/** A first stage by name: BM25 or the bi-encoder (`dense`). */
export type FirstStageName = (typeof FIRST_STAGES)[number];
