import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';

test.use({ viewport: { width: 1280, height: 900 } });

test('the Kernels page says what auto picks and benchmarks js, wasm and webgpu with a drift check', async ({ page }) => {
	await page.goto('/kernels');
	const auto = page.getByRole('region', { name: 'Automatic choice' });
	await expect(auto.locator('strong.mono')).toHaveText(/^(js|wasm|webgpu)$/, { timeout: 30_000 });
	await expect(auto).toContainText('Cross-origin isolated: yes');
	await page.getByRole('button', { name: 'Small (200 docs)' }).click();
	await page.getByLabel('Documents').fill('100');
	await page.getByRole('button', { name: 'Run benchmark' }).click();
	const rows = page.locator('tbody tr');
	await expect(rows).toHaveCount(3, { timeout: 60_000 });
	for (const backend of ['js', 'wasm']) {
		const row = page.locator(`tbody tr[data-backend="${backend}"]`);
		const docsPerSecond = Number((await row.locator('td').nth(1).textContent())!.replace(/,/g, ''));
		expect(docsPerSecond).toBeGreaterThan(0);
		const error = Number(await row.locator('td').nth(5).textContent());
		expect(error).toBeLessThan(1e-3);
	}
	// WebGPU either ran (software adapter here) or says why it could not.
	const gpu = page.locator('tbody tr[data-backend="webgpu"]');
	await expect(gpu.locator('td.reason')).not.toBeEmpty();
	await expect(page.locator('svg.latelab-bar-chart g.bar')).toHaveCount(3);
	await screenshot(page, 'kernels');
});
