/**
 * The web side of the lessons: what cells get in the browser instead of `nb.ts`. A generated lesson
 * module calls `rt.cell(i)` before cell i; `console`, `show`, `table` and `note` then write into cell
 * i's output. Cells that need models wait at `rt.cell(i)` until the page releases them ("Run").
 * Browser only (uses the page's `document`); the engine itself stays DOM-free.
 */
import { loadDemoCorpus } from '../engine/corpus/demo/index';
import type { BiEncoder, ColbertEncoder, CrossEncoder, ModelProgress, ModelRef } from '../engine/encoders/encoder';
import { loadEncoder } from '../engine/encoders/load-encoder';
import type { Corpus } from '../engine/types';
import { describeModelMode, escapeHtml, formatLogLine, modelRefFor, tableHtml, TEST_MODELS, type LessonModelRole, type TableOptions } from './format';

/** Where one cell's output goes; the page implements it with DOM elements. */
export interface CellOutput {
	/** A printed line (`console.log`), or an error line. */
	text(line: string, stream: 'out' | 'err'): void;
	/** Markup we generated (tables, notes), values escaped. */
	html(markup: string): void;
	/** A live element (a D3 view), kept interactive. */
	element(el: Element): void;
	/** One progress line that replaces itself (model downloads); `null` removes it. */
	progress(line: string | null): void;
}

/** The collection the evaluation lesson reads; the web pages always use the demo corpus. */
export interface LessonCollection {
	corpus: Corpus;
	name: string;
	source: string;
}

/** The names a cell imports from `./src/lib/lessons/nb`, as the web provides them. */
export interface LessonEnv {
	doc: Document;
	show(view: Element | string): void;
	table(rows: readonly Record<string, unknown>[], options?: TableOptions): void;
	note(text: string): void;
	modelMode(): string;
	modelRef(role: LessonModelRole): ModelRef;
	loadModel(role: 'bi-encoder'): Promise<BiEncoder>;
	loadModel(role: 'cross-encoder'): Promise<CrossEncoder>;
	loadModel(role: 'colbert'): Promise<ColbertEncoder>;
	loadCollection(name: string): Promise<LessonCollection>;
}

export interface LessonRuntime {
	env: LessonEnv;
	console: Pick<Console, 'log' | 'info' | 'warn' | 'error'>;
	/** Starts cell `index`: output goes there from now on; resolves when the cell may run. */
	cell(index: number): Promise<void>;
}

export interface RuntimeOptions {
	/** The output of cell `index`. */
	output(index: number): CellOutput;
	/** Called before cell `index` runs; a cell that needs models returns a promise that settles on "Run". */
	beforeCell(index: number): Promise<void> | void;
	/** `hub` (default) or `test`: the tiny test models, fetched from the Hub address (a mock Hub in tests). */
	modelMode?: string;
}

/**
 * A runtime for one run of one lesson page.
 * @example
 * const rt = createLessonRuntime({ output: (i) => outputs[i], beforeCell: (i) => gates[i] });
 * await lesson.run(rt);
 */
export function createLessonRuntime(options: RuntimeOptions): LessonRuntime {
	let current = 0;
	const out = () => options.output(current);
	const mode = options.modelMode ?? 'hub';
	// A page cannot read local folders: test models come from the (mock) Hub by id.
	const refFor = (role: LessonModelRole): ModelRef => (mode === 'test' ? { id: TEST_MODELS[role] } : modelRefFor(role, mode));
	const print = (stream: 'out' | 'err') => (...args: unknown[]) => out().text(formatLogLine(args), stream);

	async function loadModel(role: LessonModelRole): Promise<BiEncoder | CrossEncoder | ColbertEncoder> {
		const ref = refFor(role);
		const target = out();
		target.text(`${role}: ${ref.id} — ${describeModelMode(mode, 'url')}`, 'out');
		const onProgress = (p: ModelProgress) => {
			if (p.status === 'ready') target.progress(null);
			else if (p.totalBytes && p.totalLoaded !== undefined) {
				target.progress(`downloading ${p.file ?? ''} ${(p.totalLoaded / 1e6).toFixed(1)} / ${(p.totalBytes / 1e6).toFixed(1)} MB`);
			}
		};
		try {
			return await loadEncoder(role, ref, { onProgress });
		} finally {
			target.progress(null);
		}
	}

	const env: LessonEnv = {
		doc: document,
		show: (view) => (typeof view === 'string' ? out().html(view) : out().element(view)),
		table: (rows, tableOptions) => out().html(tableHtml(rows, tableOptions)),
		note: (text) => out().html(`<p class="lesson-note">${escapeHtml(text)}</p>`),
		modelMode: () => mode,
		modelRef: refFor,
		loadModel: loadModel as LessonEnv['loadModel'],
		loadCollection: async (name) => {
			const corpus = loadDemoCorpus();
			return {
				corpus,
				name: 'demo',
				source: `The web page cannot read ${name} from disk, so this uses the demo corpus and its ${corpus.qrels.size} judged queries; run the notebook for ${name}.`
			};
		}
	};

	return {
		env,
		console: { log: print('out'), info: print('out'), warn: print('err'), error: print('err') },
		async cell(index) {
			current = index;
			await options.beforeCell(index);
		}
	};
}
