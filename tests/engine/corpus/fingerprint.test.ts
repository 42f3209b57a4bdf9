import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { corpusFingerprint } from '../../../src/lib/engine/corpus/index';
import type { Doc } from '../../../src/lib/engine/types';

/** The documented scheme (v1), re-implemented with Node's incremental hash to check the WebCrypto one. */
function reference(docs: Doc[]): string {
	const segments: Buffer[] = [];
	let parts: Buffer[] = [];
	let size = 0;
	const flush = () => {
		segments.push(createHash('sha256').update(Buffer.concat(parts)).digest());
		parts = [];
		size = 0;
	};
	for (const doc of docs) {
		for (const field of [doc.id, doc.title, doc.text]) {
			const bytes = Buffer.from(field, 'utf8');
			const length = Buffer.alloc(4);
			length.writeUInt32LE(bytes.length);
			parts.push(length, bytes);
			size += 4 + bytes.length;
		}
		if (size >= 1 << 20) flush();
	}
	if (size > 0 || segments.length === 0) flush();
	return createHash('sha256').update(Buffer.concat(segments)).digest('hex');
}

const docs: Doc[] = [
	{ id: 'd1', title: 'Heart attack', text: 'Chest pain.' },
	{ id: 'd2', title: '', text: 'Myocardial infarction — indicators.' }
];

describe('corpusFingerprint', () => {
	it('corpusFingerprint(docs) is 64 hex characters and follows the documented scheme', async () => {
		const hash = await corpusFingerprint(docs);
		expect(hash).toMatch(/^[0-9a-f]{64}$/);
		expect(hash).toBe(reference(docs));
	});

	it('corpusFingerprint(docs) matches the scheme across several 1 MiB segments', async () => {
		const big = Array.from({ length: 700 }, (_, i) => ({ id: `d${i}`, title: `t${i}`, text: 'é'.repeat(2000) + i }));
		expect(await corpusFingerprint(big)).toBe(reference(big));
	});

	it('corpusFingerprint(docs) changes with any field, the order, and field boundaries', async () => {
		const base = await corpusFingerprint(docs);
		const variants: Doc[][] = [
			[{ ...docs[0], text: 'Chest pain!' }, docs[1]],
			[{ ...docs[0], title: 'Heart attacks' }, docs[1]],
			[{ ...docs[0], id: 'D1' }, docs[1]],
			[docs[1], docs[0]],
			[{ id: 'd1', title: 'Heart attackChest', text: ' pain.' }, docs[1]],
			[docs[0]]
		];
		const hashes = await Promise.all(variants.map((v) => corpusFingerprint(v)));
		for (const hash of hashes) expect(hash).not.toBe(base);
		expect(new Set(hashes).size).toBe(variants.length);
	});

	it('corpusFingerprint([]) is the hash of the empty segment digest', async () => {
		expect(await corpusFingerprint([])).toBe(reference([]));
	});
});
