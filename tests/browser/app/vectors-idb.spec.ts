/**
 * Issue 12's memory limit, observable in the built app at a small size (the shipped synthetic pages,
 * 48 documents, chosen as files): a vectors folder's fp32 vectors go to disk while it loads (one OPFS
 * file, the engine worker being a dedicated worker; IndexedDB where sync access handles are missing,
 * tested in Node), a ColBERT panel in binary storage with rescoring answers as the engine does in Node
 * and, rescoring every document, as the exact fp32 panel; its rescoring reads the folder's file (the
 * kernel line names it, the `rescore` stage runs, no second copy is written). The file goes when
 * another corpus replaces the folder, and files left by earlier page sessions go when a folder loads.
 * A rescoring ColBERT panel on a text corpus (the tiny model behind the mock Hub) keeps its own copy
 * in an OPFS file the same way. The 5,000-document figures are bench/explorer-limits.bench.ts's.
 */
import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadMultiVectorFolderFromDisk } from '../../../src/lib/engine/corpus/node-multivector-folder';
import { createColbertPipeline } from '../../../src/lib/engine/pipelines/late-interaction';
import { FIXTURE_MODELS } from '../../fixtures/generate';
import { loadModel, openPlayground, openWithHub, search, useMockHub } from './helpers';

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
function vectorDatabases(page: Page): Promise<Record<string, number>> {
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

/** The latelab vectors files in the origin's OPFS root and their sizes in bytes. */
function vectorFiles(page: Page): Promise<Record<string, number>> {
	return page.evaluate(async () => {
		const root = (await navigator.storage.getDirectory()) as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> };
		const out: Record<string, number> = {};
		for await (const [name, handle] of root.entries()) {
			if (!name.startsWith('latelab-vectors-') && !name.startsWith('latelab-fp32-')) continue;
			out[name] = handle.kind === 'file' ? (await (handle as FileSystemFileHandle).getFile()).size : -1;
		}
		return out;
	});
}

const panel = (page: Page, id: string) => page.locator(`section[data-panel="${id}"]`);
const topIds = (page: Page, id: string) => panel(page, id).locator('li[data-doc]').evaluateAll((items) => items.slice(0, 10).map((li) => li.getAttribute('data-doc')));

