/**
 * Playground latency in the built app: time from query submit to every visible panel rendered, over
 * the 28 judged demo queries, in headless Chromium (`npm run bench -- playground`, or standalone:
 * `npx tsx bench/playground.bench.ts [--json] [--rounds N] [--no-build] [--no-neural]`).
 *
 * It builds the app when `build/` is older than the sources, serves it with `vite preview` on a free
 * loopback port, and measures two scenarios: BM25 alone (the neural panels hidden), and all five
 * panels with the generated tiny test models loaded through the mock Hub (tests/fixtures). In the
 * page, the query is typed and the search form submitted; a MutationObserver then notes when each
 * panel's `data-status` goes from `searching` to `ready` (DOM updated), and one more animation frame
 * gives "painted". Nothing is timed in tests: this is the benchmark of issue 5.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/browser/support/chromium';
import { FIXTURE_MODELS, generateFixtures } from '../tests/fixtures/generate';
import { startMockHub } from '../tests/fixtures/mock-hub';
import { benchArgs, median, round } from './bench-support';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_MARKER = join(ROOT, 'build', 'index.html');
const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];
const NEURAL = [
	{ role: 'ColBERT', model: FIXTURE_MODELS.colbertPylate },
	{ role: 'Bi-encoder', model: FIXTURE_MODELS.biEncoder },
	{ role: 'Cross-encoder', model: FIXTURE_MODELS.crossEncoder }
];
const PANEL_IDS = ['bm25', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'];

/** One query's times in milliseconds since submit. */
interface Sample {
	/** Every visible panel's `data-status` is `ready` (or `error`) for this query. */
	all: number;
	/** The next animation frame after that. */
	painted: number;
	/** panel id -> ready. */
	panels: Record<string, number>;
	errors: number;
}

export interface Summary {
	median: number;
	p90: number;
	max: number;
}

/** Nearest-rank percentile. @example percentile([1, 2, 3, 4], 0.9) // 4 */
export function percentile(values: readonly number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

export function summary(values: readonly number[]): Summary {
	return { median: round(median(values), 1), p90: round(percentile(values, 0.9), 1), max: round(Math.max(...values), 1) };
}

function newestMtime(path: string): number {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = st.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	return newest;
}

/** Builds with Vite when the build is missing or older than any source file. */
export function buildIfNeeded(force: boolean): string {
	const built = existsSync(BUILD_MARKER) ? statSync(BUILD_MARKER).mtimeMs : 0;
	const sources = Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))));
	if (!force && built > sources) return 'up to date';
	const t0 = performance.now();
	const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
	return `built in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

export function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolvePort(port));
		});
	});
}

/** `vite preview` on `port`, started as node (not npx) so the child's pid is the server's. */
export async function startPreview(port: number): Promise<{ url: string; child: ChildProcess }> {
	const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr?.on('data', (d) => (stderr += String(d)));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}): ${stderr.slice(0, 400)}`);
		try {
			if ((await fetch(url)).ok) return { url, child };
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	child.kill();
	throw new Error(`vite preview did not answer on ${url} within 60 s`);
}

/** Submits `query` in the page and resolves with when each visible panel rendered its result. */
function measure(page: Page, query: string): Promise<Sample> {
	return page.evaluate(async (q) => {
		const input = document.getElementById('query') as HTMLInputElement;
		const sections = [...document.querySelectorAll<HTMLElement>('.panels > section[data-panel]')];
		Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, q);
		input.dispatchEvent(new Event('input', { bubbles: true }));
		const searching = new Set<string>();
		const done = new Map<string, number>();
		let errors = 0;
		let t0 = 0;
		return new Promise<Sample>((resolveSample, reject) => {
			const timer = setTimeout(() => reject(new Error(`no result within 60 s for "${q}"`)), 60_000);
			const check = () => {
				const now = performance.now();
				for (const s of sections) {
					const id = s.dataset.panel!;
					const status = s.dataset.status;
					if (done.has(id)) continue;
					if (status === 'searching') searching.add(id);
					else if ((status === 'ready' || status === 'error') && searching.has(id)) {
						done.set(id, now - t0);
						if (status === 'error') errors++;
					}
				}
				if (done.size < sections.length) return;
				observer.disconnect();
				clearTimeout(timer);
				const all = now - t0;
				requestAnimationFrame(() => resolveSample({ all, painted: performance.now() - t0, panels: Object.fromEntries(done), errors }));
			};
			const observer = new MutationObserver(check);
			for (const s of sections) observer.observe(s, { attributes: true, attributeFilter: ['data-status'] });
			t0 = performance.now();
			input.form!.requestSubmit();
		});
	}, query);
}

export async function openApp(browser: Browser, url: string): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
	// tsx (esbuild keepNames) wraps named functions in `__name(...)`; functions sent to the page need it too.
	await context.addInitScript('globalThis.__name = (fn) => fn;');
	const page = await context.newPage();
	await page.goto(url);
	await page.locator('main[data-ready="true"]').waitFor({ timeout: 60_000 });
	await page.getByRole('region', { name: 'Corpus' }).getByText('documents').first().waitFor();
	return page;
}

async function runQueries(page: Page, queries: readonly string[], rounds: number): Promise<Sample[]> {
	await measure(page, 'warm up the worker and the page');
	const samples: Sample[] = [];
	for (let r = 0; r < rounds; r++) {
		for (const q of queries) {
			samples.push(await measure(page, q));
			await page.waitForTimeout(30);
		}
	}
	return samples;
}

