import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { generateFixtures } from '../../fixtures/generate';
import { startMockHub, type MockHub } from '../../fixtures/mock-hub';

export const SCREENSHOTS = 'test-results/screenshots';

/**
 * Opens the playground (optionally with a query string and/or fragment, e.g. `?hub=…` or `#s=…`) and
 * waits until the demo corpus is loaded. The first load starts the engine worker (a large bundle), so
 * it gets more time than an ordinary expectation on a busy machine.
 */
export async function openPlayground(page: Page, suffix = ''): Promise<void> {
	await page.goto(`/${suffix}`);
	await waitReady(page);
	await expect(page.getByRole('region', { name: 'Corpus' })).toContainText('documents');
}

/** Waits until the page restored its state from the address (after a `goto` or a `reload`). */
export async function waitReady(page: Page): Promise<void> {
	await expect(page.locator('main[data-ready="true"]')).toBeVisible({ timeout: 30_000 });
}

/** The playground pointed at a Hub (`?hub=`), loaded. */
export function openWithHub(page: Page, hubUrl: string): Promise<void> {
	return openPlayground(page, `?hub=${encodeURIComponent(hubUrl)}`);
}

/**
 * Serves the generated tiny test models from a mock Hub for the tests of this file (or `describe`
 * block): started before them, closed after. Returns a getter for the running Hub.
 */
export function useMockHub(): () => MockHub {
	let hub: MockHub | undefined;
	test.beforeAll(async () => {
		const { dir } = await generateFixtures();
		hub = await startMockHub({ root: dir });
	});
	test.afterAll(async () => {
		await hub?.close();
	});
	return () => {
		if (!hub) throw new Error('the mock Hub is not running (useMockHub() registers it in beforeAll)');
		return hub;
	};
}

/** A panel's region, by its exact title. */
export function panel(page: Page, name: string) {
	return page.getByRole('region', { name, exact: true });
}

/** Enters `spec` as the model of a role in the model bar (`name`: "Bi-encoder", "ColBERT", …), fp32, and presses Load. */
export async function loadModel(page: Page, name: string, spec: string): Promise<void> {
	await page.getByRole('combobox', { name: `${name} model id or folder` }).fill(spec);
	await page.getByRole('combobox', { name: `${name} dtype` }).selectOption('fp32');
	await page.getByRole('button', { name: `Load ${name} model` }).click();
}

/** Adds a panel from the keyboard: kind ("Bi-encoder", "ColBERT", …), model, fp32 (or `dtype`), `device` (default wasm), then Enter. */
export async function addPanel(page: Page, kind: string, spec: string, { dtype = 'fp32', device = 'wasm' }: { dtype?: string; device?: string } = {}): Promise<void> {
	const form = page.getByRole('form', { name: 'Add panel' });
	await form.getByLabel('New panel kind').selectOption({ label: kind });
	const model = form.getByLabel('New panel model id or folder');
	await model.fill(spec);
	await form.getByLabel('New panel dtype').selectOption(dtype);
	await form.getByLabel('New panel device').selectOption(device);
	await model.focus();
	await model.press('Enter');
}

/** The BM25 panel's result items. */
export function bm25Results(page: Page) {
	return page.getByRole('region', { name: 'BM25', exact: true }).locator('ol > li');
}

/** Types a query and waits for the BM25 panel to show results for it. */
export async function search(page: Page, query: string): Promise<void> {
	const input = page.getByRole('searchbox', { name: 'Query' });
	await input.fill(query);
	await input.press('Enter');
	const panel = page.getByRole('region', { name: 'BM25', exact: true });
	await expect(panel).toHaveAttribute('data-status', 'ready');
}

export async function screenshot(page: Page, name: string): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/**
 * Starts recording every text the element with `testId` shows, for a state that may last less than
 * one of Playwright's polls (encoding 112 documents with a tiny model takes well under a second).
 * The returned function gives the distinct texts seen so far, in order.
 * @example const seen = await recordTexts(page, 'encoding-colbert'); ...; expect(await seen()).toContainEqual(expect.stringMatching(/Encoding/))
 */
export async function recordTexts(page: Page, testId: string): Promise<() => Promise<string[]>> {
	await page.evaluate((id) => {
		const seen: string[] = [];
		(window as unknown as Record<string, string[]>)[`__texts_${id}`] = seen;
		const look = () => {
			const text = document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();
			if (text && seen[seen.length - 1] !== text) seen.push(text);
		};
		new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
		look();
	}, testId);
	return () => page.evaluate((id) => [...((window as unknown as Record<string, string[]>)[`__texts_${id}`] ?? [])], testId);
}

/**
 * As `recordTexts`, but from the start of every document the page loads next (a reload included), for
 * a state that may show before a test could start looking. Call it before the navigation.
 * @example const seen = await recordTextsFromStart(page, 'eval-changed'); await page.reload(); ...; expect(await seen()).toEqual([])
 */
export async function recordTextsFromStart(page: Page, testId: string): Promise<() => Promise<string[]>> {
	await page.addInitScript((id) => {
		const seen: string[] = [];
		(window as unknown as Record<string, string[]>)[`__texts_${id}`] = seen;
		document.addEventListener('DOMContentLoaded', () => {
			new MutationObserver(() => {
				const text = document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();
				if (text && seen[seen.length - 1] !== text) seen.push(text);
			}).observe(document.body, { subtree: true, childList: true, characterData: true });
		});
	}, testId);
	return () => page.evaluate((id) => [...((window as unknown as Record<string, string[]>)[`__texts_${id}`] ?? [])], testId);
}
