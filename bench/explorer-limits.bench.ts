/**
 * Issue 12's limits in the built app, in headless Chromium (cross-origin isolated, 2 kernel threads):
 * a 5,000-document vectors folder (dim 96, ~250 vectors per document, written by `latelab data synth`
 * into a temporary folder, never committed) is chosen in the corpus bar and ranked by every ColBERT
 * variant: exact fp32, binary + rescore 100, int8, PLAID, MUVERA.
 *
 * It reports:
 * - load: files chosen -> corpus ready (the worker reads the 480 MB vectors file by slices into an
 *   OPFS file, IndexedDB where the worker has no sync access handles), and each panel's build time
 *   (its cost line);
 * - memory of the engine worker (CDP on the worker target, after GC: JS heap, WebAssembly memories,
 *   other ArrayBuffers; bench/browser/worker-memory.ts) with one ColBERT panel in fp32, in binary +
 *   rescore 100, in int8, as a share of the folder's fp32 bytes;
 * - query -> all visible panels rendered (a MutationObserver on each panel's `data-status`, as
 *   bench/playground.bench.ts), median / p90 over the folder's queries: all variants together, then
 *   each variant alone (the others hidden), with the median of each stage the panel reports
 *   (`maxsim` scan, `rescore-read` from OPFS / IndexedDB, `rescore`, `round trip (page)`).
 *
 * `npm run bench -- explorer-limits`, or `npx tsx bench/explorer-limits.bench.ts [--json] [--docs 5000]
 * [--tokens 250] [--queries 20] [--no-build] [--no-memory] [--variants=binary,int8] [--profile] [--zip]`
 * (`--zip`: the folder chosen as one stored zip instead of its files). Without `--profile`
 * the page runs in a fresh incognito context, where Chromium keeps OPFS and IndexedDB in memory behind
 * IPC (an OPFS read costs ~0.8 ms whatever its size); `--profile` uses a persistent profile in a
 * temporary folder, on disk as a user's browser keeps them. Nothing here is a test: the goals (binary + rescore and
 * PLAID under 50 ms, exhaustive fp32 under 300 ms) are printed next to the figures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/browser/support/chromium';
import { benchArgs, round } from './bench-support';
import { attachWorkerMemory, type WorkerMemory } from './browser/worker-memory';
import { buildIfNeeded, freePort, openApp, startPreview, summary, type Summary } from './playground.bench';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FILES = ['manifest.json', 'documents.jsonl', 'documents.safetensors', 'queries.jsonl', 'queries.safetensors', 'qrels/test.tsv'];

/** The ColBERT variants of the issue, as panel options set through the panels' controls. */
const VARIANTS: { name: string; set: [RegExp, string][]; shows: RegExp }[] = [
	{ name: 'exact fp32', set: [], shows: /fp32 ·/ },
	{ name: 'binary + rescore 100', set: [[/ Storage$/, 'binary'], [/ Rescore depth$/, '100']], shows: /rescore 100 from/ },
	{ name: 'int8', set: [[/ Storage$/, 'int8']], shows: /int8 ·/ },
	{ name: 'PLAID', set: [[/ Candidates$/, 'plaid']], shows: /PLAID \(nprobe/ },
	{ name: 'MUVERA', set: [[/ Candidates$/, 'muvera']], shows: /MUVERA top/ }
];
const GOALS: Record<string, number> = { 'exact fp32': 300, 'binary + rescore 100': 50, PLAID: 50 };

/** Writes the synthetic folder with the CLI unless an identical one is there. */
function ensureFolder(docs: number, tokens: number): { dir: string; generated: string } {
	const dir = join(tmpdir(), `latelab-explorer-${docs}x${tokens}x96`);
	if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'documents.safetensors'))) return { dir, generated: 'reused' };
	const t0 = performance.now();
	const r = spawnSync(process.execPath, ['bin/latelab.js', 'data', 'synth', '--docs', String(docs), '--queries', '40', '--tokens', String(tokens), '--dim', '96', '--to', dir, '--overwrite', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`latelab data synth failed (exit ${r.status}): ${r.stderr.slice(-1000)}`);
	return { dir, generated: `in ${round((performance.now() - t0) / 1000, 1)} s` };
}

