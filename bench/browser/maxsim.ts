/**
 * MaxSim benchmark in headless Chromium: workloads A and B of issue 4 for naive JS, the JS scorer,
 * WASM (SIMD128, relaxed SIMD, i16 screen; 1 and 2 threads) and WebGPU, each backend in a fresh page
 * (cross-origin isolated, so WASM threads work). Prints a table, or with `--json` one object
 * `{ machine, ceilingGflops, results: [{ workload, backend, threads, docsPerSecond, gflops, maxAbsError, ... }] }`.
 *
 * Here Chromium's WebGPU adapter is SwiftShader, a CPU emulation: its figures say nothing about GPUs.
 *
 * Run: `npx tsx bench/browser/maxsim.ts [--json] [--workload A|B] [--backend webgpu] [--budget-ms 2000]`
 * (`npm run bench -- maxsim-browser` runs it through bench/maxsim-browser.bench.ts).
 */
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/browser/support/chromium';
import { startKernelPage } from '../../tests/browser/kernels/support/page-server';
import type { BackendName, BenchRow, BrowserBench, WorkloadName } from './page';

declare const maxsimBench: BrowserBench;

export const SOFTWARE_ADAPTER_NOTE =
	'WebGPU here is SwiftShader, a CPU emulation of a GPU (no GPU on this machine): its numbers say nothing about WebGPU on real GPUs.';

const RUNS: { backend: BackendName; threads: number }[] = [
	{ backend: 'naive-js', threads: 1 },
	{ backend: 'js', threads: 1 },
	{ backend: 'wasm', threads: 1 },
	{ backend: 'wasm', threads: 2 },
	{ backend: 'wasm-relaxed', threads: 1 },
	{ backend: 'wasm-relaxed', threads: 2 },
	{ backend: 'wasm-i16', threads: 2 },
	{ backend: 'wasm-binary', threads: 1 },
	{ backend: 'wasm-binary', threads: 2 },
	{ backend: 'wasm-int8', threads: 1 },
	{ backend: 'wasm-int8', threads: 2 },
	{ backend: 'webgpu', threads: 1 }
];

function flag(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
}

/** Runs the benchmark; returns the JSON object it prints with `--json`. */
export async function main(args: string[] = process.argv.slice(2)): Promise<unknown> {
	const json = args.includes('--json');
	const workloads = (flag(args, '--workload')?.split(',') ?? ['A', 'B']) as WorkloadName[];
	const only = flag(args, '--backend')?.split(',');
	const budgetMs = Number(flag(args, '--budget-ms') ?? 2000);
	const log = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));

	const server = await startKernelPage('bench/browser/page.ts');
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	// Takes the whole evaluate call so Playwright infers its argument types at each call site.
	const inFreshPage = async <T>(work: (page: Page) => Promise<T>): Promise<T> => {
		const page = await browser.newPage();
		try {
			await page.goto(server.url);
			await page.waitForFunction(() => 'maxsimBench' in globalThis);
			page.on('pageerror', (error) => log(`[page] ${error.message}`));
			return await work(page);
		} finally {
			await page.close();
		}
	};
	try {
		const machine = await inFreshPage((page) => page.evaluate(() => maxsimBench.machine()));
		const ceilingGflops = await inFreshPage((page) => page.evaluate(() => maxsimBench.measureCeilings()));
		const results: (BenchRow & { ratioToNaive?: number; fractionOfSimd128Ceiling?: number })[] = [];
		log(`ceilings (1 thread, GFLOP/s): ${Object.entries(ceilingGflops).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
		log(SOFTWARE_ADAPTER_NOTE);
		for (const workload of workloads) {
			for (const run of RUNS.filter((r) => !only || only.includes(r.backend) || r.backend === 'naive-js')) {
				const started = Date.now();
				const row = await inFreshPage((page) =>
					page.evaluate(
						([w, b, t, ms]) => maxsimBench.benchBackend(w, b, t, ms).catch((e: Error) => ({ error: e.message }) as never),
						[workload, run.backend, run.threads, budgetMs] as const
					)
				);
				if ('error' in (row as object)) {
					log(`${workload} ${run.backend} x${run.threads}: FAILED ${(row as unknown as { error: string }).error}`);
					continue;
				}
				const naive = results.find((r) => r.workload === workload && r.backend === 'naive-js');
				const out = {
					...row,
					ratioToNaive: naive ? row.docsPerSecond / naive.docsPerSecond : undefined,
					fractionOfSimd128Ceiling: row.gflops / (ceilingGflops.simd128 * row.threads)
				};
				results.push(out);
				log(formatRow(out) + `  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
			}
		}
		const report = {
			machine: { ...machine, date: new Date().toISOString(), runtime: 'headless Chromium', note: SOFTWARE_ADAPTER_NOTE },
			ceilingGflops,
			results
		};
		if (json) console.log(JSON.stringify(report, null, 1));
		return report;
	} finally {
		await browser.close();
		await server.close();
	}
}

function formatRow(r: BenchRow & { ratioToNaive?: number; fractionOfSimd128Ceiling?: number }): string {
	const cells = [
		`${r.workload} ${r.backend.padEnd(12)} x${r.threads}`,
		`${Math.round(r.docsPerSecond).toString().padStart(7)} docs/s`,
		`${r.gflops.toFixed(1).padStart(6)} GFLOP/s`,
		`${(100 * (r.fractionOfSimd128Ceiling ?? 0)).toFixed(0).padStart(3)}% of SIMD128 ceiling x threads`,
		`${(r.ratioToNaive ?? 1).toFixed(1).padStart(6)}x naive`,
		`max |err| ${r.maxAbsError.toExponential(1)}`,
		`${r.endToEndMs.toFixed(1)} ms/query e2e`
	];
	if (r.kernelMs !== undefined) cells.push(`kernel ${r.kernelMs === null ? 'n/a' : `${r.kernelMs.toFixed(1)} ms`}`);
	return cells.join(' | ');
}

if (process.argv[1] && /bench[\\/]browser[\\/]maxsim\.ts$/.test(process.argv[1])) {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
