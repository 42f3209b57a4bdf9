import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkBody, expectedIntegrity, gitBlobSha1, normaliseEtag, sha256Hex } from '../../../src/lib/engine/encoders/file-integrity';

const hello = new TextEncoder().encode('hello\n');

describe('file integrity', () => {
	it("gitBlobSha1('hello\\n') is git's blob id (git hash-object)", async () => {
		expect(await gitBlobSha1(hello)).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
	});

	it('sha256Hex(bytes) matches node:crypto', async () => {
		expect(await sha256Hex(hello)).toBe(createHash('sha256').update(hello).digest('hex'));
	});

	it('normaliseEtag strips W/ and quotes and lower-cases', () => {
		expect(normaliseEtag('W/"ABC"')).toBe('abc');
		expect(normaliseEtag(null)).toBeNull();
	});

	it('expectedIntegrity reads Content-Length, X-Linked-Size/ETag (sha256) and a 40-hex ETag as a git blob sha1', () => {
		const sha = 'a'.repeat(64);
		const lfs = expectedIntegrity(new Headers({ 'content-length': '10', 'x-linked-size': '10', 'x-linked-etag': `"${sha}"` }), false);
		expect(lfs.sizes).toEqual([{ bytes: 10, header: 'Content-Length' }, { bytes: 10, header: 'X-Linked-Size' }]);
		expect(lfs.sha256?.hex).toBe(sha);
		const json = expectedIntegrity(new Headers({ etag: '"ce013625030ba8dba906f756967f9e9ca394464a"' }), false);
		expect(json.gitSha1?.hex).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
		expect(json.sizes).toEqual([]);
	});

	it('expectedIntegrity ignores a CDN ETag after a redirect, hashes on 206 answers and Content-Length under a content coding', () => {
		const linked = new Headers({ 'x-linked-size': '5', 'x-linked-etag': `"${'b'.repeat(64)}"` });
		const afterRedirect = expectedIntegrity(new Headers({ etag: '"0123456789abcdef0123456789abcdef01234567"' }), false, linked);
		expect(afterRedirect.gitSha1).toBeUndefined();
		expect(afterRedirect.sha256?.header).toBe('X-Linked-ETag (sha256)');
		const partial = expectedIntegrity(new Headers({ 'content-length': '8', 'x-linked-size': '100', etag: `"${'c'.repeat(64)}"` }), true);
		expect(partial).toEqual({ sizes: [{ bytes: 8, header: 'Content-Length' }] });
		expect(expectedIntegrity(new Headers({ 'content-length': '3', 'content-encoding': 'gzip' }), false).sizes).toEqual([]);
	});

	it('checkBody(url, want).finish() passes the promised body and names the header on a short or altered one', async () => {
		const want = expectedIntegrity(new Headers({ 'content-length': '6', etag: '"ce013625030ba8dba906f756967f9e9ca394464a"' }), false);
		const ok = checkBody('http://x/f', want);
		ok.update(hello.subarray(0, 3));
		ok.update(hello.subarray(3));
		await expect(ok.finish()).resolves.toBeUndefined();
		const short = checkBody('http://x/f', want);
		short.update(hello.subarray(0, 4));
		await expect(short.finish()).rejects.toMatchObject({ code: 'NETWORK', message: expect.stringContaining('received 4 bytes, Content-Length says 6') });
		const altered = checkBody('http://x/f', want);
		altered.update(new TextEncoder().encode('hellO\n'));
		await expect(altered.finish()).rejects.toThrow(/git blob sha1 of the 6 bytes received is [0-9a-f]{40}, ETag \(git blob sha1\) says ce0136/);
	});

	it('checkBody checks a git blob sha1 without any promised size (chunked JSON)', async () => {
		const want = expectedIntegrity(new Headers({ etag: '"ce013625030ba8dba906f756967f9e9ca394464a"' }), false);
		const cut = checkBody('http://x/f', want);
		cut.update(hello.subarray(0, 2));
		await expect(cut.finish()).rejects.toThrow(/git blob sha1 of the 2 bytes/);
	});
});
