/**
 * Source text of the MaxSim kernel worker, as a string: workers are started from it (`eval: true`
 * in Node, a Blob URL in browsers) so no bundler has to resolve a worker file URL.
 *
 * Protocol (one request at a time per worker):
 * - `{ type: 'init', module: WebAssembly.Module, memory: WebAssembly.Memory, warmUp? }` -> `{ type: 'ready' }`
 *   (`warmUp`: `warmUpArgs(thread)` of `warm-up.ts`, or any `{ calls, runs: [fn, args][] }`, run before replying)
 * - `{ type: 'run', id, fn: KernelFunction, args: number[] }` -> `{ type: 'done', id }`
 * - any failure -> `{ type: 'error', id?, message }`
 */

const BODY = `
let kernel = null;
function handle(msg, post) {
	if (msg.type === 'init') {
		WebAssembly.instantiate(msg.module, { env: { memory: msg.memory } }).then(
			(instance) => {
				kernel = instance.exports;
				const w = msg.warmUp; // see warm-up.ts: let V8 tier the kernels up before real work
				const runs = w ? w.runs || [['score_f32', w.f32], ['score_i16', w.i16]] : [];
				for (let i = 0; w && i < w.calls; i++) for (const run of runs) kernel[run[0]].apply(null, run[1]);
				post({ type: 'ready' });
			},
			(error) => post({ type: 'error', message: 'instantiate failed: ' + (error && error.message || error) })
		);
	} else if (msg.type === 'run') {
		try {
			kernel[msg.fn].apply(null, msg.args);
			post({ type: 'done', id: msg.id });
		} catch (error) {
			post({ type: 'error', id: msg.id, message: String(error && error.message || error) });
		}
	}
}
`;

/** Worker code for Node `worker_threads` (`new Worker(code, { eval: true })`, CommonJS scope). */
export const NODE_WORKER_SOURCE = `${BODY}
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (msg) => handle(msg, (reply) => parentPort.postMessage(reply)));
`;

/** Worker code for browser `Worker`s (load it from a Blob URL). */
export const BROWSER_WORKER_SOURCE = `${BODY}
self.onmessage = (event) => handle(event.data, (reply) => self.postMessage(reply));
`;
