/**
 * Normalises loading progress from two sources (latelab's own file reads and transformers.js'
 * `progress_callback`) into `ModelProgress` events with per-file bytes and totals over every file
 * of the model seen so far. transformers.js' own `progress_total` only covers one `from_pretrained`
 * call, so it is ignored in favour of this running total.
 *
 * @example
 * const t = createProgressTracker('org/m', (p) => console.log(p.file, p.totalLoaded, p.totalBytes));
 * t.file('config.json', 'progress', 10, 10); // config.json 10 10
 */
import type { ModelProgress } from './encoder';
import type { FileProgress } from './model-files';

export interface ProgressTracker {
	/** For `ModelFiles.read`. */
	file: FileProgress;
	/** For transformers.js' `progress_callback`. */
	transformers: (info: { status: string; file?: string; loaded?: number; total?: number }) => void;
	/** Emits the final `ready` event. */
	ready(): void;
}

export function createProgressTracker(model: string, onProgress?: (p: ModelProgress) => void): ProgressTracker {
	const files = new Map<string, { loaded: number; total: number }>();
	const emit = (status: ModelProgress['status'], file?: string, loaded?: number, total?: number) => {
		if (!onProgress) return;
		let totalLoaded = 0;
		let totalBytes = 0;
		for (const f of files.values()) {
			totalLoaded += f.loaded;
			totalBytes += f.total;
		}
		onProgress({ model, file, status, loaded, total, totalLoaded, totalBytes });
	};
	const record = (status: ModelProgress['status'], file?: string, loaded?: number, total?: number) => {
		if (file && status === 'progress' && loaded !== undefined) {
			files.set(file, { loaded, total: Math.max(total ?? 0, loaded) });
		}
		emit(status, file, loaded, total);
	};
	return {
		file: (file, status, loaded, total) => record(status, file, loaded, total),
		transformers(info) {
			if (info.status === 'initiate' || info.status === 'download' || info.status === 'progress' || info.status === 'done') {
				record(info.status, info.file, info.loaded, info.total);
			}
		},
		ready: () => emit('ready')
	};
}
