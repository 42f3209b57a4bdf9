/** Node-only half of `thread-pool.ts`: a `worker_threads` Worker running the kernel worker source. */
import { Worker } from 'node:worker_threads';
import type { WorkerPort, WorkerReply } from './thread-pool';
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
	return {
		post: (message) => worker.postMessage(message),
		onMessage: (listener) => worker.on('message', (reply: WorkerReply) => listener(reply)),
		onError: (listener) => {
			worker.on('error', listener);
			worker.on('exit', (code) => listener(new Error(`worker exited with code ${code}`)));
		},
		hold: (active) => (active ? worker.ref() : worker.unref()),
		terminate: () => void worker.terminate()
	};
}
