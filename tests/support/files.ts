/** File-system helpers the tests share. */
import { existsSync, readdirSync } from 'node:fs';
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
