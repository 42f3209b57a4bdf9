/**
 * The neural panels end to end in Chromium, on the generated tiny models served by the mock Hub
 * (tests/fixtures) in fp32 (the only dtype they have): download with progress, corpus encoding with
 * progress into IndexedDB, all five panels filled by one query, the ColBERT matrix checked cell by
 * cell against the engine run in Node on the same model, reuse of the encoded corpus after a reload,
 * the MaxSim kernel selector (wasm, webgpu on SwiftShader), and an unreachable Hub failing only in the
 * panel that needs it.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { loadColbertEncoder } from '../../../src/lib/engine/encoders/colbert';
import { configureRuntime } from '../../../src/lib/engine/encoders/runtime';
import { rankingDrift } from '../../../src/lib/engine/eval/drift';
import { explainMaxSim } from '../../../src/lib/engine/explain/maxsim-matrix';
import { documentText } from '../../../src/lib/engine/pipelines/neural-context';
import { FIXTURE_MODELS, fixtureModelDir } from '../../fixtures/generate';
import { addPanel, bm25Results, loadModel, openWithHub, panel, recordTexts, screenshot, search, useMockHub, waitReady } from './helpers';
import { expectAccessible } from '../support/accessibility';

const MODELS = { 'bi-encoder': FIXTURE_MODELS.biEncoder, 'cross-encoder': FIXTURE_MODELS.crossEncoder, colbert: FIXTURE_MODELS.colbertPylate } as const;
const NAMES = { 'bi-encoder': 'Bi-encoder', 'cross-encoder': 'Cross-encoder', colbert: 'ColBERT' } as const;
const PANELS = ['BM25', 'Bi-encoder', 'Cross-encoder', 'ColBERT', 'ColBERT two-stage'];
const QUERY = 'heart attack symptoms';

const hub = useMockHub();
/** The ColBERT panel's (doc, score) list with the PyLate-layout model on wasm, for the device check. */
let colbertScores: [string, number][] = [];

test.use({ viewport: { width: 1440, height: 1000 } });

/** Picks the test model and fp32 for `role` and presses Load. */
const loadRole = (page: Page, role: keyof typeof MODELS) => loadModel(page, NAMES[role], MODELS[role]);

