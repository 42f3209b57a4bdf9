/**
 * The lesson pages in Chromium: the list of lessons (from the sources in `lessons/`), lesson 3's
 * model-free cells running on load with their numbers checked against the engine's `maxSim` run here
 * in Node on the vectors the lesson declares, the heatmap those cells draw, "Show solution" by mouse
 * and keyboard, and lesson 1's model cells on the tiny test models from the mock Hub after "Run".
 * Also the header's Lessons link, reached and followed with the keyboard.
 */
import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import type { TokenMatrix } from '../../src/lib/engine/types';
import { generateFixtures } from '../fixtures/generate';
import { startMockHub, type MockHub } from '../fixtures/mock-hub';
import { expectAccessible } from './support/accessibility';

const LESSONS_DIR = 'lessons';
const LESSON_3 = '03-maxsim-by-hand';
const LESSON_1 = '01-three-ways-to-match';

/** Lesson folders (`NN-slug`) and their frontmatter titles, in course order. */
function lessonSources(): { slug: string; title: string }[] {
	return readdirSync(LESSONS_DIR)
		.filter((name) => /^\d\d-/.test(name))
		.sort()
		.map((slug) => {
			const source = readFileSync(join(LESSONS_DIR, slug, 'lesson.md'), 'utf8');
			const title = /^title:\s*(.+)$/m.exec(source)?.[1].trim();
			if (!title) throw new Error(`${LESSONS_DIR}/${slug}/lesson.md: no "title:" line in the frontmatter`);
			return { slug, title };
		});
}

/** The numbers of `const <name> = [..];` in lesson 3's source, so the test follows edits to the lesson. */
function anglesFromLesson(name: string): number[] {
	const source = readFileSync(join(LESSONS_DIR, LESSON_3, 'lesson.md'), 'utf8');
	const match = new RegExp(`const ${name} = \\[([^\\]]*)\\];`).exec(source);
	if (!match) throw new Error(`${LESSONS_DIR}/${LESSON_3}/lesson.md: expected a line "const ${name} = [...];"`);
	return match[1].split(',').map((s) => Number(s.trim()));
}

/** The lesson's own construction, independently: row i is (cos θᵢ, sin θᵢ). */
function fromAngles(degrees: number[]): TokenMatrix {
	const data = new Float32Array(degrees.length * 2);
	degrees.forEach((deg, i) => {
		data[2 * i] = Math.cos((deg * Math.PI) / 180);
		data[2 * i + 1] = Math.sin((deg * Math.PI) / 180);
	});
	return { data, rows: degrees.length, dim: 2 };
}

/** Per query row, the first document row with the largest dot product. */
function argmaxRows(q: TokenMatrix, d: TokenMatrix): number[] {
	return Array.from({ length: q.rows }, (_, i) => {
		let best = 0;
		let bestDot = -Infinity;
		for (let j = 0; j < d.rows; j++) {
			let dot = 0;
			for (let k = 0; k < q.dim; k++) dot += q.data[i * q.dim + k] * d.data[j * d.dim + k];
			if (dot > bestDot) [best, bestDot] = [j, dot];
		}
		return best;
	});
}

/** The number printed after `label` in the first output line of the page that contains it. */
async function printed(page: Page, label: string): Promise<number> {
	const line = page.locator('pre.out', { hasText: label }).first();
	await expect(line).toBeVisible();
	const text = (await line.textContent()) ?? '';
	const value = new RegExp(`${label.replace(/[()[\]]/g, '\\$&')}\\s*(-?\\d+(?:\\.\\d+)?)`).exec(text)?.[1];
	if (value === undefined) throw new Error(`no number after "${label}" in output line "${text}"`);
	return Number(value);
}

/** Collects uncaught page errors, so a test can assert there were none. */
function pageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	return errors;
}

const status = (page: Page) => page.locator('article.lesson p.status');