/** Wall time of the evaluation view's "Evaluate" (every judged query through every visible panel), click to table. */
async function evaluateMs(page: Page): Promise<number> {
	const view = page.getByRole('region', { name: 'Evaluation' });
	const t0 = performance.now();
	await view.getByRole('button', { name: /^Evaluate/ }).click();
	await page.locator('section[aria-label="Evaluation"][data-status="ready"]').waitFor({ timeout: 300_000 });
	return round(performance.now() - t0, 0);
}

function report(name: string, samples: Sample[]) {
	const panels = Object.keys(samples[0].panels);
	return {
		scenario: name,
		queries: samples.length,
		errors: samples.reduce((s, x) => s + x.errors, 0),
		allPanels: summary(samples.map((s) => s.all)),
		painted: summary(samples.map((s) => s.painted)),
		perPanel: Object.fromEntries(panels.map((p) => [p, summary(samples.map((s) => s.panels[p]))]))
	};
}

async function bm25Scenario(browser: Browser, url: string, queries: string[], rounds: number) {
	const page = await openApp(browser, url);
	for (const title of ['Bi-encoder', 'Cross-encoder', 'ColBERT', 'ColBERT two-stage']) {
		await page.getByRole('button', { name: `Hide ${title}`, exact: true }).click();
	}
	const samples = await runQueries(page, queries, rounds);
	const evaluate = await evaluateMs(page);
	await page.context().close();
	return { ...report('BM25 panel only', samples), evaluateMs: evaluate };
}

async function neuralScenario(browser: Browser, url: string, queries: string[], rounds: number) {
	const { dir } = await generateFixtures();
	const hub = await startMockHub({ root: dir });
	try {
		const page = await openApp(browser, `${url}/?hub=${encodeURIComponent(hub.url)}`);
		const t0 = performance.now();
		for (const { role, model } of NEURAL) {
			await page.getByRole('combobox', { name: `${role} model id or folder` }).fill(model);
			await page.getByRole('combobox', { name: `${role} dtype` }).selectOption('fp32');
			await page.getByRole('button', { name: `Load ${role} model` }).click();
		}
		for (const id of PANEL_IDS.slice(1)) await page.getByTestId(`prep-${id}`).waitFor({ timeout: 180_000 });
		for (const id of PANEL_IDS) {
			await page.waitForFunction((p) => ['idle', 'ready'].includes(document.querySelector<HTMLElement>(`section[data-panel="${p}"]`)?.dataset.status ?? ''), id, { timeout: 60_000 });
		}
		const prepareMs = performance.now() - t0;
		const kernel = await page.locator('section[data-panel="colbert"] .kernel').textContent().catch(() => null);
		const samples = await runQueries(page, queries, rounds);
		const kernels = await page.locator('.panels .kernel').allTextContents();
		const evaluate = await evaluateMs(page);
		await page.context().close();
		return { ...report('all five panels, tiny test models (mock Hub, fp32)', samples), evaluateMs: evaluate, modelsReadyMs: round(prepareMs, 0), kernels: kernels.length ? kernels : kernel ? [kernel] : [] };
	} finally {
		await hub.close();
	}
}

export async function main(args: string[] = process.argv.slice(2)) {
	const { json, flag } = benchArgs(args);
	const rounds = flag('--rounds', 1);
	const build = args.includes('--no-build') ? 'skipped (--no-build)' : buildIfNeeded(args.includes('--build'));
	const demo = JSON.parse(readFileSync(join(ROOT, 'src/lib/engine/corpus/demo/demo-corpus.json'), 'utf8')) as { queries: { _id: string; text: string }[]; qrels: Record<string, Record<string, number>> };
	const queries = demo.queries.filter((q) => Object.values(demo.qrels[q._id] ?? {}).some((g) => g > 0)).map((q) => q.text);
	const port = await freePort();
	const preview = await startPreview(port);
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	try {
		const results = [await bm25Scenario(browser, preview.url, queries, rounds)];
		if (!args.includes('--no-neural')) results.push(await neuralScenario(browser, preview.url, queries, rounds));
		const out = { date: new Date().toISOString(), chromium: browser.version(), build, rounds, results };
		if (json) console.log(JSON.stringify(out, null, 1));
		else print(out);
		return out;
	} finally {
		await browser.close();
		preview.child.kill();
	}
}

function print(out: { chromium: string; build: string; rounds: number; results: ReturnType<typeof report>[] }): void {
	console.log(`playground: query submit -> all visible panels rendered (Chromium ${out.chromium}; build ${out.build})`);
	for (const r of out.results) {
		console.log(`\n${r.scenario}: ${r.queries} queries, ${r.errors} panel errors`);
		const row = (label: string, s: Summary) => console.log(`  ${label.padEnd(26)} median ${String(s.median).padStart(7)} ms   p90 ${String(s.p90).padStart(7)} ms   max ${String(s.max).padStart(7)} ms`);
		row('all panels (DOM updated)', r.allPanels);
		row('all panels (next frame)', r.painted);
		for (const [p, s] of Object.entries(r.perPanel)) row(`  ${p}`, s);
		const extra = r as { modelsReadyMs?: number; kernels?: string[]; evaluateMs?: number };
		if (extra.evaluateMs !== undefined) console.log(`  Evaluate (all ${r.queries / out.rounds} judged queries, these panels, top 100): ${extra.evaluateMs} ms click to table`);
		if (extra.modelsReadyMs !== undefined) console.log(`  models loaded + corpus encoded in ${extra.modelsReadyMs} ms; kernels: ${extra.kernels?.join(' | ')}`);
	}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	await main();
}
