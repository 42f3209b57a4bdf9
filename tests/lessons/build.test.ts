import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { transformWithOxc } from 'vite';
import { describe, expect, it } from 'vitest';
import { buildLessons, readLessons, ROOT } from '../../lessons/build';
import { toNotebook } from '../../lessons/notebook';
import { parseLesson } from '../../lessons/parse';
import { NODE_ONLY, webModule } from '../../lessons/web-module';

const HEAD = '---\ntitle: T\nminutes: 10\nsummary: S\n---\n';

describe('buildLessons()', () => {
	const { files, stale } = buildLessons();

	it('buildLessons() matches the committed notebooks and web modules (run npm run lessons)', () => {
		for (const [path, content] of files) {
			expect(existsSync(join(ROOT, path)), `${path} is missing`).toBe(true);
			expect(readFileSync(join(ROOT, path), 'utf8') === content, `${path} is out of date`).toBe(true);
		}
		expect(stale).toEqual([]);
	});

	it('buildLessons() is deterministic', () => {
		const again = buildLessons().files;
		expect([...again.keys()]).toEqual([...files.keys()]);
		for (const [path, content] of again) expect(content === files.get(path)).toBe(true);
	});

	it('buildLessons() writes notebooks in nbformat 4.5 with cell ids and no outputs', () => {
		for (const [path, content] of files) {
			if (!path.endsWith('.ipynb')) continue;
			const nb = JSON.parse(content);
			expect([nb.nbformat, nb.nbformat_minor]).toEqual([4, 5]);
			expect(nb.metadata.kernelspec.name).toBe('latelab-tslab');
			const ids = nb.cells.map((c: { id: string }) => c.id);
			expect(new Set(ids).size).toBe(ids.length);
			for (const cell of nb.cells) {
				expect(cell.id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
				if (cell.cell_type === 'code') {
					expect(cell.outputs).toEqual([]);
					expect(cell.execution_count).toBeNull();
				}
			}
		}
	});

	it('buildLessons() web modules compile (no name declared twice across cells)', async () => {
		for (const [path, content] of files) {
			if (!path.endsWith('.ts')) continue;
			await expect(transformWithOxc(content, path), path).resolves.toBeTruthy();
		}
	});
});

describe('readLessons()', () => {
	const lessons = readLessons();

	it('readLessons() finds numbered lessons of 10-20 minutes, each with exercises and solutions', () => {
		expect(lessons.length).toBeGreaterThan(0);
		lessons.forEach(({ lesson }, i) => {
			expect(lesson.number, lesson.slug).toBe(i + 1 + (lessons[0].lesson.number - 1));
			expect(lesson.minutes).toBeGreaterThanOrEqual(10);
			expect(lesson.minutes).toBeLessThanOrEqual(20);
			const exercises = lesson.blocks.filter((b) => b.type === 'exercise').length;
			const solutions = lesson.blocks.filter((b) => b.type === 'code' && b.flags.includes('solution')).length;
			expect(exercises, lesson.slug).toBeGreaterThan(0);
			expect(solutions, lesson.slug).toBeGreaterThanOrEqual(exercises);
		});
	});

	it('readLessons() lessons never type a computed number into prose next to a cell (scores come from cells)', () => {
		// A weak but useful guard: no "score of 0.73"-style literals with 3+ decimals in the Markdown.
		for (const { lesson } of lessons) {
			for (const block of lesson.blocks) if (block.type === 'markdown') expect(block.text, lesson.slug).not.toMatch(/\b\d\.\d{3,}\b/);
		}
	});
});

describe('parseLesson(text, slug, file)', () => {
	it('parseLesson() splits prose, cells with flags, exercises; loadModel( marks a cell as needing models', () => {
		const lesson = parseLesson(`${HEAD}Intro\n\n\`\`\`ts {hidden}\nconst a = 1;\n\`\`\`\n\`\`\`sh\nnpm run lessons\n\`\`\`\n\`\`\`exercise\nDo it.\n\`\`\`\n\`\`\`ts {solution}\nconst m = await loadModel('colbert');\n\`\`\`\n`, '07-x', 'x.md');
		expect(lesson.blocks.map((b) => b.type)).toEqual(['markdown', 'code', 'markdown', 'exercise', 'code']);
		expect(lesson.blocks[1]).toMatchObject({ flags: ['hidden'], code: 'const a = 1;', line: 8 });
		expect(lesson.blocks[2]).toMatchObject({ text: '```sh\nnpm run lessons\n```' });
		expect(lesson.blocks[4]).toMatchObject({ flags: ['solution', 'models'] });
		expect(lesson).toMatchObject({ number: 7, title: 'T', minutes: 10, summary: 'S' });
	});

	it('parseLesson() rejects an unknown flag, naming file and line', () => {
		expect(() => parseLesson(`${HEAD}\`\`\`ts {hiden}\nx\n\`\`\`\n`, '01-x', 'l.md')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/^l\.md:6: unknown cell flag "hiden"/) }));
	});

	it('parseLesson() rejects a missing frontmatter key, an unclosed fence and a solution without exercise', () => {
		expect(() => parseLesson('---\ntitle: T\nminutes: 10\n---\n', '01-x', 'l.md')).toThrow(/frontmatter lacks "summary"/);
		expect(() => parseLesson(`${HEAD}\`\`\`ts\nx\n`, '01-x', 'l.md')).toThrow(/l\.md:6: unclosed/);
		expect(() => parseLesson(`${HEAD}\`\`\`ts {solution}\nx\n\`\`\`\n`, '01-x', 'l.md')).toThrow(/needs an ```exercise block/);
		expect(() => parseLesson(HEAD, 'lesson-one', 'l.md')).toThrow(/NN-slug/);
	});
});

describe('webModule(lesson, file)', () => {
	const lesson = parseLesson(
		`${HEAD}\`\`\`ts\nimport { maxSim } from './src/lib/engine/maxsim/maxsim';\nimport { show, doc as d } from './src/lib/lessons/nb';\nconst a = 1;\n\`\`\`\n\`\`\`ts\nimport { maxSim, type MaxSimScorer } from './src/lib/engine/maxsim/maxsim';\nimport * as d3 from 'd3';\nimport { show } from './src/lib/lessons/nb';\nconsole.log(a);\n\`\`\`\n`,
		'01-x',
		'l.md'
	);
	const source = webModule(lesson, 'l.md');

	it('webModule() hoists and merges imports, rewriting ./src/lib to $lib', () => {
		expect(source).toContain("import { maxSim, type MaxSimScorer } from '$lib/engine/maxsim/maxsim';");
		expect(source).toContain("import * as d3 from 'd3';");
		expect(source.match(/from '\$lib\/engine\/maxsim\/maxsim'/g)).toHaveLength(1);
	});

	it('webModule() takes the notebook helper names from the runtime once, and routes each cell', () => {
		expect(source).toContain('const { doc: d, show } = __rt.env;');
		expect(source).not.toMatch(/^import .*lessons\/nb/m);
		expect(source).toMatch(/await __rt\.cell\(0\);\n\tconst a = 1;[\s\S]*await __rt\.cell\(1\);\n\tconsole\.log\(a\);/);
	});

	it('webModule() shows a {node} cell without importing or running it, and says so on the page', () => {
		const nodeLesson = parseLesson(`${HEAD}\`\`\`ts {node}\nimport { writeLanceStore } from './src/lib/engine/engines/lancedb-write';\nconst lance = require('@lancedb/lancedb');\n\`\`\`\n\`\`\`ts\nconst after = 1;\n\`\`\`\n`, '09-x', 'l.md');
		const out = webModule(nodeLesson, 'l.md');
		const runBody = out.slice(out.indexOf('export async function run'));
		expect(out).not.toMatch(/^import .*lancedb-write/m);
		expect(runBody).not.toContain("require('@lancedb/lancedb')");
		// The page still shows the code.
		expect(out).toContain('"code": "import { writeLanceStore }');
		expect(out).toContain(`console.log(${JSON.stringify(NODE_ONLY)});`);
		expect(out).toMatch(/await __rt\.cell\(1\);\n\tconst after = 1;/);
		expect(nodeLesson.blocks[0]).toMatchObject({ flags: ['node'] });
	});

	it('webModule() rejects imports that only work in one place', () => {
		const bad = (code: string) => () => webModule(parseLesson(`${HEAD}\`\`\`ts\n${code}\n\`\`\`\n`, '01-x', 'l.md'), 'l.md');
		expect(bad("import * as tslab from 'tslab';")).toThrow(/instead of importing "tslab"/);
		expect(bad("import { x } from '../src/lib/engine/types';")).toThrow(/root-relative/);
	});
});

describe('toNotebook(lesson)', () => {
	it('toNotebook() folds hidden and solution cells and tags them', () => {
		const lesson = parseLesson(`${HEAD}\`\`\`ts {hidden}\nconst a = 1;\n\`\`\`\n\`\`\`exercise\nGo\n\`\`\`\n\`\`\`ts {solution}\nconst b = 2;\nconsole.log(b);\n\`\`\`\n`, '02-x', 'l.md');
		const nb = JSON.parse(toNotebook(lesson));
		const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
		expect(code[0].metadata).toEqual({ jupyter: { source_hidden: true } });
		expect(code[1].metadata).toEqual({ jupyter: { source_hidden: true }, tags: ['solution'] });
		expect(code[1].source).toEqual(['const b = 2;\n', 'console.log(b);']);
		expect(nb.cells[0].source[0]).toBe('# Lesson 2: T\n');
	});
});
