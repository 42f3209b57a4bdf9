/**
 * Encoder plumbing on the generated tiny models (hidden 32, 2 layers), so the numbers measure
 * latelab's own overhead (tokenising, padding, pooling, projection) and the effect of length-sorted
 * batching, not a real model's compute: load time from a local folder, bi-encoder documents/s with
 * length-sorted batches vs consecutive batches of mixed lengths, ColBERT query latency and
 * documents/s, cross-encoder pairs/s.
 *
 *   npx tsx bench/encoders.bench.ts [--json] [--docs 512]
 */
import { loadBiEncoder } from '../src/lib/engine/encoders/bi-encoder';
import { loadColbertEncoder } from '../src/lib/engine/encoders/colbert';
import { loadCrossEncoder } from '../src/lib/engine/encoders/cross-encoder';
import { benchArgs, round } from './bench-support';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures, seededWords } from './encoders-support';

const { json, flag } = benchArgs();
const nDocs = flag('--docs', 512);

await generateFixtures();
const docs = seededWords(nDocs, 10, 250);
async function timed<T>(f: () => Promise<T>): Promise<[T, number, number]> {
	const cpu = process.cpuUsage();
	const start = performance.now();
	const value = await f();
	const used = process.cpuUsage(cpu);
	return [value, performance.now() - start, (used.user + used.system) / 1000];
}
const local = (id: string) => ({ id: '', localDir: fixtureModelDir(id) });

const [bi, biLoadMs] = await timed(() => loadBiEncoder(local(FIXTURE_MODELS.biEncoder)));
await bi.encode(docs.slice(0, 16), 'document');
const [, sortedMs, sortedCpu] = await timed(() => bi.encode(docs, 'document', { batchSize: 16 }));
// Consecutive batches of mixed lengths: one call per batch, so nothing is reordered.
const [, consecutiveMs, consecutiveCpu] = await timed(async () => {
	for (let i = 0; i < docs.length; i += 16) await bi.encode(docs.slice(i, i + 16), 'document', { batchSize: 16 });
});
await bi.dispose();

const [colbert, colbertLoadMs] = await timed(() => loadColbertEncoder(local(FIXTURE_MODELS.colbertPylate)));
await colbert.encodeQuery('warm up');
const queryMs: number[] = [];
for (let i = 0; i < 50; i++) queryMs.push((await timed(() => colbert.encodeQuery(docs[i].split(' ').slice(0, 12).join(' '))))[1]);
const [, colbertDocsMs] = await timed(() => colbert.encodeDocuments(docs, { batchSize: 32 }));
await colbert.dispose();

const [cross, crossLoadMs] = await timed(() => loadCrossEncoder(local(FIXTURE_MODELS.crossEncoder)));
const [, crossMs] = await timed(() => cross.score('red planet', docs.slice(0, 200)));
await cross.dispose();

const result = {
	docs: nDocs,
	loadMs: { biEncoder: round(biLoadMs), colbert: round(colbertLoadMs), crossEncoder: round(crossLoadMs) },
	biEncoder: {
		sortedDocsPerSec: round((nDocs / sortedMs) * 1000),
		consecutiveDocsPerSec: round((nDocs / consecutiveMs) * 1000),
		sortedCpuMs: round(sortedCpu),
		consecutiveCpuMs: round(consecutiveCpu)
	},
	colbert: { queryMedianMs: round([...queryMs].sort((a, b) => a - b)[25], 2), docsPerSec: round((nDocs / colbertDocsMs) * 1000) },
	crossEncoder: { pairsPerSec: round((200 / crossMs) * 1000) }
};
console.log(json ? JSON.stringify(result) : result);
