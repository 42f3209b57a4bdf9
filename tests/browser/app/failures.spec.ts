/**
 * Failures stay in the panel that failed: an added panel whose model the Hub does not have (404) and
 * one whose folder lacks `tokenizer.json` (served by a second mock Hub from a temp copy of a generated
 * model) each show their own cause, while BM25 and the two ready bi-encoder panels keep answering;
 * the failed panels can be removed. With two ready bi-encoders the explanation has a chooser, and
 * each choice titles the explanation. Screenshots at 1440 px and at a phone width (390 px).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../../fixtures/generate';
import { startMockHub, type MockHub } from '../../fixtures/mock-hub';
import { addPanel, bm25Results, loadModel, openWithHub, panel, screenshot, SCREENSHOTS, search } from './helpers';
import { expectAccessible } from '../support/accessibility';

const BASE = `http://127.0.0.1:${process.env.LATELAB_TEST_PORT ?? 4317}`;
const MISSING = 'latelab-test/no-such-model';
const NO_TOKENIZER = 'latelab-broken/tiny-bi-encoder-no-tokenizer';
const CLS = 'Bi-encoder (tiny-bi-encoder-cls)';
const MISSING_TITLE = 'Bi-encoder (no-such-model)';
const NO_TOKENIZER_TITLE = 'Bi-encoder (tiny-bi-encoder-no-tokenizer)';

let hub: MockHub;
let brokenHub: MockHub;
let brokenRoot: string;

test.beforeAll(async () => {
	const { dir } = await generateFixtures();
	hub = await startMockHub({ root: dir });
	// A second Hub whose only model is a generated bi-encoder without its tokenizer.json.
	brokenRoot = mkdtempSync(join(tmpdir(), 'latelab-broken-hub-'));
	const target = join(brokenRoot, NO_TOKENIZER);
	cpSync(fixtureModelDir(FIXTURE_MODELS.biEncoder, dir), target, { recursive: true });
	rmSync(join(target, 'tokenizer.json'));
	expect(existsSync(join(target, 'config.json'))).toBe(true);
	brokenHub = await startMockHub({ root: brokenRoot });
});

test.afterAll(async () => {
	await hub?.close();
	await brokenHub?.close();
	if (brokenRoot) rmSync(brokenRoot, { recursive: true, force: true });
});

async function setHub(page: Page, url: string): Promise<void> {
	const details = page.locator('details', { has: page.locator('summary', { hasText: 'Hub and caches' }) });
	if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
	const input = page.getByRole('textbox', { name: 'Hub address' });
	await input.fill(url);
	await input.press('Enter');
	await expect(details).toContainText(`Models come from ${url}`);
}

/** A close-up of part of the page (the panels row, one panel) beside the full-page screenshots. */
async function closeUp(page: Page, selector: string | ReturnType<Page['locator']>, name: string): Promise<void> {
	const target = typeof selector === 'string' ? page.locator(selector) : selector;
	await target.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

test('a panel whose model cannot load fails alone with its cause, the others keep answering, and it can be removed; the explanation chooser picks between two bi-encoders', async ({ browser }: { browser: Browser }) => {
	test.setTimeout(240_000);
	const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, baseURL: BASE });
	const page = await context.newPage();
	await openWithHub(page, hub.url);
	for (const name of ['Cross-encoder', 'ColBERT', 'ColBERT two-stage']) await page.getByRole('button', { name: `Hide ${name}`, exact: true }).click();

	// Two ready bi-encoders: the model bar's (mean pooling) and an added one (CLS pooling).
	await loadModel(page, 'Bi-encoder', FIXTURE_MODELS.biEncoder);
	await addPanel(page, 'Bi-encoder', FIXTURE_MODELS.biEncoderCls);
	await expect(page.getByTestId('prep-bi-encoder')).toBeVisible({ timeout: 90_000 });
	await expect(page.getByTestId('prep-bi-encoder@2')).toBeVisible({ timeout: 90_000 });

	// 1. A Hub id the Hub does not have: 404, named in that panel only.
	await addPanel(page, 'Bi-encoder', MISSING);
	const missing = panel(page, MISSING_TITLE).getByTestId('model-error-bi-encoder@3');
	await expect(missing).toBeVisible({ timeout: 60_000 });
	await expect(missing).toContainText(/not found|404/i);
	await expect(missing).toContainText('no-such-model');
	// No config.json at that id: the fix is the id's spelling, not another dtype.
	await expect(missing).toContainText('No model answers at this id and revision: check its spelling');
	await expect(missing).not.toContainText('dtype');

	// 2. A folder without tokenizer.json, from the second Hub.
	await setHub(page, brokenHub.url);
	await addPanel(page, 'Bi-encoder', NO_TOKENIZER);
	const noTokenizer = panel(page, NO_TOKENIZER_TITLE).getByTestId('model-error-bi-encoder@4');
	await expect(noTokenizer).toBeVisible({ timeout: 60_000 });
	await expect(noTokenizer).toContainText('lacks tokenizer.json');
	await expect(noTokenizer).toContainText('This model has no tokenizer.json');
	await expect(noTokenizer).not.toContainText('pick a dtype');
	await expect(brokenHub.requests.some((r) => r.includes('tokenizer.json 404'))).toBe(true);
	// Each failure is in its own panel and nowhere else.
	await expect(page.getByRole('alert').filter({ hasText: 'tokenizer.json' })).toHaveCount(1);
	for (const name of ['BM25', 'Bi-encoder', CLS]) await expect(panel(page, name).getByRole('alert')).toHaveCount(0);

	// BM25 and the ready panels keep answering queries; the failed ones do not pretend to.
	for (const query of ['heart attack symptoms', 'credit card debt']) {
		await search(page, query);
		await expect(bm25Results(page).first()).toBeVisible();
		for (const name of ['Bi-encoder', CLS]) {
			await expect(panel(page, name)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
			await expect(panel(page, name).locator('ol > li')).toHaveCount(10);
		}
		for (const name of [MISSING_TITLE, NO_TOKENIZER_TITLE]) {
			await expect(panel(page, name)).not.toHaveAttribute('data-status', 'ready');
			await expect(panel(page, name).locator('ol > li')).toHaveCount(0);
		}
	}
	await screenshot(page, 'failures-1440');
	await expectAccessible(page, 'failure analysis at 1440 px');
	await closeUp(page, 'div.panels', 'failures-panels-1440');
	await page.setViewportSize({ width: 390, height: 900 });
	await expect(panel(page, NO_TOKENIZER_TITLE)).toBeVisible();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, 'the page scrolls sideways at 390 px').toBeLessThanOrEqual(0);
	await screenshot(page, 'failures-390');
	await expectAccessible(page, 'failure analysis at 390 px');
	await closeUp(page, panel(page, NO_TOKENIZER_TITLE), 'failures-panel-390');
	await closeUp(page, panel(page, CLS), 'failures-ready-panel-390');
	await page.setViewportSize({ width: 1440, height: 1000 });

	// Removing the failed panels works and leaves the rest answering.
	await page.getByRole('button', { name: `Remove ${MISSING_TITLE}` }).click();
	await page.getByRole('button', { name: `Remove ${NO_TOKENIZER_TITLE}` }).click();
	await expect(panel(page, MISSING_TITLE)).toHaveCount(0);
	await expect(panel(page, NO_TOKENIZER_TITLE)).toHaveCount(0);
	await expect(page.getByRole('alert')).toHaveCount(0);
	await search(page, 'heart attack symptoms');
	await expect(panel(page, CLS)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });

	// The explanation chooser: two ready bi-encoders, each picked in turn titles the explanation.
	await bm25Results(page).first().locator('button.hit').click();
	const dense = page.getByTestId('dense-explanation');
	const chooser = dense.getByRole('combobox', { name: 'Bi-encoder explanation panel' });
	await expect(chooser).toBeVisible({ timeout: 30_000 });
	await expect(chooser.locator('option')).toHaveText(['Bi-encoder', CLS]);
	for (const title of [CLS, 'Bi-encoder']) {
		await chooser.selectOption({ label: title });
		await expect(dense.locator('h3')).toHaveText(`${title}: each token's share of the cosine`);
		await expect(dense.getByText('Computing token shares…')).toHaveCount(0, { timeout: 30_000 });
		await expect(dense.getByRole('alert')).toHaveCount(0);
	}
	await screenshot(page, 'failures-explanation-1440');
	await expectAccessible(page, 'a failure explained at 1440 px');
	await page.setViewportSize({ width: 390, height: 900 });
	await screenshot(page, 'failures-explanation-390');
	await expectAccessible(page, 'a failure explained at 390 px');
	await closeUp(page, dense, 'failures-explanation-dense-390');
	await context.close();
});