/** The folder as a zip with every entry stored (no compression), next to it; reused when there. */
function ensureZip(dir: string): string {
	const path = `${dir}.zip`;
	if (existsSync(path)) return path;
	const entries = Object.fromEntries(FILES.map((f) => join(dir, f)).filter((p) => existsSync(p)).map((p) => [`folder/${p.slice(dir.length + 1)}`, new Uint8Array(readFileSync(p))] as const));
	writeFileSync(path, zipSync(entries, { level: 0 }));
	return path;
}

const panel = (page: Page, id: string) => page.locator(`section[data-panel="${id}"]`);

/**
 * Sets a ColBERT panel's options through its controls and waits until it is rebuilt: neither loading
 * nor searching (a query timed while the rebuilt panel's own search runs would never see it start),
 * and its text (cost line, kernel line) matches `shows` and not `hides`.
 */
async function configure(page: Page, id: string, set: [RegExp, string][], shows: RegExp, hides?: RegExp): Promise<void> {
	for (const [label, value] of set) await panel(page, id).getByLabel(label).selectOption(value);
	await page.waitForFunction(
		([p, show, hide]) => {
			const s = document.querySelector<HTMLElement>(`section[data-panel="${p}"]`);
			const text = s?.textContent ?? '';
			return !!s && s.dataset.status !== 'loading' && s.dataset.status !== 'searching' && !!s.querySelector('[data-testid="cost-line"]') && new RegExp(show).test(text) && !(hide && new RegExp(hide).test(text));
		},
		[id, shows.source, hides?.source ?? ''] as const,
		{ timeout: 900_000, polling: 500 }
	);
}

/** Picks query `id` in the collection's query picker and resolves with when each visible panel rendered. */
function measure(page: Page, id: string): Promise<{ all: number; panels: Record<string, number>; stages: Record<string, Record<string, number>>; errors: number }> {
	return page.evaluate((queryId) => {
		const select = document.querySelector<HTMLSelectElement>('select[aria-label="Query from the collection"]')!;
		// Picking the query already shown searches nothing: the caller alternates queries.
		if (select.value === queryId) return Promise.reject(new Error(`${queryId} is already the current query`));
		const sections = [...document.querySelectorAll<HTMLElement>('.panels > section[data-panel]')];
		const searching = new Set<string>();
		const done = new Map<string, number>();
		// The stages each panel's timings line shows for this query ("rescore-read 3.12 ms").
		const stages: Record<string, Record<string, number>> = {};
		let errors = 0;
		let t0 = 0;
		return new Promise((resolveSample, reject) => {
			const seen: string[] = [];
			const timer = setTimeout(() => reject(new Error(`no result within 120 s for ${queryId}; statuses seen: ${seen.join(' ')}; select now ${select.value}`)), 120_000);
			const check = () => {
				const now = performance.now();
				for (const s of sections) {
					const p = s.dataset.panel!;
					seen.push(`${p}:${s.dataset.status}@${Math.round(now - t0)}`);
					if (done.has(p)) continue;
					if (s.dataset.status === 'searching') searching.add(p);
					else if ((s.dataset.status === 'ready' || s.dataset.status === 'error') && searching.has(p)) {
						done.set(p, now - t0);
						stages[p] = Object.fromEntries(
							[...s.querySelectorAll('[data-testid="timings"] .timing')].map((el) => [el.firstChild?.textContent?.trim() ?? '', Number(el.querySelector('strong')?.textContent ?? NaN)])
						);
						if (s.dataset.status === 'error') errors++;
					}
				}
				if (done.size < sections.length) return;
				observer.disconnect();
				clearTimeout(timer);
				resolveSample({ all: now - t0, panels: Object.fromEntries(done), stages, errors });
			};
			const observer = new MutationObserver(check);
			for (const s of sections) observer.observe(s, { attributes: true, attributeFilter: ['data-status'] });
			t0 = performance.now();
			select.value = queryId;
			select.dispatchEvent(new Event('change', { bubbles: true }));
		});
	}, id);
}

