/**
 * More than one model of a kind, side by side, on the generated tiny models behind the mock Hub:
 * two bi-encoders (mean and CLS pooling) and two ColBERTs (PyLate and folded layouts) in their own
 * panels, one query filling all of them, linked hover across every panel, and the whole layout —
 * added panels with their models, MaxSim kernel, first stage and depth — restored by a reload and by
 * the copied link in a fresh browser context.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { FIXTURE_MODELS } from '../../fixtures/generate';
import { addPanel, loadModel, openWithHub, panel, screenshot, search, useMockHub, waitReady } from './helpers';
import { expectAccessible } from '../support/accessibility';

const QUERY = 'heart attack symptoms';
const BASE = `http://127.0.0.1:${process.env.LATELAB_TEST_PORT ?? 4317}`;
const CLS = 'Bi-encoder (tiny-bi-encoder-cls)';
const FOLDED = 'ColBERT (tiny-colbert-folded)';
const FOLDED_TWO = 'ColBERT two-stage (tiny-colbert-folded)';
const READY = ['BM25', 'Bi-encoder', CLS, 'ColBERT', FOLDED, 'ColBERT two-stage', FOLDED_TWO];

const hub = useMockHub();

/** The (doc, score) list a panel shows. */
function ranking(page: Page, name: string): Promise<string[]> {
	return panel(page, name).locator('ol > li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-doc')}:${e.querySelector('.score')?.textContent}`));
}

async function expectAllReady(page: Page): Promise<void> {
	for (const name of READY) {
		await expect(panel(page, name)).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });
		await expect(panel(page, name).locator('ol > li').first()).toBeVisible();
	}
}

/** What a restored page must show: the added panels with their models and every option. */
async function expectLayout(page: Page): Promise<void> {
	await expect(panel(page, CLS).getByTestId('model-bi-encoder@2')).toContainText(FIXTURE_MODELS.biEncoderCls, { timeout: 60_000 });
	await expect(panel(page, 'Bi-encoder').getByTestId('model-bi-encoder')).toContainText(FIXTURE_MODELS.biEncoder, { timeout: 60_000 });
	await expect(panel(page, FOLDED).getByTestId('model-colbert@2')).toContainText(FIXTURE_MODELS.colbertFolded);
	await expect(panel(page, 'ColBERT').getByTestId('model-colbert')).toContainText(FIXTURE_MODELS.colbertPylate, { timeout: 60_000 });
	await expect(page.getByLabel(`${FOLDED} MaxSim kernel`)).toHaveValue('js');
	await expect(page.getByLabel('ColBERT MaxSim kernel', { exact: true })).toHaveValue('wasm');
	await expect(page.getByLabel(`${FOLDED_TWO} first stage`)).toHaveValue('dense');
	await expect(page.getByLabel(`${FOLDED_TWO} rerank depth`)).toHaveValue('20');
	await expect(panel(page, FOLDED_TWO).locator('.blurb')).toHaveText('Bi-encoder candidates (top 20), reranked by MaxSim.');
	await expect(panel(page, 'ColBERT two-stage').locator('.blurb')).toHaveText('BM25 candidates (top 100), reranked by MaxSim.');
	await expect(page.getByRole('region', { name: 'Cross-encoder', exact: true })).toHaveCount(0);
	await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue(QUERY);
	await expectAllReady(page);
	await expect(panel(page, FOLDED).getByTestId('timings')).toContainText('js');
	await expect(panel(page, FOLDED_TWO).getByTestId('timings')).toContainText('dense top 20');
}

test('two bi-encoders and two ColBERTs side by side: one query fills all, hover links all, reload and a shared link restore the layout', async ({ browser }: { browser: Browser }) => {
	test.setTimeout(300_000);
	const context = await browser.newContext({ viewport: { width: 1800, height: 1100 }, baseURL: BASE });
	const page = await context.newPage();
	if (process.env.MM_DEBUG) {
		page.on('console', (m) => console.log('[page]', m.text()));
		page.on('worker', (w) => w.on('console', (m) => console.log('[worker]', m.text())));
	}
	await openWithHub(page, hub().url);
	await page.getByRole('button', { name: 'Hide Cross-encoder' }).click();

	await loadModel(page, 'Bi-encoder', FIXTURE_MODELS.biEncoder);
	await loadModel(page, 'ColBERT', FIXTURE_MODELS.colbertPylate);
	await addPanel(page, 'Bi-encoder', FIXTURE_MODELS.biEncoderCls);
	await addPanel(page, 'ColBERT', FIXTURE_MODELS.colbertFolded);
	await addPanel(page, 'ColBERT two-stage', FIXTURE_MODELS.colbertFolded);
	await expect(panel(page, FOLDED_TWO)).toBeVisible();
	await expect(page.getByTestId('prep-colbert@2')).toBeVisible({ timeout: 90_000 });
	await expect(page.getByTestId('prep-colbert-two-stage@2')).toBeVisible({ timeout: 90_000 });
	await expect(page.getByTestId('prep-bi-encoder@2')).toBeVisible({ timeout: 90_000 });
	await expect(page.getByTestId('prep-bi-encoder')).toBeVisible({ timeout: 90_000 });

	await page.getByLabel(`${FOLDED} MaxSim kernel`).selectOption('js');
	await page.getByLabel('ColBERT MaxSim kernel', { exact: true }).selectOption('wasm');
	await page.getByLabel(`${FOLDED_TWO} first stage`).selectOption('dense');
	await page.getByLabel(`${FOLDED_TWO} rerank depth`).selectOption('20');
	await expect(panel(page, FOLDED_TWO).locator('.blurb')).toHaveText('Bi-encoder candidates (top 20), reranked by MaxSim.');

	await search(page, QUERY);
	await expectAllReady(page);
	await expect(panel(page, FOLDED).getByTestId('timings')).toContainText('js');
	await expect(panel(page, FOLDED_TWO).getByTestId('timings')).toContainText('dense top 20');
	// Mean and CLS pooling are different models: their lists differ.
	const mean = await ranking(page, 'Bi-encoder');
	const cls = await ranking(page, CLS);
	expect(mean).toHaveLength(10);
	expect(cls).toHaveLength(10);
	expect(cls).not.toEqual(mean);

	// Linked hover: a document pointed at in one panel is highlighted (or said absent) in every panel.
	const first = panel(page, CLS).locator('ol > li').first();
	const docId = (await first.getAttribute('data-doc'))!;
	await first.hover();
	for (const name of READY) {
		const here = panel(page, name).locator(`ol > li[data-doc="${docId}"]`);
		if (await here.count()) await expect(here).toHaveClass(/hovered/);
		await expect(panel(page, name).locator('.hover-rank')).toBeVisible();
	}
	await expect(panel(page, CLS).locator('.hover-rank')).toContainText('#1');
	const chart = page.getByRole('region', { name: 'Rank changes' });
	await expect(chart).toContainText(CLS);
	// The chart rings exactly the documents the lists mark as judged relevant.
	const judged = await page.locator('section.panel ol > li:has(.rel:not(.none))').evaluateAll((items) => [...new Set(items.map((li) => li.getAttribute('data-doc')))].sort());
	expect(judged.length).toBeGreaterThan(0);
	const ringed = await chart.locator('circle.relevant-ring').evaluateAll((rings) => [...new Set(rings.map((r) => r.getAttribute('data-id')))].sort());
	expect(ringed).toEqual(judged);
	await screenshot(page, 'multi-model');
	await expectAccessible(page, 'two bi-encoders and two ColBERTs side by side');

	// The address holds it all once the debounce has written it.
	await expect.poll(() => new URL(page.url()).hash, { timeout: 5000 }).toMatch(/^#s=/);
	await page.mouse.move(0, 0);
	await page.waitForTimeout(600);
	const link = page.url();
	expect(link).toContain('models=');

	await page.reload();
	await waitReady(page);
	await expectLayout(page);
	expect(await ranking(page, CLS)).toEqual(cls);
	await context.close();

	// A fresh context (no localStorage, no IndexedDB) from the copied link.
	const fresh = await browser.newContext({ viewport: { width: 1800, height: 1100 }, baseURL: BASE });
	const other = await fresh.newPage();
	await other.goto(link);
	await waitReady(other);
	await expectLayout(other);
	expect(await ranking(other, CLS)).toEqual(cls);
	expect(await ranking(other, 'Bi-encoder')).toEqual(mean);

	// Removing an added panel takes it out of the page and the link.
	await other.getByRole('button', { name: `Remove ${CLS}` }).click();
	await expect(panel(other, CLS)).toHaveCount(0);
	await other.waitForTimeout(600);
	await other.reload();
	await waitReady(other);
	await expect(panel(other, FOLDED)).toBeVisible();
	await expect(panel(other, CLS)).toHaveCount(0);
	await fresh.close();
});
