import type { PipelineProgress } from '../lib/engine/pipelines/registry';
import type { OutStream } from './io';

/** Progress as pipelines emit it; `unit: 'bytes'` prints sizes in MB. */
export type ProgressUpdate = PipelineProgress;

/** Reports long work on stderr. */
export interface ProgressReporter {
	update(p: ProgressUpdate): void;
	/** Ends a redrawn line so later output starts on a fresh one. */
	finish(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;
const QUIET_MS = 1000;

/**
 * TTY-aware progress on `stream` (stderr): on a terminal one line redrawn in place at most every
 * 100 ms (`  search [######......] 75/300  25%`); otherwise (a pipe, a CI log) sparse lines: nothing for
 * a stage that ends within a second, then one line per quarter done, so logs stay short. `quiet` silences it.
 * @example const progress = createProgress(process.stderr, { quiet: false }); progress.update({ stage: 'search', done: 3, total: 300 });
 */
export function createProgress(stream: OutStream, options: { quiet: boolean; now?: () => number }): ProgressReporter {
	const now = options.now ?? (() => Date.now());
	if (options.quiet) return { update() {}, finish() {} };
	let stage = '';
	let lastQuarter = -1;
	let lastDraw = -Infinity;
	let lineOpen = false;

	const describe = (p: ProgressUpdate): string => {
		const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
		const amount = (n: number) => (p.unit === 'bytes' ? `${(n / 1e6).toFixed(1)}` : String(n));
		if (p.total <= 0) return `${amount(p.done)}${p.unit === 'bytes' ? ' MB' : ''}`;
		// Corpus encoding reports its speed and time left (docs/s, ETA m:ss).
		const speed = p.rate && p.rate > 0 ? `  ${p.rate >= 10 ? p.rate.toFixed(0) : p.rate.toFixed(1)}/s` : '';
		const eta = p.etaSeconds !== undefined && p.done < p.total ? `  ETA ${Math.floor(p.etaSeconds / 60)}:${String(Math.round(p.etaSeconds % 60)).padStart(2, '0')}` : '';
		return `${amount(p.done)}/${amount(p.total)}${p.unit === 'bytes' ? ' MB' : ''} ${String(pct).padStart(3)}%${speed}${eta}`;
	};

	if (stream.isTTY) {
		return {
			update(p) {
				const complete = p.total > 0 && p.done >= p.total;
				const t = now();
				if (p.stage === stage && !complete && t - lastDraw < REDRAW_MS) return;
				if (p.stage !== stage && lineOpen) stream.write('\n');
				stage = p.stage;
				lastDraw = t;
				const filled = p.total > 0 ? Math.round((BAR_WIDTH * Math.min(p.done, p.total)) / p.total) : 0;
				const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
				stream.write(`\r\x1b[K  ${p.stage} [${bar}] ${describe(p)}`);
				lineOpen = true;
				if (complete) {
					stream.write('\n');
					lineOpen = false;
					stage = '';
				}
			},
			finish() {
				if (lineOpen) stream.write('\n');
				lineOpen = false;
				stage = '';
			}
		};
	}
	let stageStart = 0;
	let printed = false;
	return {
		update(p) {
			const t = now();
			if (p.stage !== stage) {
				stage = p.stage;
				stageStart = t;
				lastQuarter = -1;
				printed = false;
			}
			// Stages that end within a second leave no trace in logs.
			if (!printed && t - stageStart < QUIET_MS) return;
			const quarter = p.total > 0 ? Math.floor((4 * Math.min(p.done, p.total)) / p.total) : 0;
			if (quarter === lastQuarter) return;
			lastQuarter = quarter;
			printed = true;
			stream.write(`latelab: ${p.stage} ${describe(p)}\n`);
		},
		finish() {
			stage = '';
		}
	};
}
