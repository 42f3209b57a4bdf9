/**
 * Writes the shipped synthetic image collection to static/collections/synthetic-pages/ (served by the app,
 * read by tests and lessons). Deterministic: tests/engine/corpus/synthetic-pages.test.ts checks that
 * regenerating gives the committed bytes. Usage: npm run collections:synthetic-pages
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticPages, syntheticPagesFiles } from '../src/lib/engine/corpus/synthetic-pages';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'static', 'collections', 'synthetic-pages');
rmSync(OUT, { recursive: true, force: true });
const files = syntheticPagesFiles(generateSyntheticPages());
let bytes = 0;
for (const [name, data] of files) {
	mkdirSync(dirname(join(OUT, name)), { recursive: true });
	writeFileSync(join(OUT, name), data);
	bytes += data.length;
}
console.log(`wrote ${files.size} files, ${bytes} bytes, to ${OUT} (${readdirSync(OUT).length} entries at the top)`);
