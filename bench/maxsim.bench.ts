/**
 * `npm run bench:maxsim [-- --json] [--quick] [--workload A|B]`: MaxSim throughput of every backend
 * Node runs (naive JS, js, wasm SIMD128 / relaxed FMA, wasm i16 screen, and the storage-format kernels
 * of issue 10, wasm-binary, wasm-int8 and wasm-fp16 (halves widened in the f32 kernel), timed in rounds paired with the f32 kernel so their ratio
 * to it is measured in the same run under the same load), 1 and 2 threads, on issue 4's seeded workloads:
 *   A: query 32 x 128 against 1,000 docs x 180 tokens;  B: query 32 x 96 against 10,000 docs x 128 tokens.
 * The SIMD ceilings are measured in the same run (register-only multiply-add loops exported by the
 * kernels), as are the naive JS loop and the reference scores. Each timing is repeated: docs/s is the
 * best wall-clock run, with the median beside it, and a CPU-time figure (docs per CPU-second of this
 * process) that stays meaningful when other processes share the cores.
 * Node 20 hides relaxed SIMD behind a flag: the script re-executes itself with it.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, platform, release } from 'node:os';
import { randomUnitRows } from '../src/lib/engine/random';
import { ceilingFlopPerIteration, type F32Flavour } from '../kernels/wasm/maxsim-template';
import { relaxedSimdSupported } from '../src/lib/engine/capabilities';
import { JsMaxSimScorer } from '../src/lib/engine/maxsim/js';
import { instantiateKernel, kernelModule } from '../src/lib/engine/maxsim/kernel-module';
import { maxSim } from '../src/lib/engine/maxsim/maxsim';
import { WasmMaxSimScorer } from '../src/lib/engine/maxsim/wasm';
import { storageKernelModule, WasmStorageScorer } from '../src/lib/engine/maxsim/storage-wasm';
import { INT8_CEILING_MACS } from '../kernels/wasm/storage-template';
import { decodeFp16, encodeBinary, encodeFp16, encodeInt8, maxSimBinary, maxSimInt8 } from '../src/lib/engine/compress/codecs';
import type { TokenMatrix } from '../src/lib/engine/types';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
if (!relaxedSimdSupported() && !process.execArgv.includes(RELAXED_FLAG)) {
	const child = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
	process.exit(child.status ?? 1);
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const only = args.includes('--workload') ? args[args.indexOf('--workload') + 1] : undefined;
const log = (message: string) => (json ? process.stderr : process.stdout).write(`${message}\n`);

interface Workload {
	name: 'A' | 'B';
	dim: number;
	queryRows: number;
	docTokens: number;
	nDocs: number;
	/** Docs the slow JS paths (and the reference) score: enough for a stable rate, not all of B. */
	sample: number;
}

const WORKLOADS: Workload[] = [
	{ name: 'A', dim: 128, queryRows: 32, docTokens: 180, nDocs: 1000, sample: 150 },
	{ name: 'B', dim: 96, queryRows: 32, docTokens: 128, nDocs: 10000, sample: 300 }
];

