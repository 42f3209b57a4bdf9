/**
 * Kernel worker threads sharing one WebAssembly memory: Node `worker_threads` (loaded lazily from
 * `thread-pool-node.ts`, so browser bundles never import it) or browser `Worker`s from a Blob URL.
 */
import { isNodeRuntime } from '../capabilities';
import { createError } from '../errors';
import type { KernelFunction } from './kernel-module';
import { warmUpArgs, type WarmUp } from './warm-up';
import { BROWSER_WORKER_SOURCE } from './worker-source';

/** The minimal worker surface both runtimes provide. */
export interface WorkerPort {
	post(message: unknown): void;
	onMessage(listener: (message: WorkerReply) => void): void;
	onError(listener: (error: unknown) => void): void;
	/** Keeps the process alive while a request is in flight (Node); no-op in browsers. */
	hold(active: boolean): void;
	terminate(): void;
}

/** Replies of `worker-source.ts`. */
export interface WorkerReply {
	type: 'ready' | 'done' | 'error';
	id?: number;
	message?: string;
}

/** One kernel worker: runs a kernel function on a range of the shared memory. */
export class KernelThread {
	private nextId = 1;
	private pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
	private failure: Error | undefined;

	constructor(private readonly port: WorkerPort) {
		port.onMessage((reply) => this.settle(reply));
		port.onError((error) => this.fail(new Error(`kernel worker crashed: ${String(error)}`)));
	}

	/** Runs `fn(...args)` in the worker; rejects with BACKEND_UNAVAILABLE if the worker fails. */
	run(fn: KernelFunction, args: number[]): Promise<void> {
		if (this.failure) return Promise.reject(this.failure);
		const id = this.nextId++;
		return new Promise<void>((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.port.hold(true);
			this.port.post({ type: 'run', id, fn, args });
		});
	}

	terminate(): void {
		this.fail(new Error('kernel worker terminated'));
		this.port.terminate();
	}

	private settle(reply: WorkerReply): void {
		if (reply.type === 'error' && reply.id === undefined) return this.fail(new Error(reply.message));
		const entry = reply.id === undefined ? undefined : this.pending.get(reply.id);
		if (!entry) return;
		this.pending.delete(reply.id!);
		if (this.pending.size === 0) this.port.hold(false);
		if (reply.type === 'done') entry.resolve();
		else entry.reject(createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `kernel worker: ${reply.message}` }));
	}

	private fail(error: Error): void {
		this.failure ??= createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: error.message }, {}, error);
		for (const entry of this.pending.values()) entry.reject(this.failure);
		this.pending.clear();
		this.port.hold(false);
	}
}

function browserPort(): WorkerPort {
	const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
	const worker = new Worker(url);
	URL.revokeObjectURL(url);
	return {
		post: (message) => worker.postMessage(message),
		onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data as WorkerReply)),
		onError: (listener) => worker.addEventListener('error', (event) => listener(event.message)),
		hold: () => undefined,
		terminate: () => worker.terminate()
	};
}

/** Waits for a worker's `ready` (instantiated) or rejects with its error. */
function initialise(port: WorkerPort, module: WebAssembly.Module, memory: WebAssembly.Memory, warmUp: WarmUp): Promise<KernelThread> {
	return new Promise((resolve, reject) => {
		let settled = false;
		port.onMessage((reply) => {
			if (settled) return;
			settled = true;
			port.hold(false);
			if (reply.type === 'ready') resolve(new KernelThread(port));
			else reject(new Error(reply.message));
		});
		port.onError((error) => {
			if (!settled) {
				settled = true;
				reject(new Error(String(error)));
			}
		});
		port.hold(true);
		port.post({ type: 'init', module, memory, warmUp });
	});
}

/**
 * Starts `count` workers, each instantiating `module` on the shared `memory` and running
 * `warmUp(thread)` (thread 1..count; default: the f32 module's `warmUpArgs`).
 * Rejects with BACKEND_UNAVAILABLE (after stopping the ones that started) if any fails.
 * @example const threads = await startKernelThreads(1, module, memory); await threads[0].run('score_f32', args);
 */
export async function startKernelThreads(
	count: number,
	module: WebAssembly.Module,
	memory: WebAssembly.Memory,
	warmUp: (thread: number) => WarmUp = warmUpArgs
): Promise<KernelThread[]> {
	const node = isNodeRuntime() ? await import('./thread-pool-node') : undefined;
	const ports: WorkerPort[] = [];
	try {
		for (let i = 0; i < count; i++) ports.push(node ? node.nodeWorkerPort() : browserPort());
		return await Promise.all(ports.map((port, i) => initialise(port, module, memory, warmUp(i + 1))));
	} catch (error) {
		for (const port of ports) port.terminate();
		throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `worker threads failed to start: ${String(error)}` }, {}, error);
	}
}
