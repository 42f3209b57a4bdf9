import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, generateFixtures } from '../../fixtures/generate';
import { startMockHub } from '../../fixtures/mock-hub';

describe('test fixtures', () => {
	it('generateFixtures(dir) is deterministic and does not rewrite an up-to-date set', async () => {
		const a = mkdtempSync(join(tmpdir(), 'latelab-gen-'));
		const b = mkdtempSync(join(tmpdir(), 'latelab-gen-'));
		const first = await generateFixtures(a);
		const other = await generateFixtures(b);
		expect(other.fingerprint).toBe(first.fingerprint);
		const onnx = join(FIXTURE_MODELS.colbertPylate, 'onnx/model.onnx');
		expect(readFileSync(join(a, onnx)).equals(readFileSync(join(b, onnx)))).toBe(true);
		const before = statSync(join(a, onnx)).mtimeMs;
		await new Promise((r) => setTimeout(r, 20));
		await generateFixtures(a);
		expect(statSync(join(a, onnx)).mtimeMs).toBe(before);
		rmSync(a, { recursive: true, force: true });
		rmSync(b, { recursive: true, force: true });
	});

	it('startMockHub serves resolve URLs with CORS/CORP headers, Range requests and 404s', async () => {
		const { dir } = await generateFixtures();
		const hub = await startMockHub({ root: dir });
		try {
			const url = `${hub.url}${FIXTURE_MODELS.biEncoder}/resolve/main/config.json`;
			const full = await fetch(url);
			expect(full.status).toBe(200);
			expect(full.headers.get('access-control-allow-origin')).toBe('*');
			expect(full.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
			const body = await full.text();
			expect(Number(full.headers.get('content-length'))).toBe(body.length);
			const part = await fetch(url, { headers: { Range: 'bytes=0-0' } });
			expect(part.status).toBe(206);
			expect(part.headers.get('content-range')).toBe(`bytes 0-0/${body.length}`);
			expect((await fetch(`${hub.url}${FIXTURE_MODELS.biEncoder}/resolve/main/nope.json`)).status).toBe(404);
			expect((await fetch(`${hub.url}${FIXTURE_MODELS.biEncoder}/resolve/main/..%2F..%2Fmanifest.json`)).status).toBe(404);
			expect(hub.requests[0]).toBe(`GET /${FIXTURE_MODELS.biEncoder}/resolve/main/config.json 200`);
		} finally {
			await hub.close();
		}
	});
});