interface Result {
	workload: 'A' | 'B';
	backend: 'js' | 'naive-js' | 'wasm' | 'wasm-relaxed' | 'wasm-i16' | 'wasm-int8' | 'wasm-binary' | 'wasm-fp16';
	threads: number;
	docsPerSecond: number;
	gflops: number;
	maxAbsError: number;
	medianDocsPerSecond: number;
	cpuDocsPerSecond: number;
	/** GFLOP/s (best wall-clock run) / (threads x the flavour's 1-thread ceiling). */
	ceilingFraction: number | null;
	/** Same from CPU time: kernel GFLOP per CPU-second / ceiling GFLOP per CPU-second. */
	cpuCeilingFraction: number | null;
	speedupVsNaive: number;
	/** Same from CPU time (robust when the machine is shared). */
	cpuSpeedupVsNaive: number;
	/** wasm-i16, wasm-int8, wasm-binary, wasm-fp16: CPU-time rate over the best f32 kernel's at the same thread count. */
	speedupVsF32?: number;
	/**
	 * wasm-int8, wasm-binary, wasm-fp16: medians of paired rounds (the SIMD128 and, where it runs, the
	 * relaxed-FMA f32 kernel, then binary, int8 and fp16, timed in turn), CPU time and wall clock, per
	 * f32 flavour; `speedupVsF32` repeats the CPU figure against the best flavour. SIMD128 is the f32
	 * kernel the engine picks in Node 20 as shipped (relaxed SIMD needs a process flag there).
	 */
	speedupVsF32Paired?: Partial<Record<F32Flavour, { cpu: number; wall: number }>>;
	/** wasm-int8, wasm-binary, wasm-fp16: best wall-clock rate over the SIMD128 / relaxed f32 kernels' (unpaired runs above). */
	speedupVsF32Wall?: { simd: number; relaxed?: number };
	/** wasm-int8, wasm-binary, wasm-fp16: max |score - reference| of the format (maxSimInt8 / maxSimBinary / maxSim of the fp16-decoded doc) on the sample. */
	formatMaxAbsError?: number;
	/** Docs actually scored per timed run (the JS paths score a sample). */
	docsScored: number;
	recallAt10?: number;
	topKDocsPerSecond?: number;
	/**
	 * wasm / wasm-relaxed, 1 thread: cpuCeilingFraction when every table entry names doc 0, which
	 * then stays in cache; the gap to cpuCeilingFraction is the cost of streaming the docs from memory.
	 */
	cacheResidentCeilingFraction?: number;
	/**
	 * wasm-int8, 1 thread: its multiply-adds per CPU-second over `ceiling_int8`'s, in rounds that run
	 * the kernel and the ceiling loop (the same multiply-adds) in turn; median of the rounds.
	 */
	pairedCeilingFraction?: number;
	/** wasm-int8, wasm-binary, wasm-fp16: bytes of stored codes per doc in the scorer's memory. */
	residentBytesPerDoc?: number;
}

/** Seeded random unit vectors, rows x dim, in one Float32Array (`randomUnitRows` from engine/random). */
function unitRows(rows: number, dim: number, seed: number): Float32Array {
	return randomUnitRows(rows, dim, seed).data;
}

const cpuSeconds = () => {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1e6;
};

interface Timing {
	bestWall: number;
	medianWall: number;
	medianCpu: number;
}

/** Runs `task` `warmup + reps` times; seconds per run (best and median wall, median CPU). */
async function time(task: () => Promise<unknown> | unknown, reps: number, warmup = 2): Promise<Timing> {
	for (let i = 0; i < warmup; i++) await task();
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < reps; i++) {
		const c = cpuSeconds();
		const t = performance.now();
		await task();
		wall.push((performance.now() - t) / 1e3);
		cpu.push(cpuSeconds() - c);
	}
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
	return { bestWall: Math.min(...wall), medianWall: median(wall), medianCpu: median(cpu) };
}

/** Best GFLOP/s (wall) and median GFLOP per CPU-second of a kernel module's register-only loop. */
async function ceiling(flavour: F32Flavour): Promise<{ wall: number; cpu: number }> {
	const kernel = await instantiateKernel(await kernelModule(flavour, false), new WebAssembly.Memory({ initial: 1 }));
	const iterations = 2e7;
	const t = await time(() => kernel.ceiling(iterations), quick ? 5 : 15, 3);
	const flop = iterations * ceilingFlopPerIteration(flavour);
	return { wall: flop / t.bestWall / 1e9, cpu: flop / t.medianCpu / 1e9 };
}

async function int8CeilingLoop(): Promise<(iterations: number) => number> {
	const instance = await WebAssembly.instantiate(await storageKernelModule(false), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } });
	return instance.exports.ceiling_int8 as (iterations: number) => number;
}

