import { describe, expect, it } from 'vitest';
import { verifiedBrowserCache } from '../../../src/lib/engine/encoders/verified-cache';

/** A Cache API stand-in: responses kept by key, bodies read back as stored. */
function fakeCaches() {
	const entries = new Map<string, { body: Uint8Array; headers: Headers; status: number }>();
	const cache = {
		async match(key: string) {
			const e = entries.get(key);
			return e ? new Response(e.body.slice(), { status: e.status, headers: e.headers }) : undefined;
		},
		async put(key: string, response: Response) {
			entries.set(key, { body: new Uint8Array(await response.arrayBuffer()), headers: new Headers(response.headers), status: response.status });
		},
		async delete(key: string) {
			return entries.delete(key);
		}
	};
	return { entries, storage: { open: async () => cache } };
}

describe('verifiedBrowserCache', () => {
	it('match(url) returns an entry whose body has the size its headers say', async () => {
		const { storage } = fakeCaches();
		const cache = verifiedBrowserCache('transformers-cache', storage);
		await cache.put('http://hub/m/onnx/model.onnx', new Response(new Uint8Array(8), { headers: { 'content-length': '8', 'x-linked-size': '8' } }));
		const hit = await cache.match('http://hub/m/onnx/model.onnx');
		expect(new Uint8Array(await hit!.arrayBuffer())).toHaveLength(8);
	});

	it('match(url) deletes a corrupt entry (body shorter than Content-Length) and reports a miss, so the file is fetched again', async () => {
		const { entries, storage } = fakeCaches();
		entries.set('http://hub/m/onnx/model.onnx', { body: new Uint8Array(3), headers: new Headers({ 'content-length': '4096' }), status: 200 });
		const cache = verifiedBrowserCache('transformers-cache', storage);
		expect(await cache.match('http://hub/m/onnx/model.onnx')).toBeUndefined();
		expect(entries.has('http://hub/m/onnx/model.onnx')).toBe(false);
	});

	it('match(url) also drops an entry whose X-Linked-Size disagrees with its body', async () => {
		const { entries, storage } = fakeCaches();
		entries.set('k', { body: new Uint8Array(5), headers: new Headers({ 'x-linked-size': '6' }), status: 200 });
		expect(await verifiedBrowserCache('c', storage).match('k')).toBeUndefined();
		expect(entries.size).toBe(0);
	});

	it('match(url) keeps an entry without size headers (nothing to check)', async () => {
		const { entries, storage } = fakeCaches();
		entries.set('k', { body: new Uint8Array(5), headers: new Headers(), status: 200 });
		expect(await verifiedBrowserCache('c', storage).match('k')).toBeDefined();
		expect(entries.size).toBe(1);
	});
});
