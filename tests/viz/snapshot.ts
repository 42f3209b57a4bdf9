/**
 * SVG/HTML snapshot comparison in the manner of Observable Plot's `test/plot-snapshot.js`: the markup is
 * serialised, numbers are rounded to 2 decimals, and compared with `tests/viz/snapshots/<name>.html`.
 * On a mismatch the new markup goes to `<name>-changed.html` beside it and the test fails, so a reviewer
 * can diff the two files. A missing snapshot is written on a developer machine and fails under CI.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';

const SNAPSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'snapshots');

/** A fresh jsdom document for one view. */
export function testDocument(): Document {
	return new JSDOM('<!doctype html><html><body></body></html>').window.document;
}

/** Markup with numbers rounded and one element per line, for stable, readable diffs. */
export function normalizeMarkup(html: string): string {
	return html
		.replace(/\d+\.\d{3,}/g, (m) => String(Math.round(Number(m) * 100) / 100))
		.replace(/></g, '>\n<')
		.trim() + '\n';
}

/** Compares `el` with the stored snapshot `name`; returns a message on mismatch, `undefined` when equal. */
export function compareSnapshot(name: string, el: Element): string | undefined {
	mkdirSync(SNAPSHOTS, { recursive: true });
	const file = join(SNAPSHOTS, `${name}.html`);
	const changed = join(SNAPSHOTS, `${name}-changed.html`);
	const actual = normalizeMarkup(el.outerHTML);
	if (!existsSync(file)) {
		if (process.env.CI) return `snapshot ${file} is missing; run the test locally and commit it`;
		writeFileSync(file, actual);
		return undefined;
	}
	const expected = readFileSync(file, 'utf8');
	if (expected === actual) {
		if (existsSync(changed)) rmSync(changed);
		return undefined;
	}
	writeFileSync(changed, actual);
	return `snapshot ${name} differs: compare ${file} with ${changed}`;
}
