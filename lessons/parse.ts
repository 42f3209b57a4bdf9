/**
 * Parses one lesson source, `lessons/NN-slug/lesson.md`:
 *
 * ```
 * ---
 * title: MaxSim by hand
 * minutes: 15
 * summary: One sentence for the lesson list.
 * ---
 * Markdown prose...
 * ```ts                  a code cell (runs on page load in the web version)
 * ```ts {hidden}         setup code: collapsed in Jupyter and on the page
 * ```ts {viz}            a cell whose point is the view it shows
 * ```ts {models}         needs a model download (the page runs it on "Run"); found automatically
 *                        when the code calls loadModel(
 * ```ts {solution}       the solution of the exercise above it (hidden until "Show solution")
 * ```ts {node}           runs in the notebook only (Node-only libraries, e.g. LanceDB); the page shows
 *                        the code and says so, and later cells must not use its names
 * ```exercise            Markdown: an exercise prompt
 * ```
 *
 * Fences of other languages (```sh, ```text) stay part of the Markdown.
 */
import { createError } from '../src/lib/engine/errors';

export type CellFlag = 'hidden' | 'viz' | 'models' | 'solution' | 'node';
export const CELL_FLAGS: readonly CellFlag[] = ['hidden', 'viz', 'models', 'solution', 'node'];

export type LessonBlock =
	| { type: 'markdown'; text: string }
	| { type: 'exercise'; text: string }
	| { type: 'code'; code: string; flags: CellFlag[]; line: number };

export interface Lesson {
	/** `03-maxsim-by-hand` */
	slug: string;
	/** 3 */
	number: number;
	title: string;
	minutes: number;
	summary: string;
	blocks: LessonBlock[];
}

const FENCE = /^```(\S*)\s*(?:\{([^}]*)\})?\s*$/;
const REQUIRED = ['title', 'minutes', 'summary'] as const;

function fail(file: string, line: number, detail: string): never {
	throw createError('BAD_ARGUMENT', { detail }, { file, line });
}

function parseFrontmatter(lines: string[], file: string): { meta: Record<string, string>; body: number } {
	if (lines[0] !== '---') fail(file, 1, 'a lesson starts with "---" and a frontmatter block (title, minutes, summary)');
	const meta: Record<string, string> = {};
	for (let i = 1; i < lines.length; i++) {
		if (lines[i] === '---') {
			for (const key of REQUIRED) if (!meta[key]) fail(file, i + 1, `frontmatter lacks "${key}"`);
			return { meta, body: i + 1 };
		}
		const m = /^(\w+):\s*(.*)$/.exec(lines[i]);
		if (!m) fail(file, i + 1, `expected "key: value" in the frontmatter, got "${lines[i]}"`);
		meta[m[1]] = m[2].trim();
	}
	return fail(file, 1, 'the frontmatter block is not closed by "---"');
}

/**
 * Parses a lesson's text. `slug` is its folder name (`NN-slug`). Throws `BAD_ARGUMENT` naming the
 * file and line for a missing frontmatter key, an unknown flag, an unclosed fence or a solution
 * without an exercise before it.
 * @example parseLesson('---\ntitle: T\nminutes: 10\nsummary: S\n---\nHi\n```ts\nconst x = 1;\n```\n', '01-t', 'x.md').blocks.length // 2
 */
export function parseLesson(text: string, slug: string, file: string): Lesson {
	const m = /^(\d\d)-[a-z0-9-]+$/.exec(slug);
	if (!m) fail(file, 1, `lesson folder "${slug}" must be named NN-slug (two digits, lower-case words)`);
	const lines = text.replace(/\r\n/g, '\n').split('\n');
	const { meta, body } = parseFrontmatter(lines, file);
	const minutes = Number(meta.minutes);
	if (!Number.isInteger(minutes) || minutes <= 0) fail(file, 3, `minutes must be a positive integer, got "${meta.minutes}"`);
	const blocks: LessonBlock[] = [];
	let prose: string[] = [];
	const flushProse = () => {
		const text = prose.join('\n').trim();
		if (text) blocks.push({ type: 'markdown', text });
		prose = [];
	};
	for (let i = body; i < lines.length; i++) {
		const fence = FENCE.exec(lines[i]);
		if (!fence || !['ts', 'exercise'].includes(fence[1])) {
			// Other fences (```sh) belong to the prose; copy them whole so a "```ts" inside one is not a cell.
			if (fence && fence[1]) {
				const start = i;
				prose.push(lines[i]);
				for (i++; i < lines.length && lines[i] !== '```'; i++) prose.push(lines[i]);
				if (i >= lines.length) fail(file, start + 1, `unclosed \`\`\`${fence[1]} fence`);
				prose.push(lines[i]);
			} else prose.push(lines[i]);
			continue;
		}
		const start = i;
		const content: string[] = [];
		for (i++; i < lines.length && lines[i] !== '```'; i++) content.push(lines[i]);
		if (i >= lines.length) fail(file, start + 1, `unclosed \`\`\`${fence[1]} fence`);
		flushProse();
		const flags = (fence[2] ?? '').split(/[\s,]+/).filter(Boolean);
		for (const flag of flags) {
			if (!(CELL_FLAGS as readonly string[]).includes(flag)) fail(file, start + 1, `unknown cell flag "${flag}"; expected one of: ${CELL_FLAGS.join(', ')}`);
		}
		if (fence[1] === 'exercise') {
			blocks.push({ type: 'exercise', text: content.join('\n').trim() });
			continue;
		}
		const code = content.join('\n').replace(/\s+$/, '');
		const cellFlags = flags as CellFlag[];
		if (/\bloadModel\(/.test(code) && !cellFlags.includes('models')) cellFlags.push('models');
		if (cellFlags.includes('solution') && !blocks.some((b) => b.type === 'exercise')) {
			fail(file, start + 1, 'a {solution} cell needs an ```exercise block before it');
		}
		blocks.push({ type: 'code', code, flags: cellFlags, line: start + 1 });
	}
	flushProse();
	return { slug, number: Number(m[1]), title: meta.title, minutes, summary: meta.summary, blocks };
}
