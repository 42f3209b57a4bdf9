/**
 * What the playground's engine worker holds in memory, read through the Chrome DevTools Protocol on
 * the worker's own target (Playwright has no CDP session for workers, so the page's session attaches
 * to it and relays messages with `Target.sendMessageToTarget`). After a forced garbage collection:
 * - `Runtime.getHeapUsage`: the worker's JS heap (used bytes), and the backing stores V8 reports;
 * - every live `WebAssembly.Memory` of the worker (`Runtime.queryObjects`): the MaxSim scorers'
 *   kernel memories (documents resident in the arena), shared with their kernel threads;
 * - the non-shared ArrayBuffers' backing stores (typed arrays outside the JS heap: documents read,
 *   FDEs, PLAID codes, ...): `backingStorageSize` of `Runtime.getHeapUsage`, which does not count the
 *   WebAssembly memories. `Runtime.queryObjects` on `ArrayBuffer.prototype` finds no instances in
 *   Chromium 156 (its sum was 0 with 96 MB of Float32Arrays live, seen in a heap snapshot), so it is
 *   only the fallback where the browser does not report backing storage.
 * The kernel threads are Workers of their own; their heaps (the kernel glue, no documents) are not
 * counted, their shared memory is (once, here).
 */
import type { CDPSession, Page } from 'playwright-core';

export interface WorkerMemory {
	/** `Runtime.getHeapUsage().usedSize` after GC. */
	jsHeapUsed: number;
	/** `Runtime.getHeapUsage().backingStorageSize` when the browser reports it (ArrayBuffer backing stores). */
	backingStorage?: number;
	/** Sizes of the live WebAssembly memories, largest first. */
	wasmMemories: number[];
	/** Bytes of live non-shared ArrayBuffers (not WASM memories): `backingStorage`, else the `queryObjects` sum. */
	arrayBuffers: number;
	/** jsHeapUsed + wasm memories + array buffers. */
	total: number;
}

/** A relay to one worker target through the page's CDP session. */
class WorkerSession {
	private next = 1;
	private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

	constructor(
		private readonly cdp: CDPSession,
		private readonly sessionId: string
	) {
		cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
			if (event.sessionId !== this.sessionId) return;
			const msg = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
			if (msg.id === undefined) return;
			const p = this.pending.get(msg.id);
			if (!p) return;
			this.pending.delete(msg.id);
			if (msg.error) p.reject(new Error(msg.error.message));
			else p.resolve(msg.result);
		});
	}

	send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
		const id = this.next++;
		return new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			void this.cdp.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
		});
	}
}

/**
 * Attaches to the page's engine worker (the target whose URL matches `urlPart`).
 * @example const mem = await attachWorkerMemory(page); console.log((await mem.measure()).total)
 */
export async function attachWorkerMemory(page: Page, urlPart = 'engine.worker'): Promise<{ measure: () => Promise<WorkerMemory>; detach: () => Promise<void> }> {
	const cdp = await page.context().newCDPSession(page);
	const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
	const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes(urlPart));
	if (!target) throw new Error(`no worker target with "${urlPart}" in its URL among ${targetInfos.map((t) => `${t.type} ${t.url}`).join(', ')}`);
	const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
	const worker = new WorkerSession(cdp, sessionId);
	await worker.send('Runtime.enable');
	const sumOf = async (prototype: string, fn: string): Promise<number[]> => {
		const proto = await worker.send<{ result: { objectId: string } }>('Runtime.evaluate', { expression: prototype });
		const found = await worker.send<{ objects: { objectId: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
		const r = await worker.send<{ result: { value: number[] } }>('Runtime.callFunctionOn', { objectId: found.objects.objectId, functionDeclaration: fn, returnByValue: true });
		await worker.send('Runtime.releaseObject', { objectId: found.objects.objectId });
		return r.result.value;
	};
	return {
		async measure() {
			await worker.send('HeapProfiler.enable');
			await worker.send('HeapProfiler.collectGarbage');
			const heap = await worker.send<{ usedSize: number; totalSize: number; backingStorageSize?: number }>('Runtime.getHeapUsage');
			const wasmMemories = (await sumOf('WebAssembly.Memory.prototype', 'function () { return this.map((m) => m.buffer.byteLength).sort((a, b) => b - a); }'));
			const arrayBuffers = heap.backingStorageSize ?? (await sumOf('ArrayBuffer.prototype', 'function () { return [this.reduce((s, b) => s + b.byteLength, 0)]; }'))[0];
			const wasm = wasmMemories.reduce((s, b) => s + b, 0);
			return {
				jsHeapUsed: heap.usedSize,
				...(heap.backingStorageSize !== undefined ? { backingStorage: heap.backingStorageSize } : {}),
				wasmMemories,
				arrayBuffers,
				total: heap.usedSize + wasm + arrayBuffers
			};
		},
		async detach() {
			await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
			await cdp.detach().catch(() => undefined);
		}
	};
}
