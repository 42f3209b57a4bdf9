/**
 * Issue 12's memory limit, observable in the built app at a small size (the shipped synthetic pages,
 * 48 documents, chosen as files): a vectors folder's fp32 vectors go to IndexedDB while it loads, a
 * ColBERT panel in binary storage with rescoring answers, and its rescoring reads the folder's copy
 * there (the kernel line names the database, the `rescore` stage runs, no second copy is written).
 * The 5,000-document figures are bench/explorer-limits.bench.ts's.
 */
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { openPlayground } from './helpers';

const FOLDER = join(process.cwd(), 'static', 'collections', 'synthetic-pages');

function folderFiles(dir = FOLDER): { name: string; mimeType: string; buffer: Buffer }[] {
	const out: { name: string; mimeType: string; buffer: Buffer }[] = [];
	for (const entry of readdirSync(dir)) {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) out.push(...folderFiles(path));
		else out.push({ name: relative(FOLDER, path).split('/').pop()!, mimeType: 'application/octet-stream', buffer: readFileSync(path) });
	}
	return out;
}

/** The latelab vectors databases of the page's origin and their document counts. */
function vectorDatabases(page: import('@playwright/test').Page): Promise<Record<string, number>> {
	return page.evaluate(async () => {
		const out: Record<string, number> = {};
		for (const d of await indexedDB.databases()) {
			if (!d.name?.startsWith('latelab-vectors-')) continue;
			out[d.name] = await new Promise<number>((resolve, reject) => {
				const open = indexedDB.open(d.name!);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const count = db.transaction('docs').objectStore('docs').count();
					count.onsuccess = () => {
						db.close();
						resolve(count.result);
					};
					count.onerror = () => reject(count.error);
				};
			});
		}
		return out;
	});
}

test('a vectors folder with binary storage loads, answers, and rescores from the fp32 copy in IndexedDB', async ({ page }) => {
	await openPlayground(page);
	await page.getByLabel('Corpus file').setInputFiles(folderFiles());
	const note = page.getByTestId('vectors-in');
	await expect(note).toContainText('IndexedDB latelab-vectors-', { timeout: 60_000 });
	const name = /latelab-vectors-[a-z0-9-]+/.exec((await note.textContent()) ?? '')![0];
	expect(await vectorDatabases(page)).toEqual({ [name]: 48 });

	const colbert = page.locator('section[data-panel="colbert"]');
	await colbert.getByLabel(/ Storage$/).selectOption('binary');
	await colbert.getByLabel(/ Rescore depth$/).selectOption('20');
	await expect(colbert.getByLabel(/ Rescore depth$/)).toHaveValue('20');
	await page.getByLabel('Query from the collection').selectOption('q4');
	await expect(colbert).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	await expect(colbert.locator('button.hit').first()).toBeVisible();
	// The kernel line says where the exact vectors were read from, and the rescore stage ran.
	await expect(colbert.locator('.kernel')).toContainText(`rescore 20 from IndexedDB ${name}`);
	await expect(colbert).toContainText('rescore');
	await expect(colbert.getByTestId('cost-line')).toHaveAttribute('data-bytes', String(576 * 4));
	// The panel wrote no copy of its own: the folder's database is still the only one.
	expect(await vectorDatabases(page)).toEqual({ [name]: 48 });

	// Another corpus replaces the folder: its database is deleted.
	await page.getByRole('button', { name: 'Demo corpus' }).click();
	await expect.poll(() => vectorDatabases(page), { timeout: 30_000 }).toEqual({});
});
