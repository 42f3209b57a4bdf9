/**
 * Model download progress as the page gets it: `EngineProgress` in bytes, with the file in flight.
 * transformers.js reports big files per chunk; a few updates a second are enough for a bar.
 */
import type { ModelProgress } from '../../engine/encoders/encoder';
import type { EngineProgress } from '../protocol';

/** Least time between two chunk updates of one load. */
export const PROGRESS_EVERY_MS = 80;

/**
 * A `ModelProgress` listener for request `id` that forwards at most one chunk update per
 * `PROGRESS_EVERY_MS` (a file's last chunk and status changes always pass).
 * @example throttledModelProgress(7, send)({ status: 'ready' }) // send({ type: 'progress', id: 7, stage: 'starting the model', ... })
 */
export function throttledModelProgress(id: number, onProgress: ((p: EngineProgress) => void) | undefined, now: () => number = () => performance.now()): (p: ModelProgress) => void {
	let last = -Infinity;
	return (p) => {
		const t = now();
		if (p.status === 'progress' && t - last < PROGRESS_EVERY_MS && p.loaded !== p.total) return;
		last = t;
		onProgress?.({
			type: 'progress',
			id,
			stage: p.status === 'ready' ? 'starting the model' : `download ${p.file ?? ''}`.trim(),
			done: p.totalLoaded ?? 0,
			total: p.totalBytes ?? 0,
			unit: 'bytes',
			...(p.file ? { file: p.file, fileDone: p.loaded ?? 0, fileTotal: p.total ?? 0 } : {})
		});
	};
}
