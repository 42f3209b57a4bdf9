import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

export const SCREENSHOTS = 'test-results/screenshots';

/** Opens the playground (optionally at a fragment) and waits until the demo corpus is loaded. */
export async function openPlayground(page: Page, hash = ''): Promise<void> {
	await page.goto(`/${hash}`);
	await expect(page.locator('main[data-ready="true"]')).toBeVisible();
	await expect(page.getByRole('region', { name: 'Corpus' })).toContainText('documents');
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
