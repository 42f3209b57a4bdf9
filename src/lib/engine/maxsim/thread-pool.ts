/**
 * Kernel worker threads sharing one WebAssembly memory: Node `worker_threads` (loaded lazily from
 * `thread-pool-node.ts`, so browser bundles never import it) or browser `Worker`s from a Blob URL.
 */
import { isNodeRuntime } from '../capabilities';
import { createError } from '../errors';
import type { KernelFunction } from './kernel-module';
import { warmUpArgs, type WarmUp } from './warm-up';
import { BROWSER_WORKER_SOURCE } from './worker-source';

/**
 * The minimal worker surface both runtimes provide. One message and one error listener at a time
 * (setting one replaces the last), so the start-up listener, whose closure sees the init message,
 * is gone once the thread runs; `terminate` also drops the listeners.
 */
export interface WorkerPort {
	post(message: unknown): void;
	onMessage(listener: (message: WorkerReply) => void): void;
	onError(listener: (error: unknown) => void): void;
	/** Keeps the process alive while a request is in flight (Node); no-op in browsers. */
	hold(active: boolean): void;
	terminate(): void;
}

/**
 * The listener slots of a `WorkerPort`: the runtime's own listeners call `message` / `error`, which
 * `set*` replace and `clear` empties (a terminated worker's port then points at nothing of ours).
 * @example const slots = new ListenerSlots(); slots.setMessage((r) => console.log(r)); slots.message({ type: 'ready' })
 */
export class ListenerSlots {
	private onMessage: ((message: WorkerReply) => void) | undefined;
	private onError: ((error: unknown) => void) | undefined;

	readonly message = (reply: WorkerReply): void => this.onMessage?.(reply);
	readonly error = (error: unknown): void => this.onError?.(error);

	setMessage(listener: (message: WorkerReply) => void): void {
		this.onMessage = listener;
	}

	setError(listener: (error: unknown) => void): void {
		this.onError = listener;
	}

	clear(): void {
		this.onMessage = undefined;
		this.onError = undefined;
	}
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
	const slots = new ListenerSlots();
	const message = (event: MessageEvent) => slots.message(event.data as WorkerReply);
	const error = (event: ErrorEvent) => slots.error(event.message);
	worker.addEventListener('message', message);
	worker.addEventListener('error', error);
	return {
		post: (m) => worker.postMessage(m),
		onMessage: (listener) => slots.setMessage(listener),
		onError: (listener) => slots.setError(listener),
		hold: () => undefined,
		terminate: () => {
			worker.removeEventListener('message', message);
			worker.removeEventListener('error', error);
			slots.clear();
			worker.terminate();
		}
	};
}

/** The first message a kernel worker gets: the module to instantiate on the shared memory, and its warm-up. */
interface InitMessage {
	type: 'init';
	module: WebAssembly.Module;
	memory: WebAssembly.Memory;
	warmUp: WarmUp;
}

/**
 * Posts `init` and waits for the worker's `ready` (instantiated) or rejects with its error. The
 * listeners close over the port only, never over `init` (its memory): a browser keeps a running
 * Worker's listeners alive, and with them whatever their closures hold.
 */
function initialise(port: WorkerPort, init: InitMessage): Promise<KernelThread> {
	const ready = new Promise<KernelThread>((resolve, reject) => {
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
	});
	port.hold(true);
	port.post(init);
	return ready;
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
		return await Promise.all(ports.map((port, i) => initialise(port, { type: 'init', module, memory, warmUp: warmUp(i + 1) })));
	} catch (error) {
		for (const port of ports) port.terminate();
		throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `worker threads failed to start: ${String(error)}` }, {}, error);
	}
}
