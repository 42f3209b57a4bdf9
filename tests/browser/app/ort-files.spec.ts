/**
 * One copy of ONNX Runtime's 27 MB wasm in the build (issue 9, `sharedOrtFiles` in vite.config.ts):
 * the build Playwright's web server has just made (`vite build` into build/, before any spec) holds one
 * `ort-wasm*.wasm`, in `_app/immutable/ort/` where the page's and the workers' bundles all reach it;
 * the playground fetches no ONNX Runtime file until a neural model loads, and loading one fetches each
 * file from that one URL.
 */
import { expect, test } from '@playwright/test';
import { basename } from 'node:path';
import { FIXTURE_MODELS } from '../../fixtures/generate';
import { listFiles } from '../../support/files';
import { loadModel, openWithHub, useMockHub } from './helpers';

const BUILD = 'build';
const ORT_DIR = '_app/immutable/ort/';
const ORT_FILE = /\/?ort-wasm[^/]*\.(wasm|mjs)$/;
const hub = useMockHub();

test('the build holds one ort-wasm*.wasm and one ort-wasm*.mjs, both in _app/immutable/ort/', () => {
	const ort = listFiles(BUILD).map((f) => f.split('\\').join('/')).filter((f) => ORT_FILE.test(f));
	// An empty list (no build/) fails here too: the web server always builds before the specs run.
	expect(ort.filter((f) => f.endsWith('.wasm'))).toEqual([expect.stringMatching(/^_app\/immutable\/ort\/ort-wasm[^/]*\.wasm$/)]);
	expect(ort.filter((f) => f.endsWith('.mjs'))).toEqual([expect.stringMatching(/^_app\/immutable\/ort\/ort-wasm[^/]*\.mjs$/)]);
});

test('loading a bi-encoder fetches ONNX Runtime from the one shared copy, and nothing of it before', async ({ page }) => {
	const urls: string[] = [];
	// Dedicated workers' requests (the engine worker runs the model) are reported on their page.
	page.on('request', (request) => {
		const path = new URL(request.url()).pathname;
		if (ORT_FILE.test(path)) urls.push(path);
	});
	await openWithHub(page, hub().url);
	expect(urls).toEqual([]);

	await loadModel(page, 'Bi-encoder', FIXTURE_MODELS.biEncoder);
	await expect(page.getByTestId('prep-bi-encoder')).toContainText('encoded', { timeout: 90_000 });
	const wasm = [...new Set(urls.filter((u) => u.endsWith('.wasm')))];
	expect(wasm).toHaveLength(1);
	expect(wasm[0]).toContain(`/${ORT_DIR}`);
	// The URL fetched is the file the build holds.
	const built = listFiles(BUILD).filter((f) => f.endsWith('.wasm') && ORT_FILE.test(f)).map((f) => basename(f));
	expect(built).toEqual([basename(wasm[0])]);
	for (const mjs of new Set(urls.filter((u) => u.endsWith('.mjs')))) expect(mjs).toContain(`/${ORT_DIR}`);
});
