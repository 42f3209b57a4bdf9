/**
 * A parsed lesson -> a Jupyter notebook (nbformat 4.5) for the project-local tslab kernel. Every cell
 * has a stable `id`, no outputs and no execution counts, so regenerating is byte-for-byte stable and
 * committed notebooks never carry stale outputs.
 */
import type { Lesson } from './parse';

export const KERNEL_NAME = 'latelab-tslab';

interface NotebookCell {
	id: string;
	cell_type: 'markdown' | 'code';
	metadata: Record<string, unknown>;
	source: string[];
	execution_count?: null;
	outputs?: [];
}

/** Jupyter stores sources as lines that keep their "\n" (all but the last). */
function sourceLines(text: string): string[] {
	const lines = text.split('\n');
	return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((l) => l !== '');
}

/** The opening cell: title, summary, how to run. Shared boilerplate, not lesson text. */
function header(lesson: Lesson): string {
	return [
		`# Lesson ${lesson.number}: ${lesson.title}`,
		'',
		`*${lesson.summary}* About ${lesson.minutes} minutes.`,
		'',
		'> Generated from `lessons/' + lesson.slug + '/lesson.md` by `npm run lessons`; edit the source, not this file.',
		'> Kernel: **TypeScript (latelab)** (`npm run notebooks:setup`, then `JUPYTER_PATH=$PWD/.jupyter-local jupyter lab notebooks/`).',
		'> Models: `LATELAB_MODELS=hub` (default, real models), `test` (tiny test models) or a folder of models.'
	].join('\n');
}

/**
 * Serialises `lesson` as notebook JSON (one-space indent, trailing newline, as Jupyter writes it).
 * @example toNotebook(lesson).startsWith('{\n "cells"') // true
 */
export function toNotebook(lesson: Lesson): string {
	const cells: NotebookCell[] = [];
	const add = (cell_type: 'markdown' | 'code', text: string, metadata: Record<string, unknown> = {}) => {
		const id = `${lesson.slug.slice(0, 2)}-${String(cells.length).padStart(3, '0')}`;
		if (cell_type === 'code') cells.push({ id, cell_type, metadata, execution_count: null, outputs: [], source: sourceLines(text) });
		else cells.push({ id, cell_type, metadata, source: sourceLines(text) });
	};
	add('markdown', header(lesson));
	for (const block of lesson.blocks) {
		if (block.type === 'markdown') add('markdown', block.text);
		else if (block.type === 'exercise') add('markdown', `### Exercise\n\n${block.text}`);
		else {
			const metadata: Record<string, unknown> = {};
			const tags = block.flags.filter((f) => f !== 'hidden');
			if (block.flags.includes('hidden') || block.flags.includes('solution')) metadata.jupyter = { source_hidden: true };
			if (tags.length) metadata.tags = tags;
			if (block.flags.includes('solution')) add('markdown', '**Solution** (the code is collapsed: try the exercise first, then expand it).');
			add('code', block.code, metadata);
		}
	}
	const notebook = {
		cells,
		metadata: {
			kernelspec: { display_name: 'TypeScript (latelab)', language: 'typescript', name: KERNEL_NAME },
			language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
			latelab: { lesson: lesson.slug, title: lesson.title, minutes: lesson.minutes }
		},
		nbformat: 4,
		nbformat_minor: 5
	};
	return JSON.stringify(notebook, null, 1) + '\n';
}
