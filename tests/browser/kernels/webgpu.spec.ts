/**
 * MaxSim in headless Chromium (SwiftShader software adapter): the WebGPU backend on every case of
 * kernels/cases/maxsim.jsonc and of webgpu-cases.jsonc (within the files' 1e-4 relative tolerance of
 * the JS reference), both reductions and several workgroup sizes, the 2D dispatch, input errors and
 * device loss; then the WASM backend with worker threads and `createMaxSimScorer` (auto choice,
 * fallback to WASM when the device is lost). WebGPU tests skip, with the reason printed, when the
 * browser has no adapter.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parseMaxSimCases } from '../../../kernels/cases/maxsim-cases';
import type { BackendSpec, KernelHarness } from './page/entry';
import { startKernelPage, type KernelPage } from './support/page-server';

declare const kernelHarness: KernelHarness;

const CASE_FILES = {
	shared: readFileSync('kernels/cases/maxsim.jsonc', 'utf8'),
	webgpu: readFileSync('tests/browser/kernels/webgpu-cases.jsonc', 'utf8')
};
const CASES = Object.entries(CASE_FILES).flatMap(([set, text]) =>
	parseMaxSimCases(text).cases.map((c, index) => ({ set, index, name: c.name, dim: c.dim }))
);
const TOLERANCE = 1e-4;

let server: KernelPage;
let page: Page;
let unavailable = '';
let softwareAdapter = false;

test.beforeAll(async ({ browser }) => {
	server = await startKernelPage('tests/browser/kernels/page/entry.ts');
	page = await browser.newPage();
	page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
	await page.goto(server.url);
	await page.waitForFunction(() => 'kernelHarness' in globalThis);
	await page.evaluate((texts) => kernelHarness.loadCases(texts), CASE_FILES);
	const status = await page.evaluate(() => kernelHarness.webgpuStatus());
	if (!status.available) {
		unavailable = 'no WebGPU adapter in this Chromium (needs --enable-unsafe-webgpu and a secure context)';
		console.log(`webgpu.spec: SKIPPING the WebGPU tests: ${unavailable}`);
	} else {
		softwareAdapter = (status.adapter as { isFallbackAdapter: boolean }).isFallbackAdapter;
		console.log(`webgpu.spec: adapter ${JSON.stringify(status.adapter)}, subgroups ${status.subgroups}, timestamps ${status.timestamps}`);
	}
});

test.afterAll(async () => {
	await page?.close();
	await server?.close();
});

async function runCase(set: string, index: number, backend: BackendSpec) {
	return page.evaluate(([s, i, b]) => kernelHarness.runCase(s, i, b), [set, index, backend] as const);
}

for (const c of CASES) {
	test(`createWebGpuScorer(${c.dim}) equals maxSim: ${c.name}`, async () => {
		test.skip(unavailable !== '', unavailable);
		const verdict = await runCase(c.set, c.index, { kind: 'webgpu' });
		expect(verdict.backend).toBe('webgpu');
		expect(verdict.problems).toEqual([]);
	});
}

test('createWebGpuScorer(dim, { useSubgroups: false }) reduces with workgroup atomics and equals maxSim on every case', async () => {
	test.skip(unavailable !== '', unavailable);
	for (const c of CASES) {
		const verdict = await runCase(c.set, c.index, { kind: 'webgpu', options: { useSubgroups: false } });
		expect(verdict.problems, c.name).toEqual([]);
	}
});

test('createWebGpuScorer(dim, { workgroupSize }) equals maxSim with 1, 4, 48 and 256 invocations', async () => {
	test.skip(unavailable !== '', unavailable);
	const some = CASES.filter((c) => /dim (48|128|768)|nq 33|2,000-token/.test(c.name));
	expect(some.length).toBeGreaterThanOrEqual(4);
	for (const workgroupSize of [1, 4, 48, 256]) {
		for (const c of some) {
			const verdict = await runCase(c.set, c.index, { kind: 'webgpu', options: { workgroupSize } });
			expect(verdict.problems, `${c.name}, workgroupSize ${workgroupSize}`).toEqual([]);
		}
	}
});

test('scorer.score(q) dispatches a 2D grid past 65,535 documents', async () => {
	test.skip(unavailable !== '', unavailable);
	const result = await page.evaluate(() => kernelHarness.webgpuTwoD(70_000));
	expect(result.count).toBe(70_000);
	expect(result.maxRelError).toBeLessThanOrEqual(TOLERANCE);
	expect(result.subsetError).toBeLessThanOrEqual(TOLERANCE);
});

test('createWebGpuScorer / scorer.add / score / topK reject bad arguments and calls after dispose()', async () => {
	test.skip(unavailable !== '', unavailable);
	const codes = await page.evaluate(() => kernelHarness.webgpuErrors());
	expect(codes).toEqual({
		badDim: 'BAD_ARGUMENT',
		badWorkgroup: 'BAD_ARGUMENT',
		addNaN: 'NOT_FINITE',
		sizeAfterFailedAdd: 1,
		subsetOutOfRange: 'BAD_ARGUMENT',
		subsetNotInteger: 'BAD_ARGUMENT',
		negativeK: 'BAD_ARGUMENT',
		afterDispose: 'BACKEND_UNAVAILABLE'
	});
});

test('scorer.score(q) rejects with DEVICE_LOST after device.destroy(), never with wrong scores', async () => {
	test.skip(unavailable !== '', unavailable);
	const result = await page.evaluate(() => kernelHarness.webgpuDeviceLoss());
	console.log(`webgpu.spec: score in flight at device.destroy(): ${result.inFlight}`);
	if (result.inFlight === 'resolved') expect(result.inFlightError).toBeLessThanOrEqual(TOLERANCE);
	else expect(result.inFlight).toBe('DEVICE_LOST');
	expect(result.after).toBe('DEVICE_LOST');
	expect(result.addAfter).toBe('DEVICE_LOST');
});

test('createMaxSimScorer({ backend: "wasm", threads: 2 }) equals maxSim on every case in the page', async () => {
	for (const c of CASES) {
		const verdict = await runCase(c.set, c.index, { kind: 'select', options: { backend: 'wasm', threads: 2 } });
		expect(verdict.backend, c.name).toBe('wasm');
		expect(verdict.problems, c.name).toEqual([]);
	}
});

test('createMaxSimScorer({ backend: "wasm" }) uses worker threads when the page is cross-origin isolated', async () => {
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	const report = await page.evaluate(() => kernelHarness.selectAndScore({ backend: 'wasm' }));
	console.log(`webgpu.spec: wasm choice: ${report.reason}`);
	expect(report.backend).toBe('wasm');
	expect(report.threads).toBeGreaterThan(1);
	expect(report.maxRelError).toBeLessThanOrEqual(TOLERANCE);
});

test('createMaxSimScorer({ backend: "auto" }) takes a hardware adapter, and says why it passed over a software one', async () => {
	test.skip(unavailable !== '', unavailable);
	const report = await page.evaluate(() => kernelHarness.selectAndScore({ backend: 'auto' }));
	console.log(`webgpu.spec: auto choice: ${report.backend}: ${report.reason}`);
	expect(report.maxRelError).toBeLessThanOrEqual(TOLERANCE);
	if (softwareAdapter) {
		// select.ts policy: SwiftShader is slower than WASM on the same CPU, so auto names it and moves on.
		expect(report.backend).toBe('wasm');
		expect(report.reason).toMatch(/webgpu: .*software/);
	} else {
		expect(report.backend).toBe('webgpu');
	}
});

test('createMaxSimScorer({ backend: "webgpu" }) uses WebGPU, even on a software adapter', async () => {
	test.skip(unavailable !== '', unavailable);
	const report = await page.evaluate(() => kernelHarness.selectAndScore({ backend: 'webgpu' }));
	expect(report.backend).toBe('webgpu');
	expect(report.maxRelError).toBeLessThanOrEqual(TOLERANCE);
});

test('createMaxSimScorer({ backend: "webgpu" }) falls back to WASM with a warning when the device is lost', async () => {
	test.skip(unavailable !== '', unavailable);
	const result = await page.evaluate(() => kernelHarness.fallbackAfterDeviceLoss());
	expect(result.before).toBe('webgpu');
	expect(result.after).toBe('wasm');
	expect(result.maxRelError).toBeLessThanOrEqual(TOLERANCE);
	expect(result.warnings.join('\n')).toMatch(/webgpu failed .*DEVICE|GPU device lost/);
});