/** Shows exactly `ids` through the panel picker's checkboxes (each carries its panel id). */
async function showOnly(page: Page, ids: string[]): Promise<void> {
	const boxes = page.locator('fieldset.panel-picker input[type="checkbox"]');
	const count = await boxes.count();
	for (let i = 0; i < count; i++) {
		const box = boxes.nth(i);
		const id = await box.getAttribute('data-panel');
		if (!id) throw new Error('a panel picker checkbox without data-panel');
		if ((await box.isChecked()) !== ids.includes(id)) await box.click();
	}
	await page.waitForFunction((n) => document.querySelectorAll('.panels > section[data-panel]').length === n, ids.length);
}

/** Queries of the folder not among the timed ones, for warm-ups (one per call, never the current query). */
let spare: string[] = [];

async function timeQueries(page: Page, queries: string[]): Promise<{ all: Summary; perPanel: Record<string, Summary>; stages: Record<string, Record<string, Summary>>; errors: number; n: number }> {
	// A warm-up with a query outside the timed ones (the panels' first search after being shown or built).
	const warm = spare.shift()!;
	spare.push(warm);
	await measure(page, warm);
	const samples: Awaited<ReturnType<typeof measure>>[] = [];
	for (const q of queries) {
		samples.push(await measure(page, q));
		await page.waitForTimeout(50);
	}
	const ids = Object.keys(samples[0].panels);
	const stagesOf = (p: string) => [...new Set(samples.flatMap((s) => Object.keys(s.stages[p] ?? {})))];
	return {
		all: summary(samples.map((s) => s.all)),
		perPanel: Object.fromEntries(ids.map((p) => [p, summary(samples.map((s) => s.panels[p]))])),
		stages: Object.fromEntries(ids.map((p) => [p, Object.fromEntries(stagesOf(p).map((st) => [st, summary(samples.map((s) => s.stages[p]?.[st]).filter((v): v is number => Number.isFinite(v)))]))])),
		errors: samples.reduce((s, x) => s + x.errors, 0),
		n: samples.length
	};
}

