/**
 * Ctrl-C during long work (corpus encoding): the first SIGINT aborts the signal handed to the work,
 * which stops after the batch in flight (finished batches stay in the cache, so the next run
 * resumes) and the command exits 130 (`CANCELLED`); a second SIGINT exits at once, also with 130.
 */
import type { OutStream } from './io';

/** Exit code of work stopped by Ctrl-C: 128 + SIGINT, what shells report for a SIGINT. */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs `work` with an AbortSignal tied to SIGINT for its duration.
 * @example const pipeline = await withInterrupt(io.stderr, (signal) => createPipeline(name, { corpus, options, signal }));
 */
export async function withInterrupt<T>(stderr: OutStream, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
	const controller = new AbortController();
	const onSigint = () => {
		if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
		stderr.write('\nlatelab: interrupted: stopping after the current batch (finished batches are cached; Ctrl-C again to quit now)\n');
		controller.abort(new Error('SIGINT'));
	};
	process.on('SIGINT', onSigint);
	try {
		return await work(controller.signal);
	} finally {
		process.off('SIGINT', onSigint);
	}
}