test('a vectors folder goes to an OPFS file; binary + rescore reads it and answers as the engine and the exact panel; the file goes with the corpus', async ({ page }) => {
	await openPlayground(page);
	// A file an earlier page session left behind (closed without disposing its corpus).
	await page.evaluate(async () => void (await (await navigator.storage.getDirectory()).getFileHandle('latelab-vectors-earlier-session.f32', { create: true })));
	await page.getByLabel('Corpus file').setInputFiles(folderFiles());
	const note = page.getByTestId('vectors-in');
	await expect(note).toContainText('OPFS latelab-vectors-', { timeout: 60_000 });
	await expect(note).toContainText('origin private file system');
	const name = /latelab-vectors-[a-z0-9-]+\.f32/.exec((await note.textContent()) ?? '')![0];
	await expect.poll(() => vectorFiles(page)).toEqual({ [name]: 576 * 32 * 4 });
	expect(await vectorDatabases(page)).toEqual({});
	await expect(page.getByRole('region', { name: 'Corpus' })).toContainText('vectors-load (to OPFS)');

	const colbert = panel(page, 'colbert');
	await colbert.getByLabel(/ Storage$/).selectOption('binary');
	await colbert.getByLabel(/ Rescore depth$/).selectOption('20');
	await expect(colbert.getByLabel(/ Rescore depth$/)).toHaveValue('20');
	await page.getByLabel('Query from the collection').selectOption('q4');
	await expect(colbert).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	await expect(colbert.locator('button.hit').first()).toBeVisible();
	// The kernel line says where the exact vectors were read from, and the rescore stage ran.
	await expect(colbert.locator('.kernel')).toContainText(`rescore 20 from OPFS ${name}`);
	await expect(colbert).toContainText('rescore');
	await expect(colbert.getByTestId('cost-line')).toHaveAttribute('data-bytes', String(576 * 4));
	// The same ranking as the engine in Node on the folder held in memory.
	const memory = await loadMultiVectorFolderFromDisk(FOLDER);
	const q = memory.corpus.queries.find((x) => x.id === 'q4')!.text;
	const engine = (await (await createColbertPipeline({ corpus: memory.corpus, options: { maxsimBackend: 'js', storage: 'binary', rescore: 20 } })).search(q, 10)).hits.map((h) => h.id);
	await expect.poll(() => topIds(page, 'colbert')).toEqual(engine);

	// Rescoring every document (50 > 48) from the file answers as the exact fp32 panel beside it.
	const add = page.getByRole('form', { name: 'Add panel' });
	await add.getByLabel('New panel kind').selectOption('colbert');
	await add.getByRole('button', { name: 'Add' }).click();
	const exact = panel(page, 'colbert@2');
	await expect(exact).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
	await colbert.getByLabel(/ Rescore depth$/).selectOption('50');
	await expect(colbert.locator('.kernel')).toContainText(`rescore 50 from OPFS ${name}`, { timeout: 60_000 });
	await expect(exact.locator('li[data-doc]').first()).toBeVisible();
	const exactTop = await topIds(page, 'colbert@2');
	expect(exactTop).toHaveLength(10);
	await expect.poll(() => topIds(page, 'colbert')).toEqual(exactTop);
	// The panels wrote no copy of their own, and the earlier session's file is gone: the folder's file is the only one.
	expect(await vectorFiles(page)).toEqual({ [name]: 576 * 32 * 4 });

	// Another corpus replaces the folder: its file is deleted.
	await page.getByRole('button', { name: 'Demo corpus' }).click();
	await expect.poll(() => vectorFiles(page), { timeout: 30_000 }).toEqual({});
});

test.describe('a text corpus', () => {
	const hub = useMockHub();

	test('a rescoring ColBERT panel keeps its fp32 vectors in its own OPFS file, answers as fp32 when it rescores every document, and the file goes with its options', async ({ page }) => {
		await openWithHub(page, hub().url);
		await loadModel(page, 'ColBERT', FIXTURE_MODELS.colbertPylate);
		await expect(page.getByTestId('prep-colbert')).toContainText('encoded', { timeout: 90_000 });
		await search(page, 'heart attack symptoms');
		const colbert = page.getByRole('region', { name: 'ColBERT', exact: true });
		await expect(colbert).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
		await expect(colbert.locator('li[data-doc]').first()).toBeVisible();
		const exact = await colbert.locator('li[data-doc]').evaluateAll((items) => items.slice(0, 10).map((li) => li.getAttribute('data-doc')));
		expect(exact).toHaveLength(10);

		await colbert.getByLabel(/ Storage$/).selectOption('binary');
		await colbert.getByLabel(/ Rescore depth$/).selectOption('200');
		await expect(colbert.locator('.kernel')).toContainText(/rescore 200 from OPFS latelab-fp32-[a-z0-9-]+\.f32/, { timeout: 90_000 });
		const name = /latelab-fp32-[a-z0-9-]+\.f32/.exec((await colbert.locator('.kernel').textContent()) ?? '')![0];
		const files = await vectorFiles(page);
		expect(Object.keys(files)).toEqual([name]);
		expect(files[name]).toBeGreaterThan(0);
		// 200 > 112 documents: every document is rescored from the file, so the ranking is fp32's.
		await expect.poll(() => colbert.locator('li[data-doc]').evaluateAll((items) => items.slice(0, 10).map((li) => li.getAttribute('data-doc')))).toEqual(exact);

		// Back to fp32: the rebuilt panel needs no side store and the old one's file is deleted.
		await colbert.getByLabel(/ Storage$/).selectOption('fp32');
		await expect.poll(() => vectorFiles(page), { timeout: 60_000 }).toEqual({});
	});
});