export async function main(args: string[] = process.argv.slice(2)) {
	const { json, flag } = benchArgs(args);
	const docs = flag('--docs', 5000);
	const tokens = flag('--tokens', 250);
	const nQueries = flag('--queries', 20);
	const folder = ensureFolder(docs, tokens);
	const manifest = JSON.parse(readFileSync(join(folder.dir, 'manifest.json'), 'utf8')) as { dim: number };
	const allIds = readFileSync(join(folder.dir, 'queries.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { _id: string })._id);
	const queryIds = allIds.slice(0, nQueries);
	spare = allIds.slice(nQueries);
	if (spare.length < 2) throw new Error(`the folder has ${allIds.length} queries: ${nQueries} timed ones and at least 2 more for warm-ups are needed`);
	const build = args.includes('--no-build') ? 'skipped (--no-build)' : buildIfNeeded(args.includes('--build'));
	const preview = await startPreview(await freePort());
	// --profile: a persistent profile on disk (OPFS and IndexedDB as a user's browser keeps them).
	const profileDir = args.includes('--profile') ? mkdtempSync(join(tmpdir(), 'latelab-explorer-profile-')) : undefined;
	const browser = profileDir ? undefined : await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	let profile: BrowserContext | undefined;
	const log = (s: string) => !json && console.error(s);
	let page: Page | undefined;
	try {
		if (browser) page = await openApp(browser, preview.url);
		else {
			profile = await chromium.launchPersistentContext(profileDir!, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 1000 } });
			await profile.addInitScript('globalThis.__name = (fn) => fn;');
			page = await profile.newPage();
			await page.goto(preview.url);
			await page.locator('main[data-ready="true"]').waitFor({ timeout: 60_000 });
			await page.getByRole('region', { name: 'Corpus' }).getByText('documents').first().waitFor();
		}
		// Only the ColBERT panel is shown before the folder loads: hidden panels are not built (the
		// two-stage panel would otherwise hold an fp32 copy of every document).
		await showOnly(page, ['colbert']);
		// --zip: the same folder as one stored zip (what `zip -0 -r` writes), read from its central directory.
		const chosen = args.includes('--zip') ? [ensureZip(folder.dir)] : FILES.map((f) => join(folder.dir, f)).filter((p) => existsSync(p));
		// Load: choose the folder's files together (the corpus bar's one file input).
		const t0 = performance.now();
		await page.getByLabel('Corpus file').setInputFiles(chosen);
		await page.getByLabel('Query from the collection').waitFor({ timeout: 900_000 });
		await page.getByRole('region', { name: 'Corpus' }).getByText(/vectors-load/).waitFor({ timeout: 900_000 });
		const loadMs = performance.now() - t0;
		const corpusLine = (await page.getByRole('region', { name: 'Corpus' }).textContent())?.replace(/\s+/g, ' ').trim() ?? '';
		log(`loaded in ${round(loadMs / 1000, 1)} s`);

		// A query must be current before panels are rebuilt: a panel built with no query stays idle (nothing to
		// search) and never shows its kernel line, which `configure` waits for.
		{
			const q = spare.shift()!;
			spare.push(q);
			await measure(page, q);
		}

		// Memory: one ColBERT panel (the default one) in each storage, the others hidden.
		const memory = await attachWorkerMemory(page);
		const held: Record<string, WorkerMemory & { share: number; answered: boolean }> = {};
		const totalVectors = Number((/([\d,]+) vectors/.exec(corpusLine)?.[1] ?? '0').replace(/,/g, ''));
		const fp32 = totalVectors * manifest.dim * 4;
		const memoryCase = async (name: string, set: [RegExp, string][], shows: RegExp, hides?: RegExp) => {
			await configure(page!, 'colbert', set, shows, hides);
			const q = spare.shift()!;
			spare.push(q);
			const sample = await measure(page!, q);
			const m = await memory.measure();
			held[name] = { ...m, share: fp32 > 0 ? m.total / fp32 : NaN, answered: sample.errors === 0 };
			log(`memory ${name}: ${round(m.total / 2 ** 20, 1)} MiB (${round((100 * m.total) / fp32, 1)}% of fp32)`);
		};
		// --no-memory: skip these (e.g. to time one variant's build and queries alone).
		if (!args.includes('--no-memory')) {
			await memoryCase('exact fp32', [], /fp32 ·/);
			await memoryCase('binary + rescore 100', VARIANTS[1].set, /rescore 100 from/);
			await memoryCase('int8', [[/ Rescore depth$/, '0'], [/ Storage$/, 'int8']], /int8 ·/, /rescore \d+ from/);
			await configure(page, 'colbert', [[/ Storage$/, 'fp32']], /fp32 ·/);
		}

		// Every variant as its own panel: the default ColBERT panel (exact) and four added ones.
		const ids = ['colbert'];
		const add = page.getByRole('form', { name: 'Add panel' });
		const builds: Record<string, string> = {};
		const only = (process.argv.find((a) => a.startsWith('--variants='))?.slice('--variants='.length) ?? '').split(',').filter(Boolean);
		const variants = VARIANTS.filter((v, i) => i === 0 || only.length === 0 || only.some((o) => v.name.toLowerCase().startsWith(o.toLowerCase())));
		for (const v of variants.slice(1)) {
			await add.getByLabel('New panel kind').selectOption('colbert');
			await add.getByRole('button', { name: 'Add' }).click();
			const id = `colbert@${ids.length + 1}`;
			ids.push(id);
			await panel(page, id).waitFor();
			await configure(page, id, v.set, v.shows);
			log(`built ${v.name}`);
		}
		for (const [i, id] of ids.entries()) builds[variants[i].name] = (await panel(page, id).getByTestId('cost-line').textContent())?.replace(/\s+/g, ' ').trim() ?? '';
		const kernels: Record<string, string> = {};
		await showOnly(page, ['bm25', ...ids]);
		const together = await timeQueries(page, queryIds);
		for (const [i, id] of ids.entries()) kernels[variants[i].name] = (await panel(page, id).locator('.kernel').textContent())?.trim() ?? '';
		log('all variants timed');
		const alone: Record<string, Awaited<ReturnType<typeof timeQueries>>> = {};
		for (const [i, id] of ids.entries()) {
			await showOnly(page, [id]);
			alone[variants[i].name] = await timeQueries(page, queryIds);
			log(`${variants[i].name} alone timed`);
		}
		await memory.detach();
		const out = {
			date: new Date().toISOString(),
			chromium: browser?.version() ?? (await page.evaluate(() => /Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1] ?? '?')),
			context: profileDir ? 'persistent profile on disk' : 'incognito (storage in memory)',
			build,
			folder: { ...folder, docs, tokens, dim: manifest.dim, totalVectors, fp32Bytes: fp32 },
			loadMs: round(loadMs, 0),
			corpusLine,
			memory: held,
			builds,
			kernels,
			variants: variants.map((v) => v.name),
			together: { panels: ['bm25', ...variants.map((v) => v.name)], ...together },
			alone,
			goals: GOALS
		};
		if (json) console.log(JSON.stringify(out, null, 1));
		else print(out, ids);
		return out;
	} catch (error) {
		// What the panels showed when it failed.
		const state = await page?.evaluate(() => [...document.querySelectorAll<HTMLElement>('.panels > section[data-panel]')].map((s) => `${s.dataset.panel} [${s.dataset.status}]: ${s.textContent?.replace(/\s+/g, ' ').slice(0, 600)}`)).catch(() => []);
		console.error(state?.join('\n'));
		throw error;
	} finally {
		await browser?.close();
		await profile?.close();
		if (profileDir) rmSync(profileDir, { recursive: true, force: true });
		preview.child.kill();
	}
}

