/**
 * What checking a model download costs (issue 14): a loopback server sends a file of `--mb` MB (random
 * bytes) with Content-Length, X-Linked-Size and X-Linked-ETag (its sha256), as the Hub does for LFS
 * weights; the file is read whole with plain `fetch` and with `verifiedFetch` (byte count + streaming
 * sha256), alternating, and the medians over `--runs` are compared in the same run.
 *
 *   npx tsx bench/downloads.bench.ts [--json] [--runs 7] [--mb 128]
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { verifiedFetch } from '../src/lib/engine/encoders/verified-fetch';
import { benchArgs, median, round } from './bench-support';

const { json, flag } = benchArgs();
const runs = flag('--runs', 7);
const mb = flag('--mb', 128);

const body = randomBytes(mb * 1_000_000);
const sha = createHash('sha256').update(body).digest('hex');
const server = createServer((_req, res) => {
	res.writeHead(200, { Connection: 'close', 'Content-Length': body.length, 'X-Linked-Size': String(body.length), 'X-Linked-ETag': `"${sha}"` });
	res.end(body);
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.onnx`;

async function timed(get: (u: string) => Promise<Response>): Promise<number> {
	const t0 = performance.now();
	const bytes = await (await get(url)).arrayBuffer();
	if (bytes.byteLength !== body.length) throw new Error(`short read: ${bytes.byteLength}`);
	return performance.now() - t0;
}

await timed(fetch);
await timed(verifiedFetch);
const plain: number[] = [];
const verified: number[] = [];
for (let r = 0; r < runs; r++) {
	plain.push(await timed(fetch));
	verified.push(await timed(verifiedFetch));
}
server.close();

const result = {
	machine: `${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}`,
	mb,
	runs,
	plainMs: round(median(plain)),
	verifiedMs: round(median(verified)),
	ratio: round(median(verified) / median(plain), 2),
	verifiedMBps: round(mb / (median(verified) / 1000))
};
if (json) console.log(JSON.stringify(result));
else {
	console.log(`download check, ${mb} MB over loopback, medians of ${runs} (${result.machine})`);
	console.log(`  fetch + arrayBuffer          ${result.plainMs} ms`);
	console.log(`  verifiedFetch + arrayBuffer  ${result.verifiedMs} ms  (x${result.ratio}, ${result.verifiedMBps} MB/s)`);
}
