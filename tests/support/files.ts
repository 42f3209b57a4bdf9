/** File-system helpers the tests share. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (recursively), as paths relative to `dir`, sorted; [] when `dir` does not exist. */
export function listFiles(dir: string): string[] {
	if (!existsSync(dir)) return [];
	const out: string[] = [];
	const walk = (d: string) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) walk(join(d, e.name));
			else out.push(relative(dir, join(d, e.name)));
		}
	};
	walk(dir);
	return out.sort();
}

/** The vectors folder shipped for the explorer (`static/collections/synthetic-pages`: 48 image pages). */
export const SYNTHETIC_PAGES = join(process.cwd(), 'static', 'collections', 'synthetic-pages');

/**
 * Every file under `dir` with its bytes, keyed by its path relative to `dir` with `/` separators (what a
 * dropped folder or a zip gives the loaders).
 * @example readFolder(SYNTHETIC_PAGES).get('manifest.json') // the manifest's bytes
 */
export function readFolder(dir: string): Map<string, Uint8Array<ArrayBuffer>> {
	return new Map(listFiles(dir).map((path) => [path.split('\\').join('/'), new Uint8Array(readFileSync(join(dir, path)))]));
}
