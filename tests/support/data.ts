import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the BEIR-layout test collections live: `$LATELAB_DATA` if set (users who fetched them),
 * else `../shared/data` beside the repository (this workplace and its CI).
 */
export const DATA_ROOT = resolve(process.env.LATELAB_DATA ?? resolve(import.meta.dirname, '../../../shared/data'));

/** The folder of one collection, or null when it is not on this machine. */
export function collectionDir(name: 'scifact' | 'cisi' | 'cranfield' | 'cacm'): string | null {
	const dir = resolve(DATA_ROOT, name);
	return existsSync(resolve(dir, 'corpus.jsonl')) ? dir : null;
}

/** The reason printed by tests skipped for want of a collection. */
export function missingCollectionReason(name: string): string {
	return `skipped: collection "${name}" not found under ${DATA_ROOT} (set LATELAB_DATA to a folder holding BEIR sets)`;
}
