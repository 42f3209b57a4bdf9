/**
 * Caches that cannot be poisoned, and storage faults the page survives (issue 14), in Chromium on
 * the mock Hub's tiny models: a model file in the Cache API shorter than its headers say is dropped
 * and downloaded again; a cut file whose headers agree with it fails ONNX Runtime, is evicted and
 * downloaded again, and the new copy loads; an engine worker that dies (an uncaught error, as an
 * out-of-memory abort) is reported, restarted, and the bi-encoder panel is ready again. One case is
 * `fixme` with what was observed: a small quota (CDP `Storage.overrideQuotaForOrigin`) that Chromium
 * did not enforce on the worker.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_MODELS, fixtureModelDir } from '../../fixtures/generate';
import { bm25Results, loadModel, openWithHub, panel, search, useMockHub } from './helpers';

const BI = FIXTURE_MODELS.biEncoder;
const hub = useMockHub();
test.use({ viewport: { width: 1440, height: 1000 } });

const onnxUrl = () => `${hub().url}${BI}/resolve/main/onnx/model.onnx`;

/** Bytes of the Cache API entry for `url` (0 when absent). */
function cachedBytes(page: Page, url: string): Promise<number> {
	return page.evaluate(async (u) => {
		const hit = await (await caches.open('transformers-cache')).match(u);
		return hit ? (await hit.arrayBuffer()).byteLength : 0;
	}, url);
}

test('a Cache API entry shorter than its Content-Length is dropped when matched and downloaded again; the panel encodes', async ({ page }) => {
	await openWithHub(page, hub().url);
	const whole = readFileSync(join(fixtureModelDir(BI), 'onnx/model.onnx'));
	// What an interrupted write leaves: the headers of the whole file over a cut body.
	await page.evaluate(async ({ url, bytes, size }) => {
		await (await caches.open('transformers-cache')).put(url, new Response(new Uint8Array(bytes), { headers: { 'content-length': String(size), 'x-linked-size': String(size) } }));
	}, { url: onnxUrl(), bytes: [...whole.subarray(0, 30_000)], size: whole.length });
	hub().requests.length = 0;
	await loadModel(page, 'Bi-encoder', BI);
	await expect(page.getByTestId('prep-bi-encoder')).toContainText('encoded', { timeout: 90_000 });
	expect(hub().requests).toContain(`GET /${BI}/resolve/main/onnx/model.onnx 200`);
	expect(await cachedBytes(page, onnxUrl())).toBe(whole.length);
});

// The cut body agrees with its headers, so only ONNX Runtime notices ("protobuf parsing failed"): the
// entry is evicted and downloaded once more, and the new copy must build a session. Before
// `keepSessionChainAlive` (runtime.ts) it did not: transformers.js chains browser session creations on
// one promise that stays rejected after the first failure, so the second creation rethrew the first
// error without running.
test('a truncated model file with consistent headers already in the Cache API is evicted and downloaded again; the panel encodes', async ({ page }) => {
	await openWithHub(page, hub().url);
	const whole = readFileSync(join(fixtureModelDir(BI), 'onnx/model.onnx'));
	await page.evaluate(async ({ url, bytes }) => {
		const body = new Uint8Array(bytes);
		await (await caches.open('transformers-cache')).put(url, new Response(body, { headers: { 'content-length': String(body.length) } }));
	}, { url: onnxUrl(), bytes: [...whole.subarray(0, 30_000)] });
	hub().requests.length = 0;
	await loadModel(page, 'Bi-encoder', BI);
	await expect(page.getByTestId('prep-bi-encoder')).toContainText('encoded', { timeout: 90_000 });
	const onnxGets = hub().requests.filter((r) => r.startsWith(`GET /${BI}/resolve/main/onnx/model.onnx `));
	expect(onnxGets).toEqual([`GET /${BI}/resolve/main/onnx/model.onnx 200`]);
	expect(await cachedBytes(page, onnxUrl())).toBe(whole.length);
	await search(page, 'heart attack symptoms');
	await expect(panel(page, 'Bi-encoder')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	await expect(panel(page, 'Bi-encoder').locator('ol > li').first()).toBeVisible();
});

// Not passing yet: with the quota overridden to usage + 20 kB, Chromium still let the worker write the
// 287 kB encoded corpus to IndexedDB and the reserve check did not refuse it (the panel said
// "encoding 112 documents ... will store about 287.3 kB ..." and then "encoded 4 batches"), so either
// the override does not reach the worker's estimate()/IndexedDB or it is enforced lazily. The engine
// side is tested in Node (tests/engine/store/browser-storage.test.ts, disk-budget.test.ts: STORAGE_FULL
// stops, finished batches kept, resume gives the same result).
test.fixme('a small storage quota stops the ColBERT encoding with STORAGE_FULL and what to free; BM25 keeps answering; with room it encodes', async ({ page }) => {
	await openWithHub(page, hub().url);
	const cdp = await page.context().newCDPSession(page);
	const origin = new URL(page.url()).origin;
	const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 20_000 });
	await loadModel(page, 'ColBERT', FIXTURE_MODELS.colbertPylate);
	const colbert = panel(page, 'ColBERT');
	await expect(colbert.getByRole('alert')).toContainText('storage is full', { timeout: 90_000 });
	await expect(colbert.getByRole('alert')).toContainText('Free space under');
	await search(page, 'heart attack symptoms');
	await expect(bm25Results(page).first()).toBeVisible();
	// Room again: loading the model once more prepares the panel, and it encodes.
	await cdp.send('Storage.overrideQuotaForOrigin', { origin });
	await page.getByRole('button', { name: 'Load ColBERT model' }).click();
	await expect(page.getByTestId('prep-colbert')).toContainText('encoded', { timeout: 90_000 });
});

test('an engine worker that dies is reported with the panels it cost, restarted, and the bi-encoder panel is ready again', async ({ page }) => {
	await openWithHub(page, hub().url);
	await loadModel(page, 'Bi-encoder', BI);
	await expect(page.getByTestId('prep-bi-encoder')).toContainText('encoded', { timeout: 90_000 });
	const worker = page.workers().find((w) => w.url().includes('engine'));
	expect(worker, page.workers().map((w) => w.url()).join(', ')).toBeDefined();
	// An uncaught error in the worker, as an out-of-memory abort of ONNX Runtime would raise.
	await worker!.evaluate(() => void setTimeout(() => {
		throw new RangeError('Array buffer allocation failed (simulated out of memory)');
	}));
	const note = page.getByTestId('worker-crashed');
	await expect(note).toBeVisible({ timeout: 30_000 });
	await expect(note).toContainText('Bi-encoder');
	await expect(note).toContainText('the engine worker stopped');
	// Prepared again in the new worker: the vectors come back from IndexedDB.
	await expect(page.getByTestId('prep-bi-encoder')).toContainText(/encoded|reused from IndexedDB/, { timeout: 90_000 });
	await search(page, 'heart attack symptoms');
	await expect(panel(page, 'Bi-encoder')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	await expect(panel(page, 'Bi-encoder').locator('ol > li').first()).toBeVisible();
});