/** Best GOP/s (wall) and median GOP per CPU-second of the int8 kernel's register-only k step (`ceiling_int8`). */
async function ceilingInt8(): Promise<{ wall: number; cpu: number }> {
	const run = await int8CeilingLoop();
	const iterations = 2e7;
	const t = await time(() => run(iterations), quick ? 5 : 15, 3);
	const ops = iterations * INT8_CEILING_MACS * 2;
	return { wall: ops / t.bestWall / 1e9, cpu: ops / t.medianCpu / 1e9 };
}

/**
 * The int8 ceiling over each f32 ceiling per multiply-add, from rounds that run the three loops in
 * turn (CPU time, median of the rounds): what the machine allows int8 to gain over f32 when the
 * arithmetic is the limit, measured so that a slow spell of a shared VM hits all three alike.
 */
async function pairedCeilingRatios(): Promise<Partial<Record<F32Flavour, number>>> {
	const int8 = await int8CeilingLoop();
	const loops: { name: F32Flavour | 'int8'; run: (iterations: number) => unknown; macsPerIteration: number }[] = [
		{ name: 'int8', run: int8, macsPerIteration: INT8_CEILING_MACS }
	];
	for (const flavour of ['simd', 'relaxed'] as const) {
		if (flavour === 'relaxed' && !relaxedSimdSupported()) continue;
		const kernel = await instantiateKernel(await kernelModule(flavour, false), new WebAssembly.Memory({ initial: 1 }));
		loops.push({ name: flavour, run: (n) => kernel.ceiling(n), macsPerIteration: ceilingFlopPerIteration(flavour) / 2 });
	}
	const iterations = 1e7;
	const rates = new Map<string, number[]>(loops.map((l) => [l.name, []]));
	for (let round = 0; round < (quick ? 5 : 15) + 2; round++) {
		for (const l of loops) {
			const c = cpuSeconds();
			l.run(iterations);
			if (round >= 2) rates.get(l.name)!.push((iterations * l.macsPerIteration) / (cpuSeconds() - c));
		}
	}
	const ratios: Partial<Record<F32Flavour, number>> = {};
	for (const l of loops) {
		if (l.name === 'int8') continue;
		const perRound = rates.get('int8')!.map((r, i) => r / rates.get(l.name)![i]).sort((a, b) => a - b);
		ratios[l.name] = +perRound[perRound.length >> 1].toFixed(2);
	}
	return ratios;
}

function maxAbsError(scores: ArrayLike<number>, indices: ArrayLike<number>, reference: Map<number, number>): number {
	let worst = 0;
	for (let i = 0; i < indices.length; i++) {
		const ref = reference.get(indices[i]);
		if (ref !== undefined) worst = Math.max(worst, Math.abs(scores[i] - ref));
	}
	return worst;
}