function print(out: Awaited<ReturnType<typeof main>> extends infer T ? T : never, ids: string[]): void {
	const o = out as unknown as {
		chromium: string; context: string; build: string; folder: { dir: string; docs: number; totalVectors: number; fp32Bytes: number }; loadMs: number;
		variants: string[]; memory: Record<string, WorkerMemory & { share: number; answered: boolean }>; builds: Record<string, string>; kernels: Record<string, string>;
		together: { all: Summary; perPanel: Record<string, Summary>; n: number; errors: number }; alone: Record<string, { all: Summary; stages: Record<string, Record<string, Summary>>; n: number; errors: number }>;
	};
	const mib = (b: number) => `${round(b / 2 ** 20, 1)} MiB`;
	console.log(`explorer limits (Chromium ${o.chromium}, ${o.context}; build ${o.build}); ${o.folder.docs} docs, ${o.folder.totalVectors} vectors, fp32 ${mib(o.folder.fp32Bytes)} (${o.folder.dir})`);
	console.log(`load (files chosen -> corpus ready): ${o.loadMs} ms`);
	for (const [name, m] of Object.entries(o.memory)) {
		console.log(`memory, one ColBERT panel ${name.padEnd(22)} total ${mib(m.total).padStart(10)} = ${round(100 * m.share, 1)}% of fp32 (JS heap ${mib(m.jsHeapUsed)}, wasm ${m.wasmMemories.map(mib).join(' + ') || '0'}, ArrayBuffers ${mib(m.arrayBuffers)})${m.answered ? '' : ' SEARCH FAILED'}`);
	}
	for (const [name, line] of Object.entries(o.builds)) console.log(`build ${name}: ${line}`);
	const row = (label: string, s: Summary, goal?: number) => console.log(`  ${label.padEnd(28)} median ${String(s.median).padStart(8)} ms   p90 ${String(s.p90).padStart(8)} ms   max ${String(s.max).padStart(8)} ms${goal ? `   goal < ${goal} ms: ${s.median < goal ? 'met' : 'NOT met'} (median)` : ''}`);
	console.log(`\nquery -> all visible panels rendered, BM25 + all variants (${o.together.n} queries, ${o.together.errors} panel errors)`);
	row('all panels', o.together.all);
	for (const [p, s] of Object.entries(o.together.perPanel)) row(p === 'bm25' ? 'bm25' : o.variants[ids.indexOf(p)] ?? p, s);
	console.log('\neach variant alone');
	for (const [name, r] of Object.entries(o.alone)) {
		row(`${name} (${r.errors} errors)`, r.all, GOALS[name]);
		for (const stages of Object.values(r.stages)) console.log(`    stages (median ms): ${Object.entries(stages).map(([st, s]) => `${st} ${s.median}`).join(', ')}`);
	}
	for (const [name, k] of Object.entries(o.kernels)) console.log(`kernel ${name}: ${k}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	await main();
}
