/**
 * WebGPU MaxSim conformance in headless Chromium (SwiftShader software adapter): every case of
 * page/cases.ts equals the JS reference `maxSim` within 1e-4 relative, plus 2D dispatch, input
 * errors and device loss. Skips, with the reason printed, when the browser has no WebGPU adapter.
 */
import { expect, test, type Page } from '@playwright/test';
import { CASES } from './page/cases';
import type { KernelHarness } from './page/entry';
import { startKernelPage, type KernelPage } from './support/page-server';

declare const kernelHarness: KernelHarness;

const TOLERANCE = 1e-4;
let server: KernelPage;
let page: Page;
let unavailable = '';

test.beforeAll(async ({ browser }) => {
	server = await startKernelPage('tests/browser/kernels/page/entry.ts');
	page = await browser.newPage();
	page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
	await page.goto(server.url);
	await page.waitForFunction(() => 'kernelHarness' in globalThis);
	const status = await page.evaluate(() => kernelHarness.webgpuStatus());
	if (!status.available) {
		unavailable = 'no WebGPU adapter in this Chromium (needs --enable-unsafe-webgpu and a secure context)';
		console.log(`webgpu.spec: SKIPPING WebGPU tests: ${unavailable}`);
	} else {
		console.log(`webgpu.spec: adapter ${JSON.stringify(status.adapter)}, subgroups ${status.subgroups}, timestamps ${status.timestamps}`);
	}
});

test.afterAll(async () => {
	await page?.close();
	await server?.close();
});

for (const [index, c] of CASES.entries()) {
	test(`createWebGpuScorer(${c.dim}).score(q) equals maxSim: ${c.name}`, async () => {
		test.skip(unavailable !== '', unavailable);
		const verdict = await page.evaluate((i) => kernelHarness.webgpuCase(i), index);
		expect(verdict.problems).toEqual([]);
		expect(verdict.maxRelError).toBeLessThanOrEqual(TOLERANCE);
	});
}

test('createWebGpuScorer(dim, { useSubgroups: false }) reduces in workgroup memory and matches maxSim', async () => {
	test.skip(unavailable !== '', unavailable);
	for (const index of [0, 4, 10, 11]) {
		const verdict = await page.evaluate((i) => kernelHarness.webgpuCase(i, { useSubgroups: false }), index);
		expect(verdict.problems, verdict.name).toEqual([]);
		expect(verdict.maxRelError, verdict.name).toBeLessThanOrEqual(TOLERANCE);
	}
});

test('createWebGpuScorer(dim, { workgroupSize }) matches maxSim for 4 and 256 invocations', async () => {
	test.skip(unavailable !== '', unavailable);
	for (const workgroupSize of [4, 256]) {
		const verdict = await page.evaluate((w) => kernelHarness.webgpuCase(3, { workgroupSize: w }), workgroupSize);
		expect(verdict.problems).toEqual([]);
		expect(verdict.maxRelError).toBeLessThanOrEqual(TOLERANCE);
	}
});

test('scorer.score(q) dispatches a 2D grid past 65,535 documents', async () => {
	test.skip(unavailable !== '', unavailable);
	const result = await page.evaluate(() => kernelHarness.webgpuTwoD(70_000));
	expect(result.count).toBe(70_000);
	expect(result.maxRelError).toBeLessThanOrEqual(TOLERANCE);
	expect(result.subsetError).toBeLessThanOrEqual(TOLERANCE);
});

test('scorer.add/score/topK reject bad input with DIM_MISMATCH, NOT_FINITE, BAD_ARGUMENT', async () => {
	test.skip(unavailable !== '', unavailable);
	const codes = await page.evaluate(() => kernelHarness.webgpuErrors());
	expect(codes).toEqual({
		badDim: 'BAD_ARGUMENT',
		addWrongDim: 'DIM_MISMATCH',
		addNaN: 'NOT_FINITE',
		sizeAfterFailedAdds: 1,
		scoreWrongDim: 'DIM_MISMATCH',
		scoreInfinity: 'NOT_FINITE',
		subsetOutOfRange: 'BAD_ARGUMENT',
		subsetNotInteger: 'BAD_ARGUMENT',
		negativeK: 'BAD_ARGUMENT',
		emptyQueryScores: '0',
		afterDispose: 'BACKEND_UNAVAILABLE'
	});
});

test('scorer.score(q) rejects with DEVICE_LOST after device.destroy(), never with wrong scores', async () => {
	test.skip(unavailable !== '', unavailable);
	const result = await page.evaluate(() => kernelHarness.webgpuDeviceLoss());
	if (result.inFlight === 'resolved') expect(result.inFlightError).toBeLessThanOrEqual(TOLERANCE);
	else expect(result.inFlight).toBe('DEVICE_LOST');
	expect(result.after).toBe('DEVICE_LOST');
	expect(result.addAfter).toBe('DEVICE_LOST');
});
