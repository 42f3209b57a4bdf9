/** Panel kinds and panel options: the schema (`./schema.ts`) and what is derived from it (`./options.ts`). */
export * from './schema';
export * from './options';
export type * from './option-spec';
