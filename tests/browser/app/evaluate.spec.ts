/**
 * The evaluation view in Chromium on the built app: evaluate the demo corpus with BM25 (numbers checked
 * against the engine run in Node), the skipped panels, a TREC run and the metrics CSV downloaded, a
 * query opened from the per-query table; then with the tiny bi-encoder through the mock Hub: the
 * comparison, sorting by delta, and a baseline switch. A report survives a reload (saved by the worker
 * in IndexedDB), says when a panel's settings changed since, and can be forgotten.
 */
import { expect, test, type Download, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import Papa from 'papaparse';
import { evaluateRun, formatTrecRun, judgedQueryIds, type Run } from '../../../src/lib/engine/eval';
import { Bm25Index, DEFAULT_BM25_OPTIONS } from '../../../src/lib/engine/lexical';
import type { Qrels } from '../../../src/lib/engine/types';
import { FIXTURE_MODELS } from '../../fixtures/generate';
import { bm25Results, loadModel, openPlayground, openWithHub, recordTextsFromStart, screenshot, SCREENSHOTS, useMockHub, waitReady } from './helpers';
import { expectAccessible } from '../support/accessibility';

test.use({ viewport: { width: 1440, height: 1000 } });

interface DemoFile {
	docs: { _id: string; title: string; text: string }[];
	queries: { _id: string; text: string }[];
	qrels: Record<string, Record<string, number>>;
}

/** The demo corpus read as JSON (Playwright's loader needs import attributes for the engine's JSON import). */
function demo() {
	const raw = JSON.parse(readFileSync('src/lib/engine/corpus/demo/demo-corpus.json', 'utf8')) as DemoFile;
	const docs = raw.docs.map((d) => ({ id: d._id, title: d.title, text: d.text }));
	const qrels: Qrels = new Map(Object.entries(raw.qrels).map(([q, j]) => [q, new Map(Object.entries(j))]));
	const judged = new Set(judgedQueryIds(qrels));
	const queries = raw.queries.filter((q) => judged.has(q._id));
	const index = Bm25Index.build(docs, DEFAULT_BM25_OPTIONS);
	const run: Run = new Map(queries.map((q) => [q._id, index.search(q.text, 100)]));
	return { queries, qrels, run, evaluation: evaluateRun(run, qrels, ['ndcg@10', 'recall@10', 'recall@100', 'mrr@10']) };
}

const region = (page: Page) => page.getByRole('region', { name: 'Evaluation' });

async function evaluate(page: Page): Promise<void> {
	const view = region(page);
	await view.getByRole('button', { name: /^Evaluate/ }).click();
	await expect(view).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
}

async function downloadText(download: Download): Promise<string> {
	return readFileSync((await download.path())!, 'utf8');
}

/** The delta column of one panel, top to bottom. */
async function deltas(page: Page, panel: string): Promise<number[]> {
	return (await region(page).locator(`td[data-delta-panel="${panel}"]`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value')))));
}

test('Evaluate on the demo corpus shows BM25 metrics equal to the engine, lists skipped panels, exports, and opens a query', async ({ page }) => {
	const expected = demo();
	await openPlayground(page);
	const view = region(page);
	await expect(view).toContainText(`${expected.queries.length} judged queries`);
	await evaluate(page);

	const row = view.getByTestId('eval-metrics').locator('tr[data-panel="bm25"]');
	for (const m of ['ndcg@10', 'recall@10', 'recall@100', 'mrr@10']) {
		await expect(row.locator(`td[data-metric="${m}"]`)).toHaveText(expected.evaluation.mean[m].toFixed(3));
	}
	// No model loaded: the neural panels are listed with the reason.
	const skipped = view.getByTestId('eval-skipped');
	for (const name of ['Bi-encoder', 'Cross-encoder', 'ColBERT', 'ColBERT two-stage']) await expect(skipped).toContainText(`${name}:`);
	await expect(skipped).toContainText('Needs a ColBERT model');

	// The per-query table lists every judged query, as text, with BM25's nDCG@10.
	const rows = view.getByTestId('eval-queries').locator('tbody tr');
	await expect(rows).toHaveCount(expected.queries.length);
	const first = expected.queries[0];
	const firstRow = view.locator(`tr[data-query="${first._id}"]`);
	await expect(firstRow.locator('td.query')).toHaveText(first.text);
	await expect(firstRow.locator('td[data-panel="bm25"]')).toHaveText(expected.evaluation.perQuery[first._id]['ndcg@10'].toFixed(3));
	// With BM25 alone there is no difference column, and the legend does not explain one.
	await expect(view.locator('p.legend')).not.toContainText('Δ');

	// TREC run download: exactly the lines formatTrecRun writes for the run built in Node.
	const [trec] = await Promise.all([page.waitForEvent('download'), view.getByRole('button', { name: 'TREC run: BM25' }).click()]);
	expect(trec.suggestedFilename()).toBe('latelab-demo-bm25.trec');
	const text = await downloadText(trec);
	expect(text).toBe(formatTrecRun(expected.run, 'bm25'));
	const lines = text.trim().split('\n');
	expect(lines[0].split(' ')).toHaveLength(6);
	expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(expected.queries.length);

	const [csv] = await Promise.all([page.waitForEvent('download'), view.getByRole('button', { name: 'Metrics CSV' }).click()]);
	const parsed = Papa.parse<Record<string, string>>((await downloadText(csv)).trim(), { header: true });
	expect(parsed.errors).toEqual([]);
	expect(parsed.meta.fields?.slice(0, 5)).toEqual(['corpus', 'panel', 'kernel', 'metric', 'mean']);
	expect(parsed.data).toHaveLength(4);
	const ndcg = parsed.data.find((r) => r.panel === 'bm25' && r.metric === 'ndcg@10')!;
	expect(ndcg.kernel).toBe('BM25 (k1 0.9, b 0.4)');
	expect(Number(ndcg.mean)).toBeCloseTo(expected.evaluation.mean['ndcg@10'], 9);
	await screenshot(page, 'evaluation-bm25');
	await expectAccessible(page, 'Evaluate with BM25 metrics, skipped panels and the per-query table');

	// Opening a query from the table shows it in the panels.
	const q = expected.queries[5];
	await view.locator(`tr[data-query="${q._id}"]`).getByRole('button', { name: q.text }).click();
	await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue(q.text);
	await expect(page.getByRole('region', { name: 'BM25', exact: true })).toHaveAttribute('data-status', 'ready');
	const top = expected.run.get(q._id)![0].id;
	await expect(bm25Results(page).first()).toHaveAttribute('data-doc', top);
});

test('An evaluation survives a reload: same figures, TREC export, a note once BM25 changes, and Forget it', async ({ page }) => {
	const expected = demo();
	await openPlayground(page);
	await evaluate(page);
	const view = region(page);
	const ndcg = view.getByTestId('eval-metrics').locator('tr[data-panel="bm25"] td[data-metric="ndcg@10"]');
	await expect(ndcg).toHaveText(expected.evaluation.mean['ndcg@10'].toFixed(3));
	// Run here, not restored: no note.
	await expect(view.getByTestId('eval-restored')).toHaveCount(0);
	// The table's metric and sort come back too: MRR@10, by BM25's value, largest first.
	await view.getByRole('combobox', { name: 'Metric' }).selectOption('mrr@10');
	await view.getByRole('button', { name: 'BM25', exact: true }).click();
	await view.getByRole('button', { name: 'BM25', exact: true }).click();
	const bm25Header = view.locator('th', { has: page.getByRole('button', { name: 'BM25', exact: true }) });
	await expect(bm25Header).toHaveAttribute('aria-sort', 'ascending');
	const order = await view.getByTestId('eval-queries').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-query')));

	await page.reload();
	await waitReady(page);
	await expect(view).toHaveAttribute('data-status', 'ready');
	await expect(view.getByTestId('eval-restored')).toContainText('Saved in this browser: evaluated');
	await expect(ndcg).toHaveText(expected.evaluation.mean['ndcg@10'].toFixed(3));
	await expect(view.getByTestId('eval-queries').locator('tbody tr')).toHaveCount(expected.queries.length);
	await expect(view.getByRole('combobox', { name: 'Metric' })).toHaveValue('mrr@10');
	await expect(bm25Header).toHaveAttribute('aria-sort', 'ascending');
	expect(await view.getByTestId('eval-queries').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-query')))).toEqual(order);
	await expect(view.getByRole('button', { name: 'Evaluate again' })).toBeVisible();
	await expect(view.getByTestId('eval-changed')).toHaveCount(0);
	// The worker holds the restored runs: the export needs no new evaluation.
	const [trec] = await Promise.all([page.waitForEvent('download'), view.getByRole('button', { name: 'TREC run: BM25' }).click()]);
	expect(await downloadText(trec)).toBe(formatTrecRun(expected.run, 'bm25'));
	await expectAccessible(page, 'Evaluate restored after a reload');

	// New BM25 settings: the figures on screen are of the old ones, and the view says so.
	const panel = page.getByRole('region', { name: 'BM25', exact: true });
	await panel.getByText('Parameters').click();
	const slider = panel.getByRole('slider', { name: 'BM25 b' });
	await slider.focus();
	await page.keyboard.press('Home');
	await expect(view.getByTestId('eval-changed')).toHaveText(/Changed since this evaluation: BM25\./);
	await view.getByTestId('eval-changed').scrollIntoViewIfNeeded();
	await page.screenshot({ path: `${SCREENSHOTS}/evaluation-restored-changed.png` });
	// Back to b 0.4 (eight steps of 0.05): the settings are those of the report again.
	for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
	await expect(slider).toHaveValue('0.4');
	await expect(view.getByTestId('eval-changed')).toHaveCount(0);
	await page.keyboard.press('Home');
	await expect(view.getByTestId('eval-changed')).toBeVisible();

	await view.getByRole('button', { name: 'Forget it' }).click();
	await expect(view).toHaveAttribute('data-status', 'idle');
	await expect(view).toContainText('The saved evaluation is forgotten.');
	await page.reload();
	await waitReady(page);
	await expect(view.getByRole('button', { name: 'Evaluate', exact: true })).toBeVisible();
	await page.waitForTimeout(500);
	await expect(view).toHaveAttribute('data-status', 'idle');
});

test('the cache list counts the saved evaluation, and clearing it there means a reload starts empty', async ({ page }) => {
	await openPlayground(page);
	await evaluate(page);
	await page.locator('summary', { hasText: 'Hub and caches' }).click();
	const saved = page.getByTestId('saved-evaluations');
	await expect(saved).toContainText(/The last evaluation of 1 corpus, about \d/);
	await saved.getByRole('button', { name: 'Clear saved evaluations' }).click();
	await expect(saved).toContainText('None');
	// The report on screen stays; only the saved copy went.
	await expect(region(page)).toHaveAttribute('data-status', 'ready');
	await page.reload();
	await waitReady(page);
	await page.waitForTimeout(500);
	await expect(region(page)).toHaveAttribute('data-status', 'idle');
});

test('Evaluate on an uploaded BEIR zip renders hostile query text as text and opens it in the panels', async ({ page }) => {
	const docs = [
		{ _id: 'd1', title: 'Cats', text: 'cats purr and sleep in the sun' },
		{ _id: 'd2', title: 'Dogs', text: 'dogs bark at the mail carrier' },
		{ _id: 'd3', title: 'Markup', text: 'an image tag with an onerror attribute runs script' }
	];
	const queries = [
		{ _id: 'h1', text: '<img src=x onerror="window.__pwned=1"> image onerror' },
		{ _id: 'h2', text: '<script>window.__pwned=2</script> cats' },
		{ _id: 'h3', text: 'dogs bark' }
	];
	const jsonl = (rows: object[]) => strToU8(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
	const zip = zipSync({
		'tiny/corpus.jsonl': jsonl(docs),
		'tiny/queries.jsonl': jsonl(queries),
		'tiny/qrels/test.tsv': strToU8('query-id\tcorpus-id\tscore\nh1\td3\t1\nh2\td1\t1\nh3\td2\t1\n')
	});
	let dialogs = 0;
	page.on('dialog', (d) => {
		dialogs++;
		void d.dismiss();
	});
	await openPlayground(page);
	await page.getByLabel('Corpus file', { exact: true }).setInputFiles({ name: 'tiny.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
	await expect(page.getByRole('region', { name: 'Corpus' })).toContainText('3 documents');
	const view = region(page);
	await expect(view).toContainText('3 judged queries');
	await evaluate(page);
	for (const q of queries) await expect(view.locator(`tr[data-query="${q._id}"] td.query`)).toHaveText(q.text);
	await expect(view.locator('img, script')).toHaveCount(0);
	// The same numbers as the engine gives in Node on these three documents.
	const index = Bm25Index.build(docs.map((d) => ({ id: d._id, title: d.title, text: d.text })), DEFAULT_BM25_OPTIONS);
	const run: Run = new Map(queries.map((q) => [q._id, index.search(q.text, 100)]));
	const qrels: Qrels = new Map([['h1', new Map([['d3', 1]])], ['h2', new Map([['d1', 1]])], ['h3', new Map([['d2', 1]])]]);
	const mean = evaluateRun(run, qrels, ['ndcg@10']).mean['ndcg@10'];
	await expect(view.getByTestId('eval-metrics').locator('tr[data-panel="bm25"] td[data-metric="ndcg@10"]')).toHaveText(mean.toFixed(3));
	await view.locator('tr[data-query="h1"]').getByRole('button').click();
	await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue(queries[0].text);
	await expect(bm25Results(page).first()).toHaveAttribute('data-doc', run.get('h1')![0].id);
	expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
	expect(dialogs).toBe(0);
});

test('an uploaded corpus comes back after a reload with its query and evaluation; elsewhere its link says why it shows the demo', async ({ page, browser }) => {
	const jsonl = (rows: object[]) => strToU8(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
	const zip = zipSync({
		'tiny/corpus.jsonl': jsonl([
			{ _id: 'd1', title: 'Cats', text: 'cats purr and sleep in the sun' },
			{ _id: 'd2', title: 'Dogs', text: 'dogs bark at the mail carrier' },
			{ _id: 'd3', title: 'Owls', text: 'owls hunt at night' }
		]),
		'tiny/queries.jsonl': jsonl([
			{ _id: 'q1', text: 'purring cats' },
			{ _id: 'q2', text: 'dogs bark' }
		]),
		'tiny/qrels/test.tsv': strToU8('query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n')
	});
	await openPlayground(page);
	const corpusBar = page.getByRole('region', { name: 'Corpus' });
	await page.getByLabel('Corpus file', { exact: true }).setInputFiles({ name: 'tiny.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
	await expect(corpusBar).toContainText('3 documents');
	await page.getByRole('searchbox', { name: 'Query' }).fill('owls at night');
	await expect(bm25Results(page).first()).toHaveAttribute('data-doc', 'd3');
	await evaluate(page);
	const ndcg = region(page).getByTestId('eval-metrics').locator('tr[data-panel="bm25"] td[data-metric="ndcg@10"]');
	const figure = await ndcg.textContent();
	await page.waitForTimeout(400);

	await page.reload();
	await waitReady(page);
	await expect(corpusBar).toContainText('3 documents');
	await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue('owls at night');
	await expect(bm25Results(page).first()).toHaveAttribute('data-doc', 'd3');
	await expect(region(page).getByTestId('eval-restored')).toBeVisible();
	await expect(ndcg).toHaveText(figure!);
	await expect(page.getByTestId('corpus-notice')).toHaveCount(0);
	// What the browser keeps lists it.
	await page.locator('summary', { hasText: 'Hub and caches' }).click();
	await expect(page.getByTestId('saved-upload')).toContainText(`tiny.zip, ${zip.byteLength} B: kept so a reload loads it again`);
	const link = page.url();

	// Another browser (a fresh context) has no copy of the file: the demo corpus, and why.
	const other = await browser.newContext();
	try {
		const elsewhere = await other.newPage();
		await elsewhere.goto(link);
		await waitReady(elsewhere);
		await expect(elsewhere.getByRole('region', { name: 'Corpus' })).toContainText('112 documents');
		await expect(elsewhere.getByTestId('corpus-notice')).toHaveText(/This link's corpus, “tiny\.zip”, was uploaded in another browser .*showing the demo corpus\. Upload it again/);
	} finally {
		await other.close();
	}

	// Choosing another corpus forgets the upload: the old link now says so here too.
	await page.getByRole('button', { name: 'Demo corpus' }).click();
	await expect(corpusBar).toContainText('112 documents');
	await page.waitForTimeout(400);
	const again = await page.context().newPage();
	await again.goto(link);
	await waitReady(again);
	await expect(again.getByRole('region', { name: 'Corpus' })).toContainText('112 documents');
	await expect(again.getByTestId('corpus-notice')).toContainText('“tiny.zip”');

	// Uploaded again, it can also be forgotten from the list of what the browser keeps.
	await page.getByLabel('Corpus file', { exact: true }).setInputFiles({ name: 'tiny.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
	await expect(corpusBar).toContainText('3 documents');
	const caches = page.locator('details', { has: page.locator('summary', { hasText: 'Hub and caches' }) });
	await caches.locator('summary').click();
	if (!(await caches.evaluate((d) => (d as HTMLDetailsElement).open))) await caches.locator('summary').click();
	await expect(page.getByTestId('saved-upload')).toContainText('tiny.zip');
	await page.getByRole('button', { name: 'Forget upload' }).click();
	await expect(page.getByTestId('saved-upload')).toContainText('None');
	await expect(corpusBar).toContainText('3 documents');
});

test('Evaluate shows progress per panel and Cancel stops it; evaluating again completes', async ({ page }) => {
	// A generated BEIR set big enough that BM25 over every query takes a noticeable time.
	const words = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);
	const pick = (seed: number, n: number) => Array.from({ length: n }, (_, j) => words[(seed * 7919 + j * 104729) % words.length]).join(' ');
	const docs = Array.from({ length: 3000 }, (_, i) => ({ _id: `d${i}`, title: '', text: pick(i, 40) }));
	const queries = Array.from({ length: 4000 }, (_, i) => ({ _id: `q${i}`, text: pick(i + 17, 12) }));
	const jsonl = (rows: object[]) => strToU8(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
	const qrels = 'query-id\tcorpus-id\tscore\n' + queries.map((q, i) => `${q._id}\td${i % docs.length}\t1`).join('\n') + '\n';
	const zip = zipSync({ 'big/corpus.jsonl': jsonl(docs), 'big/queries.jsonl': jsonl(queries), 'big/qrels/test.tsv': strToU8(qrels) });
	await openPlayground(page);
	await page.getByLabel('Corpus file', { exact: true }).setInputFiles({ name: 'big.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
	const view = region(page);
	await expect(view).toContainText('4,000 judged queries', { timeout: 30_000 });
	// Started from the keyboard, the button keeps the focus while it runs (a disabled button would drop it to the page).
	const start = view.getByRole('button', { name: 'Evaluate' });
	await start.focus();
	await page.keyboard.press('Enter');
	const progress = view.getByTestId('eval-progress');
	await expect(progress).toContainText(/BM25\s*[1-9]\d* \/ 4000 queries/);
	await expect(start).toBeFocused();
	await expect(start).toHaveAttribute('aria-disabled', 'true');
	await progress.getByRole('button', { name: 'Cancel' }).click();
	await expect(view).toHaveAttribute('data-status', 'idle');
	await expect(view).toContainText('Evaluation cancelled.');
	await evaluate(page);
	await expect(view.getByTestId('eval-queries').locator('tbody tr')).toHaveCount(200);
	await expect(view.getByRole('button', { name: 'Show all 4000 queries' })).toBeVisible();
});

test.describe('with the tiny bi-encoder through the mock Hub', () => {
	const hub = useMockHub();

	test('Evaluate compares the bi-encoder with BM25, sorts by delta, and switches the baseline', async ({ page }) => {
		const expected = demo();
		await openWithHub(page, hub().url);
		await loadModel(page, 'Bi-encoder', FIXTURE_MODELS.biEncoder);
		await expect(page.getByTestId('prep-bi-encoder')).toContainText('encoded', { timeout: 90_000 });

		await evaluate(page);
		const view = region(page);
		const metrics = view.getByTestId('eval-metrics');
		await expect(metrics.locator('tr[data-panel="bm25"] td[data-metric="ndcg@10"]')).toHaveText(expected.evaluation.mean['ndcg@10'].toFixed(3));
		const dense = metrics.locator('tr[data-panel="bi-encoder"]');
		await expect(dense).toContainText(/\d+ \/ \d+ \/ \d+/);
		await expect(view.locator('svg.latelab-delta-bars g.bar')).toHaveCount(expected.queries.length);

		// Sort by the bi-encoder's delta: largest gain first, then reversed.
		const header = view.getByRole('button', { name: 'Δ Bi-encoder' });
		await header.click();
		const down = await deltas(page, 'bi-encoder');
		expect(down).toHaveLength(expected.queries.length);
		expect(down).toEqual([...down].sort((a, b) => b - a));
		await expect(view.locator('th[aria-sort="descending"]')).toContainText('Δ Bi-encoder');
		await header.click();
		const up = await deltas(page, 'bi-encoder');
		expect(up).toEqual([...up].sort((a, b) => a - b));
		await screenshot(page, 'evaluation-bi-encoder');
		await expectAccessible(page, 'Evaluate comparing BM25 with a bi-encoder');

		// The per-query deltas add up to the mean delta shown in the metrics table.
		const meanDelta = down.reduce((s, d) => s + d, 0) / down.length;
		const shown = Number((await dense.locator('td').nth(4).textContent())!.replace('−', '-'));
		expect(Math.abs(shown - meanDelta)).toBeLessThan(6e-4);

		// Bi-encoder as the baseline: BM25 is now compared, with the opposite difference.
		await view.getByRole('combobox', { name: 'Baseline' }).selectOption('bi-encoder');
		const bm25Row = metrics.locator('tr[data-panel="bm25"]');
		await expect(bm25Row).toContainText(/\d+ \/ \d+ \/ \d+/);
		const flipped = Number((await bm25Row.locator('td').nth(4).textContent())!.replace('−', '-'));
		expect(Math.abs(flipped + meanDelta)).toBeLessThan(6e-4);
		await expect(dense).toContainText('baseline');

		// After a reload the model bar loads the bi-encoder again (slowly here) and the report comes back with
		// its baseline. Every text the "changed" note shows from the page's start is recorded: a model still
		// loading is not a change of settings.
		const changedNotes = await recordTextsFromStart(page, 'eval-changed');
		hub().setFault({ delayMs: 400 });
		await page.reload();
		await waitReady(page);
		await expect(view.getByTestId('eval-restored')).toBeVisible();
		await expect(view.getByRole('combobox', { name: 'Baseline' })).toHaveValue('bi-encoder');
		await expect(bm25Row).toContainText(/\d+ \/ \d+ \/ \d+/);
		await expect(page.getByTestId('prep-bi-encoder')).toContainText('vectors reused from IndexedDB', { timeout: 90_000 });
		hub().setFault(null);
		// Same model and options as when it ran: nothing to warn about, not even while the model loaded.
		await expect(view.getByTestId('eval-changed')).toHaveCount(0);
		expect(await changedNotes()).toEqual([]);
		await view.getByRole('combobox', { name: 'Baseline' }).selectOption('bm25');
		await expect(dense).toContainText(/\d+ \/ \d+ \/ \d+/);
	});
});
