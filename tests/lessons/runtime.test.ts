// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { buildLessons, GENERATED_DIR } from '../../lessons/build';
import { createLessonRuntime } from '../../src/lib/lessons/runtime';
import { loadGenerated, recorder } from './generated-lesson';

class StopAtModels extends Error {}

describe('createLessonRuntime(options)', () => {
	const slugs = [...buildLessons().files.keys()].filter((p) => p.startsWith(GENERATED_DIR) && !p.endsWith('index.ts')).map((p) => p.slice(GENERATED_DIR.length + 1, -3));

	it.each(slugs)('run(rt) of %s runs every cell before the first model cell in the page runtime', async (slug) => {
		const mod = await loadGenerated(slug);
		const firstModels = mod.page.blocks.find((b) => b.type === 'code' && b.flags.includes('models'));
		const gate = firstModels?.type === 'code' ? firstModels.cell : mod.page.cells;
		const { cells, output } = recorder();
		const started: number[] = [];
		const rt = createLessonRuntime({
			output,
			beforeCell: (i) => {
				if (i === gate) throw new StopAtModels();
				started.push(i);
			}
		});
		await mod.run(rt).catch((error) => {
			if (!(error instanceof StopAtModels)) throw error;
		});
		expect(started).toEqual([...Array(gate).keys()]);
		const errors = [...cells.values()].flatMap((c) => c.text.filter((t) => /Error/.test(t)));
		expect(errors).toEqual([]);
		// Something visible came out of the cells that ran.
		const produced = [...cells.values()].reduce((n, c) => n + c.text.length + c.html.length + c.elements.length, 0);
		expect(produced).toBeGreaterThan(0);
	});

	it('createLessonRuntime() routes console, show and table to the current cell, escaping table values', async () => {
		const { cells, output } = recorder();
		const rt = createLessonRuntime({ output, beforeCell: () => {} });
		await rt.cell(0);
		rt.console.log('a', 1.5, [1, 2]);
		await rt.cell(2);
		rt.env.table([{ doc: '<b>x</b>', score: 0.5 }]);
		rt.env.show(rt.env.doc.createElement('svg'));
		expect(cells.get(0)?.text).toEqual(['a 1.5000 [1, 2]']);
		expect(cells.get(2)?.html[0]).toContain('&lt;b&gt;x&lt;/b&gt;');
		expect(cells.get(2)?.elements).toHaveLength(1);
	});
});