test.describe.serial('neural panels on the mock Hub', () => {
	let context: BrowserContext;
	let page: Page;

	test.beforeAll(async ({ browser }: { browser: Browser }) => {
		context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, baseURL: `http://127.0.0.1:${process.env.LATELAB_TEST_PORT ?? 4317}` });
		page = await context.newPage();
	});

	test.afterAll(async () => {
		await context?.close();
	});

	test('models download with progress, the corpus encodes with progress, and a query fills all five panels', async () => {
		await openWithHub(page, hub().url);
		// Slow the downloads down so the progress can be seen (and checked) at all.
		hub().setFault({ chunkBytes: 8192, chunkDelayMs: 15 });
		const sawDownload = page.getByTestId('model-status-colbert').getByText(/total .* \/ /).waitFor({ timeout: 60_000 });
		const encodingTexts = await recordTexts(page, 'encoding-colbert');
		await loadRole(page, 'colbert');
		await sawDownload;
		// Then the corpus encoding, with documents done of the total (recorded: it can be over between two polls).
		await expect(page.getByTestId('prep-colbert')).toContainText('encoded', { timeout: 90_000 });
		expect(await encodingTexts()).toContainEqual(expect.stringMatching(/^Encoding \d+ \/ 112 documents · [\d.]+ docs\/s · \d+ s left/));
		hub().setFault(null);
		await expect(page.getByTestId('model-status-colbert')).toContainText('downloaded');

		await loadRole(page, 'bi-encoder');
		await loadRole(page, 'cross-encoder');
		await expect(page.getByTestId('prep-bi-encoder')).toContainText('encoded', { timeout: 90_000 });
		await expect(page.getByTestId('prep-cross-encoder')).toBeVisible({ timeout: 90_000 });
		await expect(page.getByTestId('prep-colbert-two-stage')).toContainText('reused from IndexedDB', { timeout: 90_000 });

		await search(page, QUERY);
		for (const name of PANELS) {
			await expect(panel(page, name)).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
			await expect(panel(page, name).locator('ol > li').first()).toBeVisible();
		}
		await expect(panel(page, 'Cross-encoder').locator('.prob').first()).toContainText(/^p 0\.\d{3}|^p 1\.000/);
		await expect(panel(page, 'ColBERT').getByTestId('timings')).toContainText('maxsim');
		await expect(panel(page, 'ColBERT two-stage').getByTestId('timings')).toContainText('first-stage');
		await expect(panel(page, 'ColBERT two-stage').getByTestId('timings')).toContainText('bm25 top 100');
		// The tiny models rank at random, so judged documents may fall out of their top 10: the judged count shows anyway.
		for (const name of PANELS) await expect(panel(page, name).locator('.judged')).toContainText(/judged documents?/);
		await screenshot(page, 'neural-panels');
		await expectAccessible(page, 'five panels filled on loaded models');
		colbertScores = await panel(page, 'ColBERT').locator('ol > li').evaluateAll((els) =>
			els.map((e) => [e.getAttribute('data-doc'), Number(e.querySelector('.score')?.textContent)] as [string, number])
		);
	});

	test('a ColBERT matrix matches the engine run in Node on the same model', async () => {
		const first = panel(page, 'ColBERT').locator('ol > li').first();
		const docId = (await first.getAttribute('data-doc'))!;
		await first.locator('button.hit').click();
		const view = page.getByTestId('colbert-explanation');
		const heatmap = view.locator('.latelab-heatmap');
		await expect(heatmap).toBeVisible({ timeout: 30_000 });

		configureRuntime({ allowRemoteModels: false });
		const colbert = await loadColbertEncoder({ id: MODELS.colbert, localDir: fixtureModelDir(MODELS.colbert), dtype: 'fp32', device: 'cpu' });
		// The demo corpus read as JSON (Playwright's loader needs import attributes for the engine's JSON import).
		const raw = JSON.parse(readFileSync('src/lib/engine/corpus/demo/demo-corpus.json', 'utf8')) as { docs: { _id: string; title: string; text: string }[] };
		const d = raw.docs.find((x) => x._id === docId)!;
		const doc = { id: d._id, title: d.title, text: d.text };
		const [encoded] = await colbert.encodeDocuments([documentText(doc)]);
		const expected = explainMaxSim(await colbert.encodeQuery(QUERY), encoded);
		await colbert.dispose();

		expect(await heatmap.locator('text.query-label').allTextContents()).toEqual(expected.queryTokens);
		await expect(heatmap.locator('text.query-label[data-kind="mask"]')).toHaveCount(expected.augmentation.filter(Boolean).length);
		const docLabels = await heatmap.locator('text.doc-label').evaluateAll((els) => els.map((e) => e.childNodes[0]?.textContent ?? ''));
		expect(docLabels).toEqual(expected.docTokens.slice(0, docLabels.length));
		const outlines = await heatmap.locator('rect.argmax-outline').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-row')), Number(e.getAttribute('data-col'))]));
		for (const [row, col] of outlines) expect(col).toBe(expected.argmax[row]);
		const cells = await heatmap.locator('rect.cell').evaluateAll((els) =>
			els.map((e) => ({ row: Number(e.getAttribute('data-row')), col: Number(e.getAttribute('data-col')), title: e.querySelector('title')?.textContent ?? '' }))
		);
		expect(cells.length).toBe(expected.nq * Math.min(expected.nd, 160));
		for (const c of cells) {
			const shown = Number(/: (−?-?[\d.]+)/.exec(c.title)![1].replace('−', '-'));
			expect(Math.abs(shown - expected.scores[c.row * expected.nd + c.col])).toBeLessThan(2e-3);
		}
		const shownScore = Number(await first.locator('.score').textContent());
		expect(Math.abs(shownScore - expected.score)).toBeLessThan(2e-3);
		await expect(view.locator('svg.latelab-contributions text.sum')).toContainText('= score');
		await expect(view.locator('mark').first()).toBeVisible();
		await view.getByRole('button', { name: 'MaxSim only' }).click();
		await expect(heatmap.first()).toHaveAttribute('data-mode', 'maxsim');
		await expect(page.getByTestId('dense-explanation').locator('mark').first()).toBeVisible();
		await page.getByTestId('cross-explanation').getByRole('button', { name: 'Explain with occlusion' }).click();
		await expect(page.getByTestId('cross-explanation').locator('mark').first()).toBeVisible({ timeout: 60_000 });
		await expect(page.getByTestId('cross-explanation')).toContainText('pairs scored');
		// Both shades are explained: orange where removing a word lowers the logit, blue where it raises it.
		await expect(page.getByTestId('occlusion-key')).toHaveText(/orange: the logit drops without the word .*blue: it rises/);
		await screenshot(page, 'neural-explanations');
		await expectAccessible(page, 'five panels on loaded models with the ColBERT, bi-encoder and cross-encoder explanations open');
	});

	test('WASM and WebGPU MaxSim kernels can be chosen and rank alike', async () => {
		const colbert = panel(page, 'ColBERT');
		const ids = async () => colbert.locator('ol > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-doc')));
		const reference = await ids();
		for (const kernel of ['wasm', 'webgpu', 'js']) {
			await colbert.getByRole('combobox', { name: 'ColBERT MaxSim kernel' }).selectOption(kernel);
			await expect(colbert.getByTestId('timings')).toContainText(new RegExp(`^${kernel}\\b|${kernel}:`), { timeout: 60_000 });
			await expect(colbert).toHaveAttribute('data-status', 'ready');
			expect((await ids()).slice(0, 5)).toEqual(reference.slice(0, 5));
		}
	});

	test('a reload reuses the models from the Cache API and the encoded corpus from IndexedDB', async () => {
		const onnxBefore = hub().requests.filter((r) => r.endsWith('.onnx 200')).length;
		await page.reload();
		await waitReady(page);
		for (const role of ['colbert', 'bi-encoder'] as const) {
			await expect(page.getByTestId(`prep-${role}`)).toContainText('reused from IndexedDB', { timeout: 90_000 });
			await expect(page.getByTestId(`prep-${role}`)).not.toContainText('encoded');
		}
		await expect(page.getByTestId('model-status-colbert')).toContainText('from cache');
		expect(hub().requests.filter((r) => r.endsWith('.onnx 200')).length).toBe(onnxBefore);
		// The selected document came back from the URL; its matrix is computed from the reused vectors.
		await expect(page.getByTestId('colbert-explanation').locator('.latelab-heatmap')).toBeVisible({ timeout: 30_000 });
		await page.locator('summary', { hasText: 'Hub and caches' }).click();
		const table = page.getByRole('table', { name: 'Encoded corpora' });
		await expect(table).toContainText(MODELS.colbert);
		await expect(table).toContainText(MODELS['bi-encoder']);
		await screenshot(page, 'neural-caches');
		await expectAccessible(page, 'panels restored from the caches after a reload');
		await table.getByRole('button', { name: `Clear dense vectors of ${MODELS['bi-encoder']}` }).click();
		await expect(table).not.toContainText(MODELS['bi-encoder']);
		await expect(table).toContainText(MODELS.colbert);
		await page.getByRole('button', { name: 'Clear all encoded corpora' }).click();
		await expect(page.getByText('None yet: a corpus is stored here')).toBeVisible();
	});

	test('the link carries the loaded models: a fresh browser opening it loads them', async ({ browser }: { browser: Browser }) => {
		await expect.poll(() => page.url()).toContain('models=');
		const url = page.url();
		expect(decodeURIComponent(url)).toContain(`colbert~${MODELS.colbert}~fp32~wasm`);
		const fresh = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
		try {
			const other = await fresh.newPage();
			await other.goto(url);
			await expect(other.getByTestId('prep-colbert')).toContainText('encoded', { timeout: 90_000 });
			await expect(other.getByTestId('prep-bi-encoder')).toContainText('encoded', { timeout: 90_000 });
			await expect(panel(other, 'ColBERT')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
			await expect(panel(other, 'ColBERT').locator('ol > li').first()).toBeVisible();
		} finally {
			await fresh.close();
		}
	});

	test('a ColBERT model run on the WebGPU device ranks with the same scores as on WASM', async () => {
		// tiny-colbert-folded has the PyLate model's weights with the projection in the graph: same vectors.
		await page.getByRole('combobox', { name: 'ColBERT model id or folder' }).fill(FIXTURE_MODELS.colbertFolded);
		await page.getByRole('combobox', { name: 'ColBERT device' }).selectOption('webgpu');
		await page.getByRole('button', { name: 'Load ColBERT model' }).click();
		await expect(page.getByTestId('model-status-colbert')).toContainText('webgpu', { timeout: 60_000 });
		await expect(page.getByTestId('prep-colbert')).toContainText('encoded', { timeout: 120_000 });
		await search(page, QUERY);
		await expect(panel(page, 'ColBERT')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
		const shown = await panel(page, 'ColBERT').locator('ol > li').evaluateAll((els) =>
			els.map((e) => [e.getAttribute('data-doc'), Number(e.querySelector('.score')?.textContent)] as [string, number])
		);
		expect(shown.length).toBe(colbertScores.length);
		const expected = new Map(colbertScores);
		for (const [id, score] of shown.slice(0, 5)) expect(Math.abs(score - (expected.get(id) ?? NaN))).toBeLessThan(2e-3);
	});

	test('the same ColBERT model added on WASM is the reference of the WebGPU one, and a bi-encoder on WebGPU is compared with the WASM one: both say how far WebGPU drifts', async () => {
		// The model bar's ColBERT runs tiny-colbert-folded on WebGPU (previous test); the added panel runs it on WASM.
		await addPanel(page, 'ColBERT', FIXTURE_MODELS.colbertFolded);
		const added = page.getByRole('region', { name: /^ColBERT \(/ });
		await expect(added.getByTestId('cost-line')).toBeVisible({ timeout: 120_000 });
		await search(page, 'blood pressure medication');
		const webgpu = panel(page, 'ColBERT');
		for (const p of [webgpu, added]) await expect(p).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
		const line = webgpu.getByTestId('cost-line');
		await expect(line).toContainText(/vs WASM: overlap@10 \d+\/\d+ · score drift mean \d\.\d{3}, max \d\.\d{3}/, { timeout: 30_000 });
		await expect(added.getByTestId('cost-line')).toContainText('exact reference');
		// The numbers are rankingDrift of the two lists shown (scores shown to 3 decimals).
		const hits = (p: typeof webgpu) => p.locator('ol > li').evaluateAll((els) => els.map((e, i) => ({ id: e.getAttribute('data-doc')!, score: Number(e.querySelector('.score')?.textContent), rank: i + 1 })));
		const expected = rankingDrift(await hits(webgpu), await hits(added), 10);
		expect(Number(await line.getAttribute('data-overlap'))).toBe(expected.overlap);
		expect(Math.abs(Number(await line.getAttribute('data-max-drift')) - expected.maxDrift)).toBeLessThan(1.5e-3);
		// Same vectors up to float error on either device: the top 10 agrees and the drift is small.
		expect(Number(await line.getAttribute('data-max-drift'))).toBeLessThan(2e-3);

		// Any neural panel: the model bar's bi-encoder (fp32 on WASM) is the reference of the same model added on WebGPU.
		await addPanel(page, 'Bi-encoder', MODELS['bi-encoder'], { device: 'webgpu' });
		const biWebgpu = page.getByRole('region', { name: /^Bi-encoder \(/ });
		const drift = biWebgpu.getByTestId('drift-line');
		await expect(drift).toContainText(/^vs WASM: overlap@10 \d+\/\d+ · score drift mean \d\.\d{3}, max \d\.\d{3}/, { timeout: 120_000 });
		const biExpected = rankingDrift(await hits(biWebgpu), await hits(panel(page, 'Bi-encoder')), 10);
		expect(Number(await drift.getAttribute('data-overlap'))).toBe(biExpected.overlap);
		expect(Math.abs(Number(await drift.getAttribute('data-max-drift')) - biExpected.maxDrift)).toBeLessThan(1.5e-3);
		await expect(panel(page, 'Bi-encoder').getByTestId('drift-line')).toHaveCount(0);
	});
});

test('an unreachable Hub shows the offline message in the panel that needs it while BM25 keeps working', async ({ page }) => {
	await openWithHub(page, 'http://127.0.0.1:9/');
	await loadRole(page, 'colbert');
	const error = panel(page, 'ColBERT').getByTestId('model-error-colbert');
	await expect(error).toBeVisible({ timeout: 60_000 });
	await expect(error).toContainText('Cannot reach 127.0.0.1:9');
	await expect(error).toContainText('use a local model folder');
	await expect(error).toContainText('static/models/');
	// The Models bar says the load failed, not that nothing was loaded.
	await expect(page.getByRole('region', { name: 'Models' }).locator('li', { hasText: 'ColBERT' }).first()).toContainText('failed to load');
	await search(page, 'credit card debt');
	await expect(bm25Results(page).first()).toBeVisible();
	await expect(panel(page, 'ColBERT')).not.toHaveAttribute('data-status', 'ready');
	await screenshot(page, 'neural-offline');
	await expectAccessible(page, 'the offline message in a neural panel');
});
