/**
 * Loads `@lancedb/lancedb` and the `apache-arrow` instance it uses, on first call (never at import, so
 * `bm25` runs and the app bundle never load the native engine). Both through `require`: LanceDB is
 * CommonJS and loads arrow's CommonJS build, and arrow objects from the ES build are another class that
 * LanceDB would not recognise.
 */
import { createRequire } from 'node:module';
import type { LanceModules } from '../lib/engine/engines/lancedb-write';

let loaded: LanceModules | undefined;

/** @example const { lancedb, arrow } = lanceModules(); */
export function lanceModules(): LanceModules {
	if (!loaded) {
		// LanceDB's native logger (env_logger, LANCEDB_LOG) prints warnings such as "No existing dataset
		// at ..., it will be created" straight to stderr; keep errors only unless the user chose a level.
		process.env.LANCEDB_LOG ??= 'error';
		const require = createRequire(import.meta.url);
		loaded = { lancedb: require('@lancedb/lancedb') as LanceModules['lancedb'], arrow: require('apache-arrow') as LanceModules['arrow'] };
	}
	return loaded;
}
