/**
 * The cost–quality explorer in Chromium on the built app, on the shipped synthetic pages (a vectors
 * folder: ColBERT panels rank it without a model): the query picker, the panel options changing the
 * panel and the link, the cost line and the diff vs exact equal to the engine's numbers in Node, the
 * patch heatmap with keyboard access, the Quality vs cost chart and table against the metrics, and
 * bad vectors folders refused with the previous corpus kept.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadMultiVectorFolderFromDisk, writeMultiVectorFolder } from '../../../src/lib/engine/corpus/node-multivector-folder';
import { loadColbertEncoder } from '../../../src/lib/engine/encoders/colbert';
import { configureRuntime } from '../../../src/lib/engine/encoders/runtime';
import { rankingDrift } from '../../../src/lib/engine/eval/drift';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { createColbertPipeline } from '../../../src/lib/engine/pipelines/late-interaction';
import { FIXTURE_MODELS, fixtureModelDir } from '../../fixtures/generate';
import { loadModel, openPlayground, openWithHub, screenshot, useMockHub } from './helpers';
import { expectAccessible } from '../support/accessibility';

test.use({ viewport: { width: 1440, height: 1100 } });

const FOLDER = join(process.cwd(), 'static', 'collections', 'synthetic-pages');
const QUERY = 'q4';

function folderFiles(dir = FOLDER): Map<string, Buffer> {
	const out = new Map<string, Buffer>();
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) for (const [k, v] of folderFiles(path)) out.set(k, v);
		else out.set(relative(FOLDER, path).split('\\').join('/'), readFileSync(path));
	}
	return out;
}

async function openSyntheticPages(page: Page): Promise<void> {
	await openPlayground(page);
	await page.getByRole('button', { name: 'Synthetic image pages' }).click();
	await expect(page.getByTestId('vectors-note')).toContainText('Synthetic collection');
	await page.getByLabel('Query from the collection').selectOption(QUERY);
}

const panel = (page: Page, id: string) => page.locator(`section[data-panel="${id}"]`);

test('synthetic pages: options change the panel and the link; cost line and diff equal the engine in Node; patch heatmap by keyboard; chart and table agree with the metrics', async ({ page }) => {
	await openSyntheticPages(page);
	const exact = panel(page, 'colbert');
	await expect(exact).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	await expect(exact.locator('img.thumb').first()).toBeVisible();
	const exactCost = exact.getByTestId('cost-line');
	await expect(exactCost).toHaveAttribute('data-bytes', String(576 * 32 * 4));
	await expect(exactCost).toContainText('exact reference');
	// No ColBERT model runs on precomputed vectors, and the Models bar and the panel say so.
	await expect(page.getByRole('region', { name: 'Models' }).locator('li', { hasText: 'ColBERT' }).first()).toContainText('corpus vectors, no model needed');
	await expect(exact.getByTestId('model-colbert')).toContainText('no model needed');

	// A second ColBERT panel of the same vectors, binary storage: its cost line and drift against the exact panel.
	const add = page.getByRole('form', { name: 'Add panel' });
	await add.getByLabel('New panel kind').selectOption('colbert');
	await add.getByRole('button', { name: 'Add' }).click();
	const binary = panel(page, 'colbert@2');
	await expect(binary).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	const hashBefore = await page.evaluate(() => location.hash);
	await binary.getByLabel(/ Storage$/).selectOption('binary');
	const cost = binary.getByTestId('cost-line');
	await expect(cost).toHaveAttribute('data-bytes', String(576 * 4), { timeout: 30_000 });
	await expect(cost).toHaveAttribute('data-overlap', /\d/);
	await expect(binary.locator('h2')).toContainText('storage binary');
	await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(hashBefore);
	const hashWithStorage = await page.evaluate(() => location.hash);
	await binary.getByLabel(/ Rescore depth$/).selectOption('20');
	await expect(binary.locator('h2')).toContainText('rescore 20');
	await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(hashWithStorage);

	// The engine in Node on the same folder and query.
	const c = await loadMultiVectorFolderFromDisk(FOLDER);
	const q = c.corpus.queries.find((x) => x.id === QUERY)!.text;
	const run = async (options: Record<string, unknown>) => (await (await createColbertPipeline({ corpus: c.corpus, options: { maxsimBackend: 'js', ...options } })).search(q, 10)).hits;
	const expected = rankingDrift(await run({ storage: 'binary', rescore: 20 }), await run({}), 10);
	await expect(cost).toHaveAttribute('data-bytes-per-doc', String(12 * 4));
	await expect.poll(async () => Number(await cost.getAttribute('data-overlap'))).toBeCloseTo(expected.overlap, 9);
	expect(Number(await cost.getAttribute('data-mean-drift'))).toBeCloseTo(expected.meanDrift, 4);
	expect(Number(await cost.getAttribute('data-max-drift'))).toBeCloseTo(expected.maxDrift, 4);
	expect(Number(await cost.getAttribute('data-factor'))).toBeCloseTo(1 / 32, 9);

	// The link holds the collection, the query and the options: a reload brings all of them back, no clicks.
	await page.reload();
	await expect(panel(page, 'colbert@2').getByLabel(/ Storage$/)).toHaveValue('binary');
	await expect(panel(page, 'colbert@2').getByLabel(/ Rescore depth$/)).toHaveValue('20');
	await expect(page.getByTestId('vectors-note')).toContainText('Synthetic collection', { timeout: 60_000 });
	await expect(page.getByLabel('Query from the collection')).toHaveValue(QUERY);
	await expect(panel(page, 'colbert@2')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	await expect(panel(page, 'colbert@2').locator('h2')).toContainText('rescore 20');

	// The patch heatmap of the exact panel's best page, by keyboard.
	await panel(page, 'colbert').locator('button.hit').first().click();
	const heatmap = page.getByRole('group', { name: 'Patch heatmap' });
	await expect(heatmap).toBeVisible({ timeout: 30_000 });
	const grid = heatmap.getByRole('group', { name: 'Page patches' });
	await grid.focus();
	await page.keyboard.press('Home');
	await page.keyboard.press('ArrowRight');
	await expect(heatmap.locator('.latelab-patch-live')).toContainText('patch row 1, col 2');
	await page.keyboard.press('PageUp');
	await expect(heatmap.locator('.latelab-patch-live')).toContainText('× patch row 1, col 2');
	await expect(heatmap.getByRole('radio').first()).toHaveAttribute('role', 'radio');
	await screenshot(page, 'explorer-patch-heatmap');
	await expectAccessible(page, 'explorer with a patch heatmap open');

	// Two more setups of the same vectors for the comparison: PLAID candidates and token pooling.
	for (const [id, label, value] of [['colbert@3', / Candidates$/, 'plaid'], ['colbert@4', / Pool factor$/, '2']] as const) {
		await add.getByLabel('New panel kind').selectOption('colbert');
		await add.getByRole('button', { name: 'Add' }).click();
		await expect(panel(page, id)).toHaveAttribute('data-status', /ready|idle/, { timeout: 60_000 });
		await panel(page, id).getByLabel(label).selectOption(value);
		await expect(panel(page, id).getByTestId('cost-line')).toContainText(value === 'plaid' ? 'residual' : 'fp32', { timeout: 60_000 });
	}
	await expect(panel(page, 'colbert@3').getByLabel(/ PLAID nprobe$/)).toBeVisible();
	await expect(panel(page, 'colbert@2').getByLabel(/ Rescore depth$/)).toHaveValue('20');

	// Evaluation: the chart's points and the table agree with the metrics table.
	const ev = page.getByRole('region', { name: 'Evaluation' });
	await ev.getByRole('button', { name: 'Evaluate' }).click();
	const table = ev.getByTestId('quality-cost-table');
	await expect(table).toBeVisible({ timeout: 120_000 });
	const chart = ev.getByRole('group', { name: 'Quality vs cost' });
	await expect(chart.locator('g.point')).toHaveCount(await table.locator('tbody tr').count());
	for (const id of ['colbert', 'colbert@2']) {
		const row = table.locator(`tr[data-panel="${id}"]`);
		const metric = await ev.getByTestId('eval-metrics').locator(`tr[data-panel="${id}"] td[data-metric="ndcg@10"]`).textContent();
		expect(Number(await row.getAttribute('data-quality')).toFixed(3)).toBe(metric!.trim());
		await expect(chart.locator(`g.point[data-id="${id}"]`)).toHaveAttribute('aria-label', new RegExp(`nDCG@10 ${metric!.trim()}`));
	}
	await expect(table.locator('tr[data-panel="colbert@2"]')).toHaveAttribute('data-bytes', String(576 * 4));
	// The per-query bars say what a bar is and which colour means which panel is better.
	await expect(ev.getByTestId('delta-key')).toContainText(/One bar per query, largest gain first: .+ minus .+\. .+ better, .+ better; a tick is a tie\./);
	await screenshot(page, 'explorer-quality-cost');
	await expectAccessible(page, 'explorer with the quality-cost chart');
	// The README's first picture: the cost–quality comparison of four setups of one collection.
	await ev.getByRole('region', { name: 'Quality vs cost comparison' }).screenshot({ path: 'docs/screenshot-cost-quality.png' });
	// On a phone the results wrap and their wide tables scroll in their own boxes: the page itself does not.
	await page.setViewportSize({ width: 390, height: 844 });
	await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	// The chart keeps its 420 px and scrolls sideways in its box, from the keyboard too.
	const scrollingChart = ev.getByRole('region', { name: 'Quality vs cost comparison' }).getByRole('group', { name: 'Chart', exact: true });
	await expect(scrollingChart).toHaveAttribute('tabindex', '0');
	await scrollingChart.focus();
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => scrollingChart.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
	await panel(page, 'colbert').locator('button.hit').first().click();
	await expect(page.getByRole('region', { name: 'Explanation', exact: true })).toBeInViewport();
	await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('bad vectors folders get a clear message and the previous corpus stays loaded', async ({ page }) => {
	await openSyntheticPages(page);
	await expect(panel(page, 'colbert')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	const corpus = page.getByRole('region', { name: 'Corpus' });
	const input = page.getByLabel('Corpus file');
	const upload = async (edit: (files: Map<string, Buffer>) => void) => {
		const files = folderFiles();
		edit(files);
		await input.setInputFiles([...files].map(([name, buffer]) => ({ name: name.split('/').pop()!, mimeType: 'application/octet-stream', buffer })));
	};
	const cases: [string, (f: Map<string, Buffer>) => void, RegExp][] = [
		['no manifest', (f) => f.delete('manifest.json'), /manifest\.json/],
		['dims disagree', (f) => f.set('manifest.json', Buffer.from(f.get('manifest.json')!.toString().replace('"dim": 32', '"dim": 16'))), /dimension mismatch/],
		['grid mismatch', (f) => f.set('documents.jsonl', Buffer.from(f.get('documents.jsonl')!.toString().replace('"grid":[4,3]', '"grid":[3,3]'))), /grid 3x3/],
		['missing image', (f) => f.delete('images/page-05.svg'), /page-05\.svg/],
		['NaN', (f) => {
			const st = Buffer.from(f.get('documents.safetensors')!);
			st.writeFloatLE(NaN, 8 + Number(st.readBigUInt64LE(0)) + 4 * 7);
			f.set('documents.safetensors', st);
		}, /NaN|non-finite/]
	];
	for (const [name, edit, message] of cases) {
		await upload(edit);
		await expect(corpus.getByText('Could not load the corpus.'), name).toBeVisible();
		await expect(corpus, name).toContainText(message);
		// The synthetic pages are still loaded: the picker still offers their queries and ColBERT still ranks.
		await page.getByLabel('Query from the collection').selectOption('q2');
		await expect(panel(page, 'colbert').locator('button.hit').first(), name).toBeVisible();
	}
});

test.describe('vectors folders with a ColBERT model loaded', () => {
	const hub = useMockHub();
	const TEXTS = ['the red planet mars', 'apples and pears in the orchard', 'a planet of red dust and rock', 'heart attack symptoms', 'credit card debt'];
	const TEXT_QUERY = 'red planet';

	test('a folder made by the loaded model takes free-text queries ranked by MaxSim of its stored vectors; a folder of another width keeps its picker and says why', async ({ page }) => {
		// A vectors folder of the tiny ColBERT model's own document vectors, made in Node, and the ranking expected for the query.
		configureRuntime({ allowRemoteModels: false });
		const model = fixtureModelDir(FIXTURE_MODELS.colbertFolded);
		const encoder = await loadColbertEncoder({ id: FIXTURE_MODELS.colbertFolded, localDir: model, dtype: 'fp32', device: 'cpu' });
		const docs = await encoder.encodeDocuments(TEXTS);
		const query = (await encoder.encodeQuery(TEXT_QUERY)).matrix;
		await encoder.dispose();
		const dir = mkdtempSync(join(tmpdir(), 'latelab-made-by-model-'));
		try {
			await writeMultiVectorFolder(dir, {
				manifest: { dim: docs[0].matrix.dim, kind: 'text', model: FIXTURE_MODELS.colbertFolded },
				documents: docs.map((d, i) => ({ record: { id: `t${i + 1}`, title: '', text: TEXTS[i] }, vectors: d.matrix })),
				queries: [{ record: { id: 'q1', title: '', text: 'stored query' }, vectors: docs[1].matrix }]
			});
			const expected = docs.map((d, i) => ({ id: `t${i + 1}`, score: maxSim(query, d.matrix) })).sort((a, b) => b.score - a.score).map((e) => e.id);

			await openWithHub(page, hub().url);
			await loadModel(page, 'ColBERT', FIXTURE_MODELS.colbertFolded);
			await page.getByLabel('Corpus file').setInputFiles(readdirSync(dir).map((name) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(join(dir, name)) })));
			await expect(page.getByRole('region', { name: 'Corpus' })).toContainText('5 documents', { timeout: 60_000 });
			const models = page.getByRole('region', { name: 'Models' });
			await expect(models.locator('li', { hasText: 'ColBERT' }).first()).toContainText('corpus vectors, free-text queries by this model', { timeout: 60_000 });
			// Free text is typed, not picked, and the ColBERT panel ranks the stored vectors by the encoded query.
			const box = page.getByRole('searchbox', { name: 'Query' });
			await box.fill(TEXT_QUERY);
			await box.press('Enter');
			const colbert = panel(page, 'colbert');
			await expect(colbert).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
			await expect(colbert.getByTestId('model-colbert')).toContainText(`free-text queries by ${FIXTURE_MODELS.colbertFolded}`);
			await expect(colbert.locator('ol > li')).toHaveCount(TEXTS.length);
			expect(await colbert.locator('ol > li').evaluateAll((items) => items.map((li) => li.getAttribute('data-doc')))).toEqual(expected);

			// The synthetic pages hold 32-dim vectors, the model gives 16: the picker stays, the panel ranks their own queries and says why.
			await page.getByRole('button', { name: 'Synthetic image pages' }).click();
			await expect(page.getByTestId('vectors-note')).toContainText('Synthetic collection', { timeout: 60_000 });
			await page.getByLabel('Query from the collection').selectOption(QUERY);
			await expect(panel(page, 'colbert').locator('button.hit').first()).toBeVisible({ timeout: 60_000 });
			await expect(panel(page, 'colbert')).toContainText(/holds 32-dim vectors; the ColBERT model .* encodes queries to 16, so only the folder's own queries are searched/);
			await expect(models.locator('li', { hasText: 'ColBERT' }).first()).toContainText('corpus vectors, no model needed');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