test('the header Lessons link sits between Playground and Kernels and opens /lessons from the keyboard', async ({ page }) => {
	await page.goto('/kernels');
	const nav = page.getByRole('navigation', { name: 'Main' });
	await expect(nav.getByRole('link')).toHaveText(['Playground', 'Lessons', 'Kernels']);
	await expect(nav.getByRole('link', { name: 'Kernels' })).toHaveAttribute('aria-current', 'page');
	await expect(nav.getByRole('link', { name: 'Lessons' })).not.toHaveAttribute('aria-current', /.*/);
	await nav.getByRole('link', { name: 'Playground' }).focus();
	await page.keyboard.press('Tab');
	await expect(nav.getByRole('link', { name: 'Lessons' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/lessons$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Lessons' })).toBeVisible();
	// The header stays on the course pages, with Lessons marked as the current section.
	await expect(nav.getByRole('link', { name: 'Lessons' })).toHaveAttribute('aria-current', 'page');
	await page.goto(`/lessons/${LESSON_3}`);
	await expect(nav.getByRole('link', { name: 'Lessons' })).toHaveAttribute('aria-current', 'page');
});

test('/lessons lists the ten lessons in order, each linking to its page', async ({ page }) => {
	const sources = lessonSources();
	expect(sources).toHaveLength(10);
	await page.goto('/lessons');
	const links = page.locator('main.lessons ol > li > a');
	await expect(links).toHaveText(sources.map((s) => s.title));
	for (const [i, s] of sources.entries()) {
		await expect(links.nth(i)).toHaveAttribute('href', new RegExp(`(^|/)lessons/${s.slug}$`));
	}
	await links.nth(2).click();
	await expect(page).toHaveURL(new RegExp(`/lessons/${LESSON_3}$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(sources[2].title);
});

test('every lesson page, once the cells that need no model have run, passes an axe-core WCAG 2.1 AA scan on a desktop and a phone, and fits the phone\'s width', async ({ page }) => {
	test.setTimeout(600_000);
	for (const { slug } of lessonSources()) {
		await page.setViewportSize({ width: 1280, height: 800 });
		await page.goto(`/lessons/${slug}`);
		await expect(status(page)).toContainText(/everything above ran in your browser|All cells ran|A cell failed/, { timeout: 120_000 });
		await expect(status(page), `${slug}: a cell failed`).not.toContainText('A cell failed');
		await expectAccessible(page, `lesson ${slug} at 1280 px`);
		// On a phone more code, output and figures scroll sideways: each must still be reachable by keyboard.
		await page.setViewportSize({ width: 390, height: 844 });
		await expectAccessible(page, `lesson ${slug} at 390 px`);
		// Nothing makes the page wider than the phone: wide tables, code and figures scroll inside themselves.
		expect(await page.evaluate(() => document.documentElement.scrollWidth), `${slug}: page width at 390 px`).toBeLessThanOrEqual(390);
	}
});

test('a lesson that does not exist shows the header, what is missing and the ways back', async ({ page }) => {
	await page.goto('/lessons/99-nope');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.getByRole('main')).toContainText('No lesson "99-nope"');
	await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lessons' })).toHaveAttribute('aria-current', 'page');
	await page.getByRole('main').getByRole('link', { name: 'list of lessons' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Lessons' })).toBeVisible();
});

test.describe('lesson 3, MaxSim by hand', () => {
	const q = fromAngles(anglesFromLesson('queryAngles'));
	const d = fromAngles(anglesFromLesson('docAngles'));

	test('its model-free cells run on load, print what the engine computes and draw the matrix', async ({ page }) => {
		const errors = pageErrors(page);
		await page.goto(`/lessons/${LESSON_3}`);
		// The cells above the first model cell ran; the page now waits for "Run".
		await expect(status(page)).toContainText('everything above ran in your browser', { timeout: 60_000 });
		await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();

		const engine = maxSim(q, d);
		const engineSwapped = maxSim(d, q);
		expect(await printed(page, 'maxSim(q, d):')).toBeCloseTo(engine, 3);
		expect(await printed(page, 'by hand:')).toBeCloseTo(engine, 3);
		expect(await printed(page, 'S(q, d) =')).toBeCloseTo(engine, 3);
		expect(await printed(page, 'S(d, q) =')).toBeCloseTo(engineSwapped, 3);
		// The asymmetry the lesson is about is real on these vectors.
		expect(Math.abs(engine - engineSwapped)).toBeGreaterThan(0.1);

		// The table of cosines: one row per query token, and a "row max" column that sums to the score.
		const table = page.locator('table.lesson-table').first();
		await expect(table.locator('tbody tr')).toHaveCount(q.rows);
		const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
		const maxColumn = headers.indexOf('row max');
		expect(maxColumn).toBeGreaterThan(0);
		const rowMax = await table.locator(`tbody tr td:nth-child(${maxColumn + 1})`).allTextContents();
		expect(rowMax).toHaveLength(q.rows);
		expect(rowMax.reduce((a, t) => a + Number(t), 0)).toBeCloseTo(engine, 2);

		// The heatmap: an SVG with one cell per (query, document) pair and each row's best match outlined.
		const heatmap = page.locator('.out-view svg:has(rect.cell)').first();
		await expect(heatmap).toBeVisible();
		await expect(heatmap.locator('rect.cell')).toHaveCount(q.rows * d.rows);
		const outlines = heatmap.locator('rect.argmax-outline');
		await expect(outlines).toHaveCount(q.rows);
		const cols = await outlines.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-col'))));
		expect(cols).toEqual(argmaxRows(q, d));
		// The contribution bars beside it.
		await expect(page.locator('.out-view svg').nth(1)).toBeVisible();

		// Nothing above the gate failed, and no cell past the gate ran.
		await expect(page.locator('pre.out.err')).toHaveCount(0);
		await expect(page.locator('pre.out', { hasText: 'colbert:' })).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('"Show solution" unfolds the solution and folds it again, by mouse and by keyboard', async ({ page }) => {
		await page.goto(`/lessons/${LESSON_3}`);
		await expect(status(page)).toContainText('everything above ran in your browser', { timeout: 60_000 });
		const exercises = page.locator('aside.exercise');
		await expect(exercises).toHaveCount(3);
		const solution = (n: number) => exercises.nth(n).locator('xpath=following-sibling::section[contains(@class, "cell")][1]');

		// Mouse: the first exercise's solution (a fifth document token at 120°), checked against the engine.
		const first = exercises.nth(0).getByRole('button');
		await expect(first).toHaveText('Show solution');
		await expect(first).toHaveAttribute('aria-expanded', 'false');
		await expect(solution(0)).toBeHidden();
		await first.click();
		await expect(first).toHaveText('Hide solution');
		await expect(first).toHaveAttribute('aria-expanded', 'true');
		await expect(solution(0)).toBeVisible();
		const d5 = fromAngles([...anglesFromLesson('docAngles'), 120]);
		expect(await printed(page, 'S(q, d5) =')).toBeCloseTo(maxSim(q, d5), 3);
		expect(await printed(page, 'S(d5, q) =')).toBeCloseTo(maxSim(d5, q), 3);
		await first.click();
		await expect(solution(0)).toBeHidden();

		// Keyboard: Tab from the first button reaches the second; Enter opens, Space closes.
		await first.focus();
		await page.keyboard.press('Tab');
		const second = exercises.nth(1).getByRole('button');
		await expect(second).toBeFocused();
		await expect(solution(1)).toBeHidden();
		await page.keyboard.press('Enter');
		await expect(second).toHaveAttribute('aria-expanded', 'true');
		await expect(solution(1)).toBeVisible();
		await expect(solution(1)).toContainText('order by maxSim:');
		await page.keyboard.press('Space');
		await expect(second).toHaveAttribute('aria-expanded', 'false');
		await expect(solution(1)).toBeHidden();
	});
});

test.describe('lesson 1 on the test models', () => {
	let hub: MockHub;

	test.beforeAll(async () => {
		const { dir } = await generateFixtures();
		hub = await startMockHub({ root: dir });
	});

	test.afterAll(async () => {
		await hub?.close();
	});

	test('with ?models=test&hub=<mock Hub>, the model cells run after "Run" and finish without an error', async ({ page }) => {
		test.setTimeout(240_000);
		const errors = pageErrors(page);
		await page.goto(`/lessons/${LESSON_1}?models=test&hub=${encodeURIComponent(hub.url)}`);
		const run = page.getByRole('button', { name: 'Run', exact: true });
		await expect(run).toBeEnabled({ timeout: 60_000 });
		// Nothing is downloaded before "Run".
		expect(hub.requests).toEqual([]);
		await run.click();
		await expect(status(page)).toHaveText('All cells ran.', { timeout: 180_000 });
		// The models came from the mock Hub, and the page said which ones ran.
		expect(hub.requests.some((r) => r.startsWith('GET /latelab-test/') && r.endsWith(' 200'))).toBe(true);
		await expect(page.locator('pre.out', { hasText: 'latelab-test/tiny-' }).first()).toBeVisible();
		await expect(page.locator('pre.out.err')).toHaveCount(0);
		await expect(page.getByText('A cell failed')).toHaveCount(0);
		expect(errors).toEqual([]);
	});

	test('a model cell that fails (the Hub answers 503) says which cell, links to it, and "Run again" reruns the lesson once the Hub is back', async ({ page }) => {
		test.setTimeout(240_000);
		hub.setFault({ status: { file: 'config.json', code: 503 } });
		try {
			await page.goto(`/lessons/${LESSON_1}?models=test&hub=${encodeURIComponent(hub.url)}`);
			const run = page.getByRole('button', { name: 'Run', exact: true });
			await expect(run).toBeEnabled({ timeout: 60_000 });
			await run.click();
			await expect(status(page)).toContainText('A cell failed', { timeout: 120_000 });
			const link = status(page).getByRole('link', { name: 'see its output' });
			const target = (await link.getAttribute('href'))!.slice(1);
			await expect(page.locator(`[id="${target}"] pre.out.err`)).toBeVisible();
			// The error in the page's words, with the playground's fix: no environment variables or repo paths.
			const said = (await page.locator(`[id="${target}"] pre.out.err`).allTextContents()).join('\n');
			expect(said).toMatch(/Retry/);
			expect(said).not.toMatch(/HF_ENDPOINT|configureRuntime|docs\//);
		} finally {
			hub.setFault(null);
		}
		await status(page).getByRole('button', { name: 'Run again' }).click();
		await expect(status(page)).toHaveText('All cells ran.', { timeout: 180_000 });
		await expect(page.locator('pre.out.err')).toHaveCount(0);
	});
});
