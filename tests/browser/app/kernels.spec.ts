import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';
import { expectAccessible } from '../support/accessibility';

test.use({ viewport: { width: 1280, height: 900 } });

test('the Kernels page says what auto picks and benchmarks js, wasm and webgpu with a drift check', async ({ page }) => {
	await page.goto('/kernels');
	const auto = page.getByRole('region', { name: 'Automatic choice' });
	await expect(auto.locator('strong.mono')).toHaveText(/^(js|wasm|webgpu)$/, { timeout: 30_000 });
	await expect(auto).toContainText('Cross-origin isolated: yes');
	await page.getByRole('button', { name: 'Small (200 docs)' }).click();
	// Out of range: the size estimate gives way to what is wrong, and the benchmark cannot start.
	await page.getByLabel('Documents').fill('-5');
	await expect(page.getByRole('alert')).toContainText('Documents must be a whole number from 10 to 20,000');
	await expect(page.getByRole('button', { name: 'Run benchmark' })).toBeDisabled();
	await page.getByLabel('Documents').fill('100');
	// The small preset's 128 vectors of 128 floats per document, 100 documents: 6,553,600 bytes = 6.25 MiB.
	await expect(page.getByText('6.25 MiB of float32 document vectors')).toBeVisible();
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
	await expectAccessible(page, 'Kernels page after a benchmark');
});

test('the MaxSim-by-hand matrix outlines each row maximum, reads cells from the keyboard and scrolls a long document', async ({ page }) => {
	await page.goto('/kernels');
	const card = page.getByRole('region', { name: 'MaxSim by hand' });
	const grid = card.getByRole('group', { name: 'Toy MaxSim matrix' });
	await expect(grid.locator('rect.argmax-outline')).toHaveCount(8);
	await expect(grid.locator('text.query-label.kind-mask')).toHaveCount(3);
	// Each outlined cell is its row's maximum: compare with the cell values in the tooltips.
	const rows = await grid.locator('rect.cell').evaluateAll((cells) => {
		const best = new Map<number, { col: number; v: number }>();
		for (const c of cells) {
			const row = Number(c.getAttribute('data-row'));
			const v = Number(c.querySelector('title')!.textContent!.split(': ')[1].split(' ')[0].replace('−', '-'));
			const b = best.get(row);
			if (!b || v > b.v) best.set(row, { col: Number(c.getAttribute('data-col')), v });
		}
		return [...best.entries()].map(([row, b]) => [row, b.col]);
	});
	const outlined = await grid.locator('rect.argmax-outline').evaluateAll((rs) => rs.map((r) => [Number(r.getAttribute('data-row')), Number(r.getAttribute('data-col'))]));
	expect(outlined.sort()).toEqual(rows.sort());
	await card.getByLabel('MaxSim only').check();
	await expect(grid).toHaveAttribute('data-mode', 'maxsim');
	await grid.getByRole('group', { name: /^cells/ }).focus();
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await expect(grid.locator('.latelab-heatmap-live')).toContainText('late ×');
	await expect(card.locator('svg.latelab-contributions text.sum')).toContainText('= score');
	await card.getByLabel(/Long document/).check();
	await expect(grid.locator('.latelab-heatmap-frame')).toHaveAttribute('data-renderer', 'canvas');
	await expect(grid.locator('svg.latelab-heatmap-overview .brush .selection')).toBeVisible();
	// End moves to the last token: the window moves there, and the focused cell is scrolled into sight.
	await page.keyboard.press('End');
	const cells = grid.locator('.latelab-heatmap-main');
	const ringInSight = await cells.evaluate((el) => {
		const ring = el.querySelector('rect.focus-ring')!.getBoundingClientRect();
		const box = el.getBoundingClientRect();
		return ring.left >= box.left && ring.right <= box.right;
	});
	expect(ringInSight).toBe(true);
	await screenshot(page, 'kernels-maxsim-by-hand');
	await expectAccessible(page, 'Kernels page, MaxSim by hand');
});