test('a Hub address that is not a web address is refused with why, and the Hub in use stays', async ({ page }) => {
	await page.goto('/');
	await expect(page.locator('main[data-ready="true"]')).toBeVisible({ timeout: 30_000 });
	const details = page.locator('details', { has: page.locator('summary', { hasText: 'Hub and caches' }) });
	await details.locator('summary').click();
	const input = page.getByRole('textbox', { name: 'Hub address' });
	await input.fill('not a url');
	await input.press('Enter');
	await expect(page.getByRole('alert')).toHaveText('“not a url” is not a web address: enter one that starts with https:// (the Hugging Face Hub is https://huggingface.co/)');
	await expect(input).toHaveAttribute('aria-invalid', 'true');
	await expect(details).toContainText('Models come from https://huggingface.co/');
	// A link naming such a Hub opens with the default one, and says why.
	await page.goto('/?hub=ftp%3A%2F%2Fexample.com%2F');
	await expect(page.locator('main[data-ready="true"]')).toBeVisible({ timeout: 30_000 });
	await details.locator('summary').click();
	await expect(details).toContainText('Models come from https://huggingface.co/');
	await expect(page.getByRole('alert')).toContainText('“ftp://example.com/” uses ftp:');
	// A valid address clears the error.
	await input.fill('http://127.0.0.1:9/');
	await input.press('Enter');
	await expect(details).toContainText('Models come from http://127.0.0.1:9/');
	await expect(page.getByRole('alert')).toHaveCount(0);
});
