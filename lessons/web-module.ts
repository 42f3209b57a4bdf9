/**
 * A parsed lesson -> a TypeScript module for the web page: the page data (Markdown rendered to HTML)
 * and `run(rt)`, which runs every code cell in order in one async scope, as a notebook kernel would,
 * so later cells see earlier variables. Cell imports are hoisted to the top of the module with
 * `./src/lib/...` rewritten to `$lib/...`; the import of the notebook helper (`./src/lib/lessons/nb`)
 * becomes names taken from `rt.env`, and `console` is the runtime's, which writes into the current
 * cell's output. A `{node}` cell is shown but not run: its body becomes one line saying so.
 */
import { Marked } from 'marked';
import { createError } from '../src/lib/engine/errors';
import type { Lesson } from './parse';

const NB_MODULE = './src/lib/lessons/nb';
/** What a {node} cell prints on the page instead of running. */
export const NODE_ONLY = 'This cell runs in the notebook only (it needs a Node library); open the lesson\'s notebook to run it.';
const IMPORT = /^import\s+(type\s+)?([\s\S]*?)\s+from\s+['"]([^'"]+)['"];?[ \t]*$/gm;

const marked = new Marked({ gfm: true, async: false });

/** Renders lesson Markdown (our own text) to HTML. */
export function renderMarkdown(text: string): string {
	return (marked.parse(text) as string).trim();
}

/** What the cells import, merged per module so no name is declared twice. */
interface Imports {
	named: Map<string, Set<string>>;
	typeNamed: Map<string, Set<string>>;
	namespace: Map<string, string>;
	defaults: Map<string, string>;
	/** Names taken from the notebook helper, i.e. `__rt.env`. */
	env: Set<string>;
}

function specifiers(clause: string, file: string, line: number): string[] {
	const m = /^\{([\s\S]*)\}$/.exec(clause.trim());
	if (!m) throw createError('BAD_ARGUMENT', { detail: `expected "{ a, b }", "* as x" or a default import, got "${clause}"` }, { file, line });
	return m[1]
		.split(',')
		.map((s) => s.trim().replace(/\s+/g, ' '))
		.filter(Boolean);
}

function addTo(map: Map<string, Set<string>>, key: string, values: string[]): void {
	const set = map.get(key) ?? new Set<string>();
	values.forEach((v) => set.add(v));
	map.set(key, set);
}

function splitCell(code: string, file: string, line: number, imports: Imports): string {
	const body = code.replace(IMPORT, (_all, typeOnly: string | undefined, clause: string, from: string) => {
		if (from === 'tslab' || from === 'jsdom') {
			throw createError('BAD_ARGUMENT', { detail: `cells use ${NB_MODULE} (show, doc) instead of importing "${from}"` }, { file, line });
		}
		if (from === NB_MODULE) {
			if (!typeOnly) specifiers(clause, file, line).filter((s) => !s.startsWith('type ')).forEach((s) => imports.env.add(s.replace(' as ', ': ')));
			return '';
		}
		const target = from.startsWith('./src/lib/') ? `$lib/${from.slice('./src/lib/'.length)}` : from;
		if (from.startsWith('.') && target === from) {
			throw createError('BAD_ARGUMENT', { detail: `cells import root-relative from ./src/lib/..., got "${from}"` }, { file, line });
		}
		const trimmed = clause.trim();
		const ns = /^\*\s+as\s+(\w+)$/.exec(trimmed);
		if (ns) imports.namespace.set(ns[1], target);
		else if (/^\w+$/.test(trimmed)) imports.defaults.set(trimmed, target);
		else addTo(typeOnly ? imports.typeNamed : imports.named, target, specifiers(clause, file, line));
		return '';
	});
	return body.trim();
}

function importLines(imports: Imports): string[] {
	const lines: string[] = [];
	for (const [name, from] of imports.namespace) lines.push(`import * as ${name} from '${from}';`);
	for (const [name, from] of imports.defaults) lines.push(`import ${name} from '${from}';`);
	for (const [from, names] of imports.named) lines.push(`import { ${[...names].sort().join(', ')} } from '${from}';`);
	for (const [from, names] of imports.typeNamed) {
		const left = [...names].filter((n) => !imports.named.get(from)?.has(n));
		if (left.length) lines.push(`import type { ${left.sort().join(', ')} } from '${from}';`);
	}
	return lines.sort();
}

function indent(text: string): string {
	return text
		.split('\n')
		.map((l) => (l ? `\t${l}` : l))
		.join('\n');
}

/**
 * The generated module's source for `lesson` (deterministic).
 * @example webModule(lesson, 'lessons/03-x/lesson.md').includes('export async function run(__rt: LessonRuntime)') // true
 */
export function webModule(lesson: Lesson, file: string): string {
	const imports: Imports = { named: new Map(), typeNamed: new Map(), namespace: new Map(), defaults: new Map(), env: new Set() };
	const blocks: unknown[] = [];
	const bodies: string[] = [];
	let cell = 0;
	for (const block of lesson.blocks) {
		if (block.type === 'markdown') blocks.push({ type: 'markdown', html: renderMarkdown(block.text) });
		else if (block.type === 'exercise') blocks.push({ type: 'exercise', html: renderMarkdown(block.text) });
		else {
			blocks.push({ type: 'code', cell, code: block.code, flags: block.flags });
			// A {node} cell needs Node-only libraries: the page neither imports nor runs it, it says so.
			const body = block.flags.includes('node')
				? `console.log(${JSON.stringify(NODE_ONLY)});`
				: splitCell(block.code, file, block.line, imports);
			bodies.push(`// cell ${cell} (${file}:${block.line})\nawait __rt.cell(${cell});\n${body}`);
			cell++;
		}
	}
	const page = { slug: lesson.slug, number: lesson.number, title: lesson.title, minutes: lesson.minutes, summary: lesson.summary, cells: cell, blocks };
	return [
		`// Generated by lessons/build.ts from ${file}; do not edit (npm run lessons).`,
		'/* eslint-disable */',
		"import type { LessonRuntime } from '../runtime';",
		"import type { LessonPage } from '../types';",
		...importLines(imports),
		'',
		`export const page: LessonPage = ${JSON.stringify(page, null, '\t')};`,
		'',
		'/** Runs the cells in order; `__rt.cell(i)` routes output to cell i and waits for "Run" before cells that need models. */',
		'export async function run(__rt: LessonRuntime): Promise<void> {',
		'\tconst console = __rt.console;',
		...(imports.env.size ? [`\tconst { ${[...imports.env].sort().join(', ')} } = __rt.env;`] : []),
		indent(bodies.join('\n\n')),
		'}',
		''
	].join('\n');
}
