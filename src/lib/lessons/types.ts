/**
 * Shapes of the generated lesson modules (`src/lib/lessons/generated/*.ts`, written by
 * `npm run lessons` from `lessons/NN-slug/lesson.md`) that the `/lessons` pages render.
 */

/**
 * `hidden` setup code, a `viz` cell, a cell that needs `models`, an exercise's `solution`, a `node` cell
 * that only the notebook runs (the page shows its code and a line saying so).
 */
export type CellFlag = 'hidden' | 'viz' | 'models' | 'solution' | 'node';

/** One piece of a lesson page, in order. Markdown is rendered to HTML at build time (our own text). */
export type PageBlock =
	| { type: 'markdown'; html: string }
	| { type: 'exercise'; html: string }
	| { type: 'code'; cell: number; code: string; flags: CellFlag[] };

/** A lesson in the list on `/lessons`. */
export interface LessonSummary {
	slug: string;
	number: number;
	title: string;
	minutes: number;
	summary: string;
}

/** A whole lesson page: the summary plus its blocks; code cells are numbered 0.. in page order. */
export interface LessonPage extends LessonSummary {
	blocks: PageBlock[];
	/** Number of code cells. */
	cells: number;
}
