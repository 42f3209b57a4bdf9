/**
 * Test helpers: load a generated lesson module (with `$lib` resolved) and record what its cells print,
 * as the web page would show it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLessons, GENERATED_DIR, ROOT } from '../../lessons/build';
import type { LessonModule } from '../../src/lib/lessons/generated/index';
import type { CellOutput } from '../../src/lib/lessons/runtime';

/** What a page would show, per cell. */
export function recorder() {
	const cells = new Map<number, { text: string[]; html: string[]; elements: Element[] }>();
	const output = (i: number): CellOutput => {
		const cell = cells.get(i) ?? { text: [], html: [], elements: [] };
		cells.set(i, cell);
		return { text: (line) => cell.text.push(line), html: (m) => cell.html.push(m), element: (el) => cell.elements.push(el), progress: () => {} };
	};
	return { cells, output };
}

/** The generated modules import `$lib/...` (a SvelteKit alias); this loads a copy with the alias resolved. */
export async function loadGenerated(slug: string): Promise<LessonModule> {
	const source = buildLessons().files.get(`${GENERATED_DIR}/${slug}.ts`) as string;
	const dir = join(ROOT, '.cache', 'lessons-test');
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `${slug}.ts`);
	writeFileSync(file, source.replaceAll("'$lib/", `'${join(ROOT, 'src/lib')}/`).replaceAll("from '../", `from '${join(ROOT, 'src/lib/lessons')}/`));
	return (await import(/* @vite-ignore */ file)) as LessonModule;
}
