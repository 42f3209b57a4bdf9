/**
 * Output helpers shared by the notebook side (`nb.ts`) and the web pages (`runtime.ts`): model
 * choice by mode, HTML tables and plain-text formatting of values. Pure TypeScript, no DOM, no
 * `import.meta`, relative imports only, so tslab (CommonJS, TS 5.0) and Vite both load it.
 */
import type { ModelRef } from '../engine/encoders/encoder';
import { DEFAULT_MODELS } from '../engine/encoders/model-defaults';

/** The three model roles a lesson can load. */
export type LessonModelRole = 'bi-encoder' | 'cross-encoder' | 'colbert';

/** The generated tiny test models (`npx tsx tests/fixtures/generate.ts`), by role. */
export const TEST_MODELS: Readonly<Record<LessonModelRole, string>> = {
	'bi-encoder': 'latelab-test/tiny-bi-encoder',
	'cross-encoder': 'latelab-test/tiny-cross-encoder',
	colbert: 'latelab-test/tiny-colbert-pylate'
};

/** Where the generated test models live, relative to the project root (the notebook kernel's folder). */
export const TEST_MODEL_DIR = 'tests/fixtures/generated';

/**
 * Which models lessons load. `test`: the tiny generated models (CI; scores are meaningless but every
 * code path runs). `hub`: the real Hub models. Anything else: a folder holding the real models as
 * `<dir>/<model name>` (e.g. `models/all-MiniLM-L6-v2`, see docs/MODELS-GUIDE.md).
 * @example modelRefFor('colbert', 'test') // { id: 'latelab-test/tiny-colbert-pylate', localDir: 'tests/fixtures/generated' }
 */
export function modelRefFor(role: LessonModelRole, mode: string): ModelRef {
	if (mode === 'test') return { id: TEST_MODELS[role], localDir: TEST_MODEL_DIR };
	const hubId = DEFAULT_MODELS[role];
	if (mode === 'hub' || mode === '') return { id: hubId };
	return { id: hubId.split('/').pop() as string, localDir: mode };
}

/**
 * One line saying which models run, for the first cell of a lesson that loads any. `where` is how the
 * reader switches: the notebook's environment variable, or the web page's `?models=`.
 */
export function describeModelMode(mode: string, where: 'env' | 'url' = 'env'): string {
	if (mode === 'test') {
		return where === 'env'
			? 'LATELAB_MODELS=test: tiny generated test models (scores are noise; set LATELAB_MODELS=hub for real ones)'
			: '?models=test: tiny generated test models (scores are noise; open the page without ?models= for real ones)';
	}
	if (mode === 'hub' || mode === '') return 'real models from the Hugging Face Hub (downloaded once, then cached)';
	return `real models from the folder ${mode}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML, so document and query text is never read as markup. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * Formats a cell value for a table or a printed line: numbers with `digits` decimals (integers as
 * they are), typed arrays and arrays as `[a, b, ...]` (at most 8 items), the rest with `String`.
 * @example formatValue(0.123456) // '0.1235'
 */
export function formatValue(value: unknown, digits = 4): string {
	if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(digits);
	if (ArrayBuffer.isView(value) || Array.isArray(value)) {
		const items = Array.from(value as ArrayLike<unknown>);
		const head = items.slice(0, 8).map((v) => formatValue(v, digits));
		return `[${head.join(', ')}${items.length > 8 ? `, … (${items.length})` : ''}]`;
	}
	if (value === null || value === undefined) return '';
	return String(value);
}

/** Options of `tableHtml`. */
export interface TableOptions {
	/** Decimals for non-integer numbers (default 4). */
	digits?: number;
	/** A caption above the table. */
	caption?: string;
}

/**
 * An HTML table of `rows` (one object per row, columns in the first row's key order), values escaped.
 * @example tableHtml([{ doc: 'a', score: 1.5 }]) // '<table class="lesson-table">...<td>1.5000</td>...'
 */
export function tableHtml(rows: readonly Record<string, unknown>[], options: TableOptions = {}): string {
	const columns: string[] = [];
	for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
	const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || typeof r[c] === 'number'));
	const cell = (tag: string, text: string, right: boolean) => `<${tag}${right ? ' style="text-align:right"' : ''}>${escapeHtml(text)}</${tag}>`;
	const head = `<tr>${columns.map((c, i) => cell('th', c, numeric[i])).join('')}</tr>`;
	const body = rows.map((r) => `<tr>${columns.map((c, i) => cell('td', formatValue(r[c], options.digits), numeric[i])).join('')}</tr>`).join('');
	const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
	return `<table class="lesson-table">${caption}<thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** Like `console.log`'s joining of arguments, with `formatValue` for numbers and arrays, JSON for objects. */
export function formatLogLine(args: readonly unknown[]): string {
	return args
		.map((a) => {
			if (typeof a === 'string') return a;
			if (typeof a === 'number' || ArrayBuffer.isView(a) || Array.isArray(a) || a == null) return formatValue(a);
			if (a instanceof Error) return `${a.name}: ${a.message}`;
			try {
				return JSON.stringify(a, (_k, v) => (ArrayBuffer.isView(v) ? formatValue(v) : v instanceof Map ? Object.fromEntries(v) : v), 2);
			} catch {
				return String(a);
			}
		})
		.join(' ');
}