async function runWorkload(w: Workload, ceilings: Record<F32Flavour, { wall: number; cpu: number } | null>, int8Ceiling: { wall: number; cpu: number }): Promise<Result[]> {
	log(`workload ${w.name}: query ${w.queryRows} x ${w.dim}, ${w.nDocs} docs x ${w.docTokens} tokens (generating)`);
	const docData = unitRows(w.nDocs * w.docTokens, w.dim, w.name === 'A' ? 1 : 2);
	const docSize = w.docTokens * w.dim;
	const docs: TokenMatrix[] = Array.from({ length: w.nDocs }, (_, i) => ({
		data: docData.subarray(i * docSize, (i + 1) * docSize),
		rows: w.docTokens,
		dim: w.dim
	}));
	const query: TokenMatrix = { data: unitRows(w.queryRows, w.dim, 100 + w.dim), rows: w.queryRows, dim: w.dim };
	const flopPerDoc = 2 * w.queryRows * w.docTokens * w.dim;
	const sample = Int32Array.from({ length: w.sample }, (_, i) => Math.floor((i * w.nDocs) / w.sample));
	const reps = quick ? 3 : w.name === 'A' ? 15 : 7;
	const results: Result[] = [];
	const reference = new Map<number, number>();
	let naiveRate = 0;
	let naiveCpuRate = 0;
	const f32CpuRate = new Map<number, number>();
	/** Best wall-clock docs/s of the f32 kernels, by flavour and thread count. */
	const f32WallRate = new Map<string, number>();

	const record = (backend: Result['backend'], threads: number, t: Timing, docsScored: number, error: number, flavour: F32Flavour | null, extra: Partial<Result> = {}) => {
		const rate = docsScored / t.bestWall;
		const cpuRate = docsScored / t.medianCpu;
		const gflops = (rate * flopPerDoc) / 1e9;
		// Integer kernels are measured against the integer ceiling; the i16 screen, binary and fp16 have none.
		const c =
			backend === 'wasm-int8' ? int8Ceiling : flavour && backend !== 'wasm-i16' && backend !== 'wasm-binary' && backend !== 'wasm-fp16' ? ceilings[flavour] : null;
		const result: Result = {
			workload: w.name,
			backend,
			threads,
			docsPerSecond: Math.round(rate),
			gflops: +gflops.toFixed(2),
			maxAbsError: error,
			medianDocsPerSecond: Math.round(docsScored / t.medianWall),
			cpuDocsPerSecond: Math.round(cpuRate),
			ceilingFraction: c ? +(gflops / (threads * c.wall)).toFixed(3) : null,
			// CPU time sums all threads, so per-thread work is compared with the 1-thread ceiling.
			cpuCeilingFraction: c ? +((cpuRate * flopPerDoc) / 1e9 / c.cpu).toFixed(3) : null,
			speedupVsNaive: naiveRate ? +(rate / naiveRate).toFixed(1) : 1,
			cpuSpeedupVsNaive: naiveCpuRate ? +(cpuRate / naiveCpuRate).toFixed(1) : 1,
			docsScored,
			...extra
		};
		results.push(result);
		log(`  ${backend.padEnd(12)} ${String(threads).padStart(2)}t ${String(result.docsPerSecond).padStart(8)} docs/s (median ${result.medianDocsPerSecond}, cpu ${result.cpuDocsPerSecond})`);
	};

	// naive JS: the reference function, one dot product per (query row, doc token) pair; also the reference.
	const naive = await time(() => sample.forEach((i) => reference.set(i, maxSim(query, docs[i]))), quick ? 2 : 3, 1);
	naiveRate = w.sample / naive.bestWall;
	naiveCpuRate = w.sample / naive.medianCpu;
	record('naive-js', 1, naive, w.sample, 0, null);

	const js = new JsMaxSimScorer(w.dim);
	await js.add(docs);
	let jsScores: Float32Array = new Float32Array(0);
	const jsTime = await time(async () => (jsScores = await js.score(query, sample)), quick ? 2 : 3, 1);
	record('js', 1, jsTime, w.sample, maxAbsError(jsScores, sample, reference), null);
	await js.dispose();

	const all = Int32Array.from({ length: w.nDocs }, (_, i) => i);
	const flavours: F32Flavour[] = ceilings.relaxed ? ['simd', 'relaxed'] : ['simd'];
	for (const flavour of flavours) {
		for (const threads of [1, 2]) {
			const scorer = await WasmMaxSimScorer.create({ dim: w.dim, threads, flavour });
			await scorer.add(docs);
			let scores: Float32Array = new Float32Array(0);
			const t = await time(async () => (scores = await scorer.score(query)), reps);
			const extra: Partial<Result> = {};
			if (threads === 1) {
				const docZero = new Int32Array(w.nDocs); // w.nDocs table entries, all doc 0
				const cached = await time(() => scorer.score(query, docZero), reps);
				extra.cacheResidentCeilingFraction = +((w.nDocs * flopPerDoc) / cached.medianCpu / 1e9 / ceilings[flavour]!.cpu).toFixed(3);
			}
			record(flavour === 'simd' ? 'wasm' : 'wasm-relaxed', threads, t, w.nDocs, maxAbsError(scores, all, reference), flavour, extra);
			f32CpuRate.set(threads, Math.max(f32CpuRate.get(threads) ?? 0, w.nDocs / t.medianCpu));
			f32WallRate.set(`${flavour}-${threads}`, w.nDocs / t.bestWall);
			await scorer.dispose();
		}
	}

	// int16 screen: throughput of the screen alone, recall@10 of screen + exact rescoring of the top 100.
	const best = flavours[flavours.length - 1];
	const exact = await WasmMaxSimScorer.create({ dim: w.dim, threads: 2, flavour: best });
	await exact.add(docs);
	for (const threads of [1, 2]) {
		const scorer = await WasmMaxSimScorer.create({ dim: w.dim, threads, flavour: best, quantized: true, rescoreDepth: 100 });
		await scorer.add(docs);
		let screen: Float32Array = new Float32Array(0);
		const t = await time(async () => (screen = await scorer.screen(query)), reps);
		let hits = 0;
		const queries = 5;
		for (let qi = 0; qi < queries; qi++) {
			const q: TokenMatrix = { data: unitRows(w.queryRows, w.dim, 1000 + qi), rows: w.queryRows, dim: w.dim };
			const truth = new Set((await exact.topK(q, 10)).map((h) => h.index));
			hits += (await scorer.topK(q, 10)).filter((h) => truth.has(h.index)).length;
		}
		const topK = await time(() => scorer.topK(query, 10), quick ? 2 : 5, 1);
		record('wasm-i16', threads, t, w.nDocs, maxAbsError(screen, all, reference), best, {
			recallAt10: hits / (10 * queries),
			speedupVsF32: +(w.nDocs / t.medianCpu / f32CpuRate.get(threads)!).toFixed(2),
			topKDocsPerSecond: Math.round(w.nDocs / topK.bestWall)
		});
		await scorer.dispose();
	}
	await exact.dispose();

	// Storage formats (issue 10): the docs are encoded on add and only their codes stay in WASM memory;
	// the f32 rates above are the baseline. Accuracy is against each format's own reference.
	const formatReference = { int8: new Map<number, number>(), binary: new Map<number, number>(), fp16: new Map<number, number>() };
	const binaryQuery = encodeBinary(query);
	for (const i of sample) {
		formatReference.int8.set(i, maxSimInt8(query, encodeInt8(docs[i])));
		formatReference.binary.set(i, maxSimBinary(binaryQuery, encodeBinary(docs[i])));
		formatReference.fp16.set(i, maxSim(query, { ...docs[i], data: decodeFp16(encodeFp16(docs[i].data)) }));
	}
	const FORMATS = ['binary', 'int8', 'fp16'] as const;
	type Format = (typeof FORMATS)[number];
	// Paired rounds: each round times the f32 kernels (each flavour the run has), then binary, int8 and
	// fp16, so a load spike from other processes hits them all alike; ratios are medians of the rounds.
	for (const threads of [1, 2]) {
		const f32: Partial<Record<F32Flavour, WasmMaxSimScorer>> = {};
		for (const flavour of flavours) {
			f32[flavour] = await WasmMaxSimScorer.create({ dim: w.dim, threads, flavour });
			await f32[flavour]!.add(docs);
		}
		const storage = {
			binary: await WasmStorageScorer.create({ format: 'binary', dim: w.dim, threads }),
			int8: await WasmStorageScorer.create({ format: 'int8', dim: w.dim, threads }),
			fp16: await WasmMaxSimScorer.create({ dim: w.dim, threads, flavour: best, storage: 'fp16' })
		};
		for (const format of FORMATS) await storage[format].add(docs);
		const scores: Record<Format, Float32Array> = { binary: new Float32Array(0), int8: new Float32Array(0), fp16: new Float32Array(0) };
		type Timed = F32Flavour | Format;
		const names: Timed[] = [...flavours, ...FORMATS];
		const wall = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Timed, number[]>;
		const cpu = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Timed, number[]>;
		const isFormat = (name: Timed): name is Format => (FORMATS as readonly string[]).includes(name);
		const once = async (name: Timed) => {
			const c = cpuSeconds();
			const t0 = performance.now();
			const out = isFormat(name) ? await storage[name].score(query) : await f32[name]!.score(query);
			wall[name].push((performance.now() - t0) / 1e3);
			cpu[name].push(cpuSeconds() - c);
			if (isFormat(name)) scores[name] = out;
		};
		for (let i = 0; i < 2; i++) for (const name of names) await once(name);
		for (const name of names) (wall[name].length = 0), (cpu[name].length = 0);
		for (let round = 0; round < reps; round++) for (const name of names) await once(name);
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
		let pairedCeilingFraction: number | undefined;
		if (threads === 1) {
			const run = await int8CeilingLoop();
			const iterations = Math.round((w.nDocs * flopPerDoc) / 2 / INT8_CEILING_MACS);
			const fractions: number[] = [];
			for (let round = 0; round < reps + 2; round++) {
				let c = cpuSeconds();
				await storage.int8.score(query);
				const kernelCpu = cpuSeconds() - c;
				c = cpuSeconds();
				run(iterations);
				if (round >= 2) fractions.push((cpuSeconds() - c) / kernelCpu);
			}
			pairedCeilingFraction = +median(fractions).toFixed(3);
		}
		for (const format of FORMATS) {
			const t: Timing = { bestWall: Math.min(...wall[format]), medianWall: median(wall[format]), medianCpu: median(cpu[format]) };
			const relaxed = f32WallRate.get(`relaxed-${threads}`);
			record(`wasm-${format}`, threads, t, w.nDocs, maxAbsError(scores[format], all, reference), best, {
				speedupVsF32: +(median(cpu[best]) / median(cpu[format])).toFixed(2),
				speedupVsF32Paired: Object.fromEntries(
					flavours.map((flavour) => [flavour, { cpu: +(median(cpu[flavour]) / median(cpu[format])).toFixed(2), wall: +(median(wall[flavour]) / median(wall[format])).toFixed(2) }])
				),
				speedupVsF32Wall: {
					simd: +(w.nDocs / t.bestWall / f32WallRate.get(`simd-${threads}`)!).toFixed(2),
					...(relaxed ? { relaxed: +(w.nDocs / t.bestWall / relaxed).toFixed(2) } : {})
				},
				formatMaxAbsError: maxAbsError(scores[format], all, formatReference[format]),
				residentBytesPerDoc: Math.round(storage[format].residentBytes / w.nDocs),
				...(format === 'int8' && pairedCeilingFraction !== undefined ? { pairedCeilingFraction } : {})
			});
		}
		await Promise.all([...flavours.map((flavour) => f32[flavour]!.dispose()), ...FORMATS.map((format) => storage[format].dispose())]);
	}
	return results;
}

