import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FetchProgress, fetchBeirDataset, loadCorpusFromPath } from '../../../src/lib/engine/corpus/node-files';
import { expectError } from './expect-error';

const MINI = resolve(import.meta.dirname, 'fixtures', 'mini-beir');
const mini = (path: string) => readFileSync(join(MINI, path));

/** A BEIR-style zip: everything under `<name>/`, as the published zips are. */
function beirZip(name: string, corpus: Uint8Array = mini('corpus.jsonl')): Uint8Array {
	return zipSync({
		[`${name}/corpus.jsonl`]: corpus,
		[`${name}/queries.jsonl`]: mini('queries.jsonl'),
		[`${name}/qrels/test.tsv`]: mini('qrels/test.tsv')
	});
}

type Handler = (url: string, res: import('node:http').ServerResponse) => void;
let server: Server;
let baseUrl: string;
let handler: Handler;
let dir: string;

beforeAll(async () => {
	server = createServer((req, res) => handler(req.url ?? '', res));
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/datasets`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((done) => server.close(done));
});
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'latelab-fetch-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

const serveZips = (zips: Record<string, Uint8Array>): Handler => (url, res) => {
	const name = url.replace(/^\/datasets\//, '');
	const body = zips[name];
	if (!body) {
		res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
		return;
	}
	res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
	res.end(body);
};

describe('fetchBeirDataset', () => {
	it('fetchBeirDataset(name, dir) downloads, unzips into dir/name, validates and reports progress', async () => {
		const zip = beirZip('tiny');
		handler = serveZips({ 'tiny.zip': zip });
		const seen: FetchProgress[] = [];
		const result = await fetchBeirDataset('tiny', dir, { baseUrl, onProgress: (p) => seen.push(p) });
		expect(result.dir).toBe(join(dir, 'tiny'));
		expect(result.bytes).toBe(zip.length);
		expect(result.collections).toEqual([
			{ dir: join(dir, 'tiny'), docs: 4, queries: 3, judgedQueries: 2, warnings: expect.any(Array) }
		]);
		expect(await readdir(dir)).toEqual(['tiny']);
		expect(readFileSync(join(dir, 'tiny', 'qrels', 'test.tsv'))).toEqual(mini('qrels/test.tsv'));
		expect((await loadCorpusFromPath(join(dir, 'tiny'))).docs).toHaveLength(4);
		const downloads = seen.filter((p) => p.phase === 'download');
		expect(downloads[downloads.length - 1]).toEqual({ phase: 'download', bytes: zip.length, totalBytes: zip.length });
		expect(seen.some((p) => p.phase === 'unzip')).toBe(true);
		expect(seen[seen.length - 1].phase).toBe('validate');
	});

	it('fetchBeirDataset(name, dir) throws NETWORK with the status on a 404 and leaves nothing behind', async () => {
		handler = serveZips({});
		const error = await expectError(fetchBeirDataset('nosuchset', dir, { baseUrl }), 'NETWORK');
		expect(error.message).toContain('HTTP 404');
		expect(error.message).toContain(`${baseUrl}/nosuchset.zip`);
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir) throws OFFLINE when the connection is refused', async () => {
		const closed = createServer();
		await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((done) => closed.close(done));
		const target = join(dir, 'made', 'by', 'fetch');
		const error = await expectError(fetchBeirDataset('scifact', target, { baseUrl: `http://127.0.0.1:${port}` }), 'OFFLINE');
		expect(error.message).toContain('ECONNREFUSED');
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir, { timeoutMs }) throws OFFLINE when the server never answers', async () => {
		handler = () => {};
		const error = await expectError(fetchBeirDataset('tiny', dir, { baseUrl, timeoutMs: 300 }), 'OFFLINE');
		expect(error.message).toContain('no data for 0.3 s');
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir) throws NETWORK when the transfer stops early', async () => {
		const zip = beirZip('tiny');
		handler = (_url, res) => {
			res.writeHead(200, { 'content-length': zip.length });
			res.write(zip.subarray(0, 100));
			setTimeout(() => res.destroy(), 20);
		};
		await expectError(fetchBeirDataset('tiny', dir, { baseUrl }), 'NETWORK');
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir) throws NETWORK for a body that is not a zip', async () => {
		handler = serveZips({ 'tiny.zip': strToU8('<html>captive portal</html>') });
		const error = await expectError(fetchBeirDataset('tiny', dir, { baseUrl }), 'NETWORK');
		expect(error.message).toContain('not a readable zip');
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir) throws NETWORK for a zip cut inside a file even when the server sent no length', async () => {
		const zip = beirZip('tiny', strToU8(JSON.stringify({ _id: 'a', text: 'word '.repeat(20_000) }) + '\n'));
		handler = (_url, res) => {
			res.writeHead(200, { 'content-type': 'application/zip' });
			res.end(zip.subarray(0, Math.floor(zip.length / 3)));
		};
		const error = await expectError(fetchBeirDataset('tiny', dir, { baseUrl }), 'NETWORK');
		expect(error.message).toContain('not a readable zip');
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir) refuses zip entries that escape the folder', async () => {
		handler = serveZips({ 'evil.zip': zipSync({ 'evil/corpus.jsonl': mini('corpus.jsonl'), '../escaped.txt': strToU8('x') }) });
		const error = await expectError(fetchBeirDataset('evil', dir, { baseUrl }), 'NETWORK');
		expect(error.message).toContain('outside the target folder');
		expect(existsSync(join(dir, '..', 'escaped.txt'))).toBe(false);
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir) reports a corpus that does not load and installs nothing', async () => {
		handler = serveZips({ 'broken.zip': beirZip('broken', strToU8('{"_id": "a", "text": "x"}\n{oops}\n')) });
		await expectError(fetchBeirDataset('broken', dir, { baseUrl }), 'MALFORMED_JSON', { line: 2 });
		expect(await readdir(dir)).toEqual([]);
	});

	it('fetchBeirDataset(name, dir) refuses an existing target unless overwrite is set, and rejects unsafe names', async () => {
		handler = serveZips({ 'tiny.zip': beirZip('tiny') });
		await writeFile(join(dir, 'tiny'), 'in the way');
		await expectError(fetchBeirDataset('tiny', dir, { baseUrl }), 'BAD_ARGUMENT');
		await fetchBeirDataset('tiny', dir, { baseUrl, overwrite: true });
		expect(existsSync(join(dir, 'tiny', 'corpus.jsonl'))).toBe(true);
		await expectError(fetchBeirDataset('../up', dir, { baseUrl }), 'BAD_ARGUMENT');
	});
});
