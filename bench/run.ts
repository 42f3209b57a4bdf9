/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after the other, so one
 * benchmark's heap and threads cannot disturb the next. Pass names to run a subset: `npm run bench -- bm25`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const benches = readdirSync(here)
	.filter((f) => f.endsWith('.bench.ts'))
	.filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
	.sort();

let failed = 0;
for (const file of benches) {
	console.log(`\n== ${file} ==`);
	const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file), ...flags], { stdio: 'inherit' });
	if (result.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
