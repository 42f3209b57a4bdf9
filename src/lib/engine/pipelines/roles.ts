/**
 * The model roles, in one list (the model bar's order): the pipeline registry (`--model <role>=...`),
 * the panel schema (`engine/panels/schema.ts`: kinds, `ROLES`, `ROLE_NAMES`) and the worker's model
 * registry use it. Dependency-free on purpose: the page imports it through the schema.
 * @example MODEL_ROLES[2] // 'colbert'
 */
export const MODEL_ROLES = ['bi-encoder', 'cross-encoder', 'colbert'] as const;

/** The model roles a pipeline may need. `--model colbert=<id|dir>` fills one; a plain `--model` fills the pipeline's own role. */
export type ModelRole = (typeof MODEL_ROLES)[number];
