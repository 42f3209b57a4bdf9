/**
 * Corpus loading speed: SciFact (`loadCorpusFromPath`, median of several runs), a generated ~100 MB
 * JSONL file (one run; throughput and peak heap), and `corpusFingerprint` over each.
 *
 *   npx tsx bench/corpus.bench.ts [--json] [--runs 5] [--mb 100]
 *
 * Reads `$LATELAB_DATA/scifact` or `../shared/data/scifact` (skipped with a note when absent).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusFingerprint } from '../src/lib/engine/corpus/index';
import { loadCorpusFromPath } from '../src/lib/engine/corpus/node-files';
import { writeBigCorpus } from '../tests/engine/corpus/big-corpus';
import { collectionDir } from '../tests/support/data';
import { benchArgs, median, round } from './bench-support';

const { json, flag } = benchArgs();
const runs = flag('--runs', 5);
const megabytes = flag('--mb', 100);

async function measure(path: string, times: number) {
	const size = (await stat(join(path, path.endsWith('.jsonl') ? '' : 'corpus.jsonl'))).size;
	const loads: number[] = [];
	let peakHeap = 0;
	let docs = 0;
	let fingerprintMs = 0;
	for (let r = 0; r < times; r++) {
		const start = performance.now();
		const corpus = await loadCorpusFromPath(path, {
			duplicateIds: 'keep-first',
			onProgress: () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed))
		});
		loads.push(performance.now() - start);
		docs = corpus.docs.length;
		const f0 = performance.now();
		await corpusFingerprint(corpus.docs);
		fingerprintMs = performance.now() - f0;
	}
	const ms = median(loads);
	return { docs, corpusBytes: size, runs: times, medianLoadMs: round(ms), mbPerSecond: round(size / 1e6 / (ms / 1000)), peakHeapMb: round(peakHeap / 1e6), fingerprintMs: round(fingerprintMs) };
}

const results: Record<string, unknown> = { machine: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`, node: process.version, date: new Date().toISOString() };
const scifact = collectionDir('scifact');
if (scifact) results.scifact = await measure(scifact, runs);
else results.scifact = 'skipped: scifact not found (set LATELAB_DATA)';
const dir = await mkdtemp(join(tmpdir(), 'latelab-bench-'));
try {
	const file = join(dir, 'big.jsonl');
	await writeBigCorpus(file, megabytes * 1e6);
	results.generated = await measure(file, 1);
} finally {
	await rm(dir, { recursive: true, force: true });
}
if (json) console.log(JSON.stringify(results, null, 2));
else for (const [key, value] of Object.entries(results)) console.log(`${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
