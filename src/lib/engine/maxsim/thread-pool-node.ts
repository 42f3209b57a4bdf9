/** Node-only half of `thread-pool.ts`: a `worker_threads` Worker running the kernel worker source. */
import { Worker } from 'node:worker_threads';
import { ListenerSlots, type WorkerPort } from './thread-pool';
import { NODE_WORKER_SOURCE } from './worker-source';

/**
 * A kernel worker from source text. Idle workers are unref'd, so a forgotten `dispose()` never keeps
 * a CLI or notebook process alive; a worker is ref'd while a request is in flight.
 * @example const port = nodeWorkerPort(); port.terminate();
 */
export function nodeWorkerPort(): WorkerPort {
	// execArgv: [] keeps loaders such as tsx out of the worker; V8 flags (relaxed SIMD) are process-wide.
	const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, execArgv: [] });
	worker.unref();
	const slots = new ListenerSlots();
	const exit = (code: number) => slots.error(new Error(`worker exited with code ${code}`));
	worker.on('message', slots.message);
	worker.on('error', slots.error);
	worker.on('exit', exit);
	return {
		post: (message) => worker.postMessage(message),
		onMessage: (listener) => slots.setMessage(listener),
		onError: (listener) => slots.setError(listener),
		hold: (active) => (active ? worker.ref() : worker.unref()),
		terminate: () => {
			worker.off('message', slots.message);
			worker.off('error', slots.error);
			worker.off('exit', exit);
			slots.clear();
			void worker.terminate();
		}
	};
}
