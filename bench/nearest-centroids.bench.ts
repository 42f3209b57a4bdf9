/**
 * The nearest-centroid assignment of k-means and PLAID's residual encoding (`nearestCentroids`),
 * JS reference (4 x 4 blocked f64 loop) against the WASM SIMD128 kernel, in the same run: G
 * multiply-adds per second (n x k x dim / time), wall and per CPU-second (steadier on a shared
 * machine), the rows the WASM path rechecked in f64 (near ties), and that both gave the same ids.
 * Rows and centroids are random unit vectors, or, with `--clustered`, rows near the centroids
 * (closer to k-means' late iterations, where runner-up margins are small).
 *
 * Also PLAID's probe on the same centroids: a `--probe-rows` (default 32) query's scores against every
 * centroid, `centroidScores` (JS, f64 `dotAll`) against the kernel's `dots`, median of `--probe-reps` calls each,
 * with their largest difference.
 *
 *   npx tsx bench/nearest-centroids.bench.ts [--json] [--rows 8192] [--centroids 4096] [--dim 96] [--runs 3] [--clustered]
 *     [--probe-rows 32] [--probe-reps 15]
 */
import { cpus, loadavg } from 'node:os';
import { nearestCentroidsJs } from '../src/lib/engine/compress/kmeans';
import { nearestCentroidsWasm, prepareNearestWasm } from '../src/lib/engine/compress/nearest-centroids-wasm';
import { centroidScores } from '../src/lib/engine/candidates/plaid';
import { uniformRandom } from '../src/lib/engine/random';
import type { TokenMatrix } from '../src/lib/engine/types';
import { benchArgs, median, round } from './bench-support';

const args = process.argv.slice(2);
const { json, flag } = benchArgs(args);
const n = flag('--rows', 8192);
const k = flag('--centroids', 4096);
const dim = flag('--dim', 96);
const runs = flag('--runs', 3);
const clustered = args.includes('--clustered');

function unit(data: Float32Array, rows: number): Float32Array {
	for (let i = 0; i < rows; i++) {
		let s = 0;
		for (let d = 0; d < dim; d++) s += data[i * dim + d] ** 2;
		for (let d = 0; d < dim; d++) data[i * dim + d] /= Math.sqrt(s);
	}
	return data;
}

const random = uniformRandom(1);
const c: TokenMatrix = { data: unit(Float32Array.from({ length: k * dim }, () => random() * 2 - 1), k), rows: k, dim };
const xData = new Float32Array(n * dim);
for (let i = 0; i < n; i++) {
	const j = Math.floor(random() * k);
	for (let d = 0; d < dim; d++) xData[i * dim + d] = (clustered ? c.data[j * dim + d] : 0) + (random() * 2 - 1) * (clustered ? 0.05 : 1);
}
const x: TokenMatrix = { data: unit(xData, n), rows: n, dim };
const work = n * k * dim;

function time<T>(f: () => T): { value: T; wall: number; cpu: number } {
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	const value = f();
	const wall = performance.now() - t0;
	const c1 = process.cpuUsage(c0);
	return { value, wall, cpu: (c1.user + c1.system) / 1000 };
}

const js: { wall: number; cpu: number }[] = [];
const wasm: { wall: number; cpu: number }[] = [];
let same = true;
let rechecked = 0;
nearestCentroidsWasm({ data: x.data.subarray(0, 64 * dim), rows: 64, dim }, c); // compile + tier-up outside the timings
for (let r = 0; r < runs; r++) {
	const a = time(() => nearestCentroidsJs(x, c));
	const b = time(() => nearestCentroidsWasm(x, c)!);
	js.push(a);
	wasm.push(b);
	rechecked = b.value.recheckedRows;
	same &&= a.value.ids.every((v, i) => v === b.value.ids[i]) && a.value.scores.every((v, i) => v === b.value.scores[i]);
}
// PLAID's probe: query rows x every centroid, alternating JS and WASM calls.
const probeRows = flag('--probe-rows', 32);
const probeReps = flag('--probe-reps', 15);
const query: TokenMatrix = { data: x.data.subarray(0, probeRows * dim), rows: probeRows, dim };
const probeKernel = prepareNearestWasm(c)!;
probeKernel.dots(query);
const probeJs: number[] = [];
const probeWasm: number[] = [];
let probeError = 0;
for (let r = 0; r < probeReps; r++) {
	const a = time(() => centroidScores(query, c));
	const b = time(() => probeKernel.dots(query));
	probeJs.push(a.wall);
	probeWasm.push(b.wall);
	for (let i = 0; i < a.value.length; i++) probeError = Math.max(probeError, Math.abs(a.value[i] - b.value[i]));
}
const rate = (t: { wall: number; cpu: number }[], key: 'wall' | 'cpu') => round(work / median(t.map((x) => x[key])) / 1e6, 2);
const result = {
	machine: { cpus: cpus().length, cpu: cpus()[0]?.model, load: loadavg().map((v) => round(v, 1)), node: process.version },
	shape: { rows: n, centroids: k, dim, clustered },
	js: { gMaddPerS: rate(js, 'wall'), gMaddPerCpuS: rate(js, 'cpu'), medianMs: round(median(js.map((t) => t.wall))) },
	wasm: { gMaddPerS: rate(wasm, 'wall'), gMaddPerCpuS: rate(wasm, 'cpu'), medianMs: round(median(wasm.map((t) => t.wall))), recheckedRows: rechecked },
	speedupWall: round(median(js.map((t) => t.wall)) / median(wasm.map((t) => t.wall)), 2),
	speedupCpu: round(median(js.map((t) => t.cpu)) / median(wasm.map((t) => t.cpu)), 2),
	sameIdsAndScores: same,
	probe: { queryRows: probeRows, jsMedianMs: round(median(probeJs), 2), wasmMedianMs: round(median(probeWasm), 2), speedup: round(median(probeJs) / median(probeWasm), 2), maxAbsDifference: probeError }
};
if (json) console.log(JSON.stringify(result));
else console.log(result);
