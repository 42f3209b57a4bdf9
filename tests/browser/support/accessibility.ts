/**
 * An axe-core scan of the page as it is now, against WCAG 2.1 A and AA: names, roles, contrast,
 * keyboard reach of scrollable regions, ARIA structure. A test calls it at the states a user reaches
 * (results shown, an explanation open, a heatmap drawn), since most of the page is built after load.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Fails with one line per violation (rule, impact, what it asks, the first elements it found) on `what`. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
	// Two frames, so ResizeObserver callbacks (which make overflowing regions tab stops) have run after a resize.
	await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
	// axe-core 4.13 ships the label-in-name check (WCAG 2.5.3) switched off as experimental: switched on here.
	const result = await new AxeBuilder({ page })
		.options({ runOnly: { type: 'tag', values: WCAG_21_AA }, rules: { 'label-content-name-mismatch': { enabled: true } } })
		.analyze();
	const found = result.violations.map((v) => {
		const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
		return `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s): ${where}`;
	});
	expect(found, `${what}: WCAG 2.1 AA violations found by axe-core`).toEqual([]);
}
