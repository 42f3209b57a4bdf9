/**
 * The notebook side of the lessons: what a lesson cell imports as `./src/lib/lessons/nb` inside tslab.
 * The web pages give cells the same names from `runtime.ts` instead (the build rewrites the import),
 * so one cell runs unchanged in Jupyter and in the browser.
 *
 * Node only (jsdom, fs, tslab's display). CommonJS-safe: no `import.meta`, relative imports.
 *
 * Models are chosen by `LATELAB_MODELS`: `test` (tiny generated models, used by `npm run test:notebooks`),
 * `hub` (default: the real Hub models) or a folder of real models.
 *
 * @example
 * import { doc, show, table, loadModel } from './src/lib/lessons/nb';
 * show(barChart([{ label: 'a', value: 1 }], { document: doc }));
 * table([{ doc: 'med-01', score: 12.3 }]);
 * const colbert = await loadModel('colbert');
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { JSDOM } from 'jsdom';
import { loadCorpusFromPath } from '../engine/corpus/node-load';
import { loadDemoCorpus } from '../engine/corpus/demo/index';
import type { BiEncoder, ColbertEncoder, CrossEncoder, ModelProgress, ModelRef } from '../engine/encoders/encoder';
import { loadEncoder } from '../engine/encoders/load-encoder';
import type { Corpus } from '../engine/types';
import { describeModelMode, escapeHtml, modelRefFor, tableHtml, type LessonModelRole, type TableOptions } from './format';

/** A DOM document for the D3 views (`{ document: doc }`); jsdom here, the page's document on the web. */
export const doc: Document = new JSDOM('<!doctype html><html><body></body></html>').window.document as unknown as Document;

interface TslabDisplay {
	html(s: string): void;
}

/** Shows markup through tslab's display API; outside a kernel (tslab throws "Not ready", or is absent) prints it. */
function emitHtml(markup: string): void {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		(require('tslab') as { display: TslabDisplay }).display.html(markup);
	} catch {
		console.log(markup);
	}
}

/** Shows a view (an element from `src/lib/viz`) or an HTML string in the cell's output. */
export function show(view: Element | string): void {
	emitHtml(typeof view === 'string' ? view : view.outerHTML);
}

/** Shows rows as a table (numbers rounded to `digits`, default 4). */
export function table(rows: readonly Record<string, unknown>[], options: TableOptions = {}): void {
	emitHtml(tableHtml(rows, options));
}

/** Shows a short note (plain text, escaped) in the output, e.g. where data came from. */
export function note(text: string): void {
	emitHtml(`<p class="lesson-note">${escapeHtml(text)}</p>`);
}

/** `LATELAB_MODELS` (default `hub`). */
export function modelMode(): string {
	return process.env.LATELAB_MODELS ?? 'hub';
}

/** The model a lesson uses for `role`, by `LATELAB_MODELS`. */
export function modelRef(role: LessonModelRole): ModelRef {
	return modelRefFor(role, modelMode());
}

/** Loads the lesson model for a role, printing which one and its download progress (every 25 %). */
export function loadModel(role: 'bi-encoder'): Promise<BiEncoder>;
export function loadModel(role: 'cross-encoder'): Promise<CrossEncoder>;
export function loadModel(role: 'colbert'): Promise<ColbertEncoder>;
export async function loadModel(role: LessonModelRole): Promise<BiEncoder | CrossEncoder | ColbertEncoder> {
	const ref = modelRef(role);
	console.log(`${role}: ${ref.id} — ${describeModelMode(modelMode())}`);
	let lastQuarter = -1;
	const onProgress = (p: ModelProgress) => {
		if (!p.totalBytes || p.totalLoaded === undefined) return;
		const quarter = Math.floor((4 * p.totalLoaded) / p.totalBytes);
		if (quarter > lastQuarter && p.totalBytes > 5e6) {
			lastQuarter = quarter;
			console.log(`  downloading ${(p.totalLoaded / 1e6).toFixed(1)} / ${(p.totalBytes / 1e6).toFixed(1)} MB`);
		}
	};
	return loadEncoder(role, ref, { onProgress });
}

/** A collection for the evaluation lesson, and where it came from. */
export interface LessonCollection {
	corpus: Corpus;
	/** `scifact` etc., or `demo` when the real collection was not found. */
	name: string;
	/** One sentence for the reader: which data, and why (a fallback says so). */
	source: string;
}

/**
 * Loads a BEIR collection from `$LATELAB_DATA/<name>` or `../shared/data/<name>` (test split), or,
 * when neither exists, the demo corpus with its own judgments, saying so in `source`.
 */
export async function loadCollection(name: string): Promise<LessonCollection> {
	const roots = [process.env.LATELAB_DATA, resolve('..', 'shared', 'data'), resolve('data')].filter((r): r is string => !!r);
	for (const root of roots) {
		const dir = resolve(root, name);
		if (existsSync(resolve(dir, 'corpus.jsonl'))) {
			const corpus = await loadCorpusFromPath(dir, { split: 'test', duplicateIds: 'keep-first' });
			return { corpus, name, source: `${name} from ${dir} (${corpus.docs.length} documents, ${corpus.qrels.size} judged queries)` };
		}
	}
	const corpus = loadDemoCorpus();
	return {
		corpus,
		name: 'demo',
		source: `${name} not found (looked in ${roots.join(', ')}; set LATELAB_DATA or run "latelab data fetch ${name} --to data"), so this uses the demo corpus and its ${corpus.qrels.size} judged queries instead`
	};
}
