import { expose, proxy, wrap } from 'comlink';
import { describe, expect, it } from 'vitest';
import { EngineRequests } from '../../src/lib/state/engine-requests';
import { EngineCore } from '../../src/lib/worker/engine-core';
import type { EngineApi, EngineProgress, EngineRequest, EngineResponse } from '../../src/lib/worker/protocol';

/** The real engine core behind comlink over a MessageChannel: the worker boundary without a Worker. */
function connectedCore() {
	const { port1, port2 } = new MessageChannel();
	const core = new EngineCore();
	const api: EngineApi = { request: (r, p) => core.handle(r, p), cancel: (t) => core.cancel(t) };
	expose(api, port2 as never);
	const remote = wrap<EngineApi>(port1 as never);
	return { remote, close: () => { port1.close(); port2.close(); } };
}

describe('EngineRequests', () => {
	it('requests.send(...) round-trips through comlink with progress events', async () => {
		const { remote, close } = connectedCore();
		const counts: number[] = [];
		const requests = new EngineRequests(remote, { wrapCallback: (fn) => proxy(fn), onPendingChange: (n) => counts.push(n) });
		const progress: EngineProgress[] = [];
		const loaded = await requests.send('corpus', { type: 'load-corpus', source: { kind: 'demo' } }, (p) => progress.push(p));
		expect(loaded.type).toBe('corpus-loaded');
		expect(progress.some((p) => p.stage === 'bm25-index')).toBe(true);
		const r = await requests.send('search:bm25', { type: 'search', panel: 'bm25', query: 'credit card debt', k: 5 });
		expect(r.type).toBe('search-result');
		expect(counts).toEqual([1, 0, 1, 0]);
		close();
	});

	it('requests.send(channel) settles the older pending request on that channel as cancelled', async () => {
		const answers: ((r: EngineResponse) => void)[] = [];
		const cancelled: number[] = [];
		const endpoint = {
			request: (req: EngineRequest) => new Promise<EngineResponse>((resolve) => answers.push(() => resolve({ type: 'search-result', id: req.id, panel: 'bm25', query: (req as { query: string }).query, hits: [], timings: [], kernel: 'x', judged: 0 }))),
			cancel: (id: number) => void cancelled.push(id)
		};
		const requests = new EngineRequests(endpoint);
		const first = requests.send('search:bm25', { type: 'search', panel: 'bm25', query: 'old', k: 5 });
		const other = requests.send('search:colbert', { type: 'search', panel: 'colbert', query: 'old', k: 5 });
		const second = requests.send('search:bm25', { type: 'search', panel: 'bm25', query: 'new', k: 5 });
		expect(await first).toEqual({ type: 'cancelled', id: 1 });
		expect(cancelled).toEqual([1]);
		answers.forEach((a) => a(undefined as never));
		const last = await second;
		expect(last.type === 'search-result' && last.query).toBe('new');
		expect((await other).type).toBe('search-result');
		expect(requests.pending).toBe(0);
	});

	it('requests.send(...) turns a transport failure into an INTERNAL error response', async () => {
		const requests = new EngineRequests({ request: () => Promise.reject(new Error('worker gone')), cancel: () => undefined });
		const r = await requests.send('corpus', { type: 'load-corpus', source: { kind: 'demo' } });
		expect(r.type === 'error' && r.error.code).toBe('INTERNAL');
		expect(r.type === 'error' && r.error.message).toMatch(/worker gone/);
	});
});

describe('EngineRequests.cancelChannel', () => {
	it('requests.cancelChannel(c) settles only that channel and tells the worker', async () => {
		const cancelled: number[] = [];
		const never = () => new Promise<EngineResponse>(() => undefined);
		const requests = new EngineRequests({ request: never, cancel: (id: number) => void cancelled.push(id) });
		const load = requests.send('corpus', { type: 'load-corpus', source: { kind: 'demo' } });
		requests.send('search:bm25', { type: 'search', panel: 'bm25', query: 'x', k: 1 });
		requests.cancelChannel('corpus');
		expect(await load).toEqual({ type: 'cancelled', id: 1 });
		expect(cancelled).toEqual([1]);
		expect(requests.pending).toBe(1);
	});
});