function table(results: Result[]): string {
	const head = ['wl', 'backend', 'thr', 'docs/s', 'median', 'cpu d/s', 'GFLOP/s', 'x naive', 'x naive(cpu)', 'ceil', 'ceil(cpu)', 'maxAbsErr', 'notes'];
	const rows = results.map((r) => [
		r.workload,
		r.backend,
		String(r.threads),
		String(r.docsPerSecond),
		String(r.medianDocsPerSecond),
		String(r.cpuDocsPerSecond),
		r.gflops.toFixed(1),
		r.speedupVsNaive.toFixed(1),
		r.cpuSpeedupVsNaive.toFixed(1),
		r.ceilingFraction === null ? '-' : `${(r.ceilingFraction * 100).toFixed(0)}%`,
		r.cpuCeilingFraction === null ? '-' : `${(r.cpuCeilingFraction * 100).toFixed(0)}%`,
		r.maxAbsError.toExponential(1),
		r.speedupVsF32Wall !== undefined
			? `paired vs f32 ${Object.entries(r.speedupVsF32Paired!).map(([flavour, p]) => `${flavour === 'simd' ? 'SIMD128' : 'relaxed'} ${p.cpu}x cpu / ${p.wall}x wall`).join(', ')}; ` +
				`best wall vs SIMD128 ${r.speedupVsF32Wall.simd}x / relaxed ${r.speedupVsF32Wall.relaxed ?? '-'}x; ` +
				`vs own reference ${r.formatMaxAbsError!.toExponential(1)}; ${r.residentBytesPerDoc} B/doc` +
				(r.pairedCeilingFraction !== undefined ? `; ${(r.pairedCeilingFraction * 100).toFixed(0)}% of the int8 ceiling (paired)` : '')
			: r.recallAt10 !== undefined
			? `${r.speedupVsF32}x best f32 (cpu), recall@10 ${r.recallAt10.toFixed(2)}, top-10 ${r.topKDocsPerSecond} docs/s`
			: r.cacheResidentCeilingFraction !== undefined
				? `doc in cache: ${(r.cacheResidentCeilingFraction * 100).toFixed(0)}% of ceiling (cpu)`
				: r.docsScored < 1000
					? `sample ${r.docsScored}`
					: ''
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

const loadStart = loadavg();
log(`MaxSim benchmark: ${cpus()[0]?.model} x ${cpus().length}, Node ${process.version}, load ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
const ceilings: Record<F32Flavour, { wall: number; cpu: number } | null> = {
	simd: await ceiling('simd'),
	relaxed: relaxedSimdSupported() ? await ceiling('relaxed') : null
};
const int8Ceiling = await ceilingInt8();
log(`ceilings (1 thread, GFLOP/s best wall / cpu): SIMD128 mul+add ${ceilings.simd!.wall.toFixed(1)} / ${ceilings.simd!.cpu.toFixed(1)}` +
	(ceilings.relaxed ? `, relaxed FMA ${ceilings.relaxed.wall.toFixed(1)} / ${ceilings.relaxed.cpu.toFixed(1)}` : ', relaxed SIMD unavailable') +
	`, int8 kernel's i16 dot + add ${int8Ceiling.wall.toFixed(1)} / ${int8Ceiling.cpu.toFixed(1)} (GOP/s, 2 per multiply-add)`);
const int8CeilingOverF32 = await pairedCeilingRatios();
log(`int8 ceiling / f32 ceiling per multiply-add (paired rounds, CPU time): ${Object.entries(int8CeilingOverF32).map(([flavour, r]) => `${flavour === 'simd' ? 'SIMD128' : 'relaxed FMA'} ${r}x`).join(', ')}`);
const results: Result[] = [];
for (const w of WORKLOADS.filter((x) => !only || x.name === only)) results.push(...(await runWorkload(w, ceilings, int8Ceiling)));
const machine = {
	cpu: cpus()[0]?.model ?? 'unknown',
	cores: cpus().length,
	node: process.version,
	v8: process.versions.v8,
	os: `${platform()} ${release()}`,
	date: new Date().toISOString(),
	loadAverageStart: loadStart.map((l) => +l.toFixed(2)),
	loadAverageEnd: loadavg().map((l) => +l.toFixed(2))
};
const ceilingGflops = {
	simd128: +ceilings.simd!.wall.toFixed(2),
	...(ceilings.relaxed ? { relaxedFma: +ceilings.relaxed.wall.toFixed(2) } : {}),
	simd128Cpu: +ceilings.simd!.cpu.toFixed(2),
	...(ceilings.relaxed ? { relaxedFmaCpu: +ceilings.relaxed.cpu.toFixed(2) } : {}),
	/** GOP/s of the int8 kernel's k step on registers (2 per multiply-add, comparable with GFLOP/s). */
	int8DotAdd: +int8Ceiling.wall.toFixed(2),
	int8DotAddCpu: +int8Ceiling.cpu.toFixed(2),
	/** int8 ceiling over each f32 ceiling per multiply-add, paired rounds: int8's most over f32 where arithmetic limits. */
	int8CeilingOverF32
};
if (json) process.stdout.write(`${JSON.stringify({ machine, ceilingGflops, results }, null, 2)}\n`);
else log(`\n${table(results)}\n\nload average at end: ${machine.loadAverageEnd.join(' ')}`);
