import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../../src/lib/engine/encoders/safetensors';
import { isMultiVectorCorpus, loadMultiVectorFolder, queryKeyFor } from '../../../src/lib/engine/corpus/multivector-folder';
import { isMultiVectorFolder, loadMultiVectorFolderFromDisk, writeMultiVectorFolder } from '../../../src/lib/engine/corpus/node-multivector-folder';
import { writeMultiVectorTensors } from '../../../src/lib/engine/corpus/multivector-tensors';

const root = mkdtempSync(join(tmpdir(), 'latelab-mvf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dir: string;
let n = 0;

const vec = (...rows: number[][]) => ({ data: Float32Array.from(rows.flat()), rows: rows.length });

async function writeSample(target: string, kind: 'text' | 'image' = 'text') {
	await writeMultiVectorFolder(target, {
		manifest: { dim: 2, kind, model: 'test' },
		documents: [
			{ record: { id: 'd1', title: 'One', text: 'alpha', ...(kind === 'image' ? { grid: [1, 2] as [number, number], image: 'd1.png' } : {}) }, vectors: vec([1, 0], [0, 1]) },
			{ record: { id: 'd2', title: '', text: 'beta', tokens: ['b'], ...(kind === 'image' ? { grid: [1, 1] as [number, number] } : {}) }, vectors: vec([0.6, 0.8]) }
		],
		queries: [
			{ record: { id: 'q1', title: '', text: 'first' }, vectors: vec([1, 0]) },
			{ record: { id: 'q2', title: '', text: '' }, vectors: vec([0, 1], [0.6, 0.8]) }
		],
		qrels: { test: new Map([['q1', new Map([['d1', 2]])], ['q2', new Map([['d2', 1]])]]) }
	});
}

beforeEach(async () => {
	dir = join(root, `f${n++}`);
	await writeSample(dir);
});

const load = () => loadMultiVectorFolderFromDisk(dir);
const rejects = async (code: string, pattern: RegExp) => {
	const error = await load().then(() => undefined, (e: unknown) => e);
	expect(error).toMatchObject({ code });
	expect((error as Error).message).toMatch(pattern);
};
const edit = (name: string, f: (text: string) => string) => writeFileSync(join(dir, name), f(readFileSync(join(dir, name), 'utf8')));

describe('loadMultiVectorFolderFromDisk', () => {
	it('loadMultiVectorFolderFromDisk(dir) gives the manifest, a corpus with queries and qrels, and each item\'s vectors', async () => {
		expect(await isMultiVectorFolder(dir)).toBe(true);
		expect(await isMultiVectorFolder(root)).toBe(false);
		const c = await load();
		expect(c.manifest).toMatchObject({ format: 'latelab-multivector', version: 1, dim: 2, dtype: 'float32', kind: 'text', model: 'test' });
		expect(c.corpus.docs).toEqual([{ id: 'd1', title: 'One', text: 'alpha' }, { id: 'd2', title: '', text: 'beta' }]);
		expect(c.corpus.queries.map((q) => q.id)).toEqual(['q1', 'q2']);
		expect(c.corpus.qrels.get('q1')?.get('d1')).toBe(2);
		expect(isMultiVectorCorpus(c.corpus)).toBe(true);
		expect(c.corpus.multivector).toBe(c);
		expect(Array.from(c.docVectors(0).data)).toEqual([1, 0, 0, 1]);
		expect(c.docVectors(1)).toMatchObject({ rows: 1, dim: 2 });
		expect(c.tokenCount(0)).toBe(2);
		expect(c.totalVectors).toBe(3);
		expect(c.documents[1].tokens).toEqual(['b']);
		expect(c.queryVectors('q2')?.rows).toBe(2);
		expect(c.queryVectors('nope')).toBeUndefined();
		// q2 has no text: pipelines are asked by id; q1 by its text.
		expect(queryKeyFor(c.corpus, c.corpus.queries[0])).toBe('first');
		expect(queryKeyFor(c.corpus, c.corpus.queries[1])).toBe('q2');
	});

	it('loadMultiVectorFolder(read) reads float16 vectors through any byte source', async () => {
		const half = new Uint16Array([0x3c00, 0x0000, 0x3800, 0xbc00]); // 1, 0, 0.5, -1
		const offsets = new BigInt64Array([0n, 2n]);
		const files = new Map<string, Uint8Array>([
			['manifest.json', new TextEncoder().encode(JSON.stringify({ format: 'latelab-multivector', version: 1, dim: 2, dtype: 'float16', kind: 'text', similarity: 'dot' }))],
			['documents.safetensors', encodeSafetensors([{ name: 'vectors', dtype: 'F16', shape: [2, 2], bytes: new Uint8Array(half.buffer) }, { name: 'offsets', dtype: 'I64', shape: [2], bytes: new Uint8Array(offsets.buffer) }])],
			['documents.jsonl', new TextEncoder().encode('{"_id": "x", "text": "t"}\n')]
		]);
		const c = await loadMultiVectorFolder(async (name) => files.get(name), 'zip');
		expect(Array.from(c.docVectors(0).data)).toEqual([1, 0, 0.5, -1]);
		expect(c.queries).toEqual([]);
	});

	it('loadMultiVectorFolderFromDisk(dir) of an image collection checks grid rows x cols against the vector count', async () => {
		const img = join(root, `img${n++}`);
		await writeSample(img, 'image');
		const c = await loadMultiVectorFolderFromDisk(img);
		expect(c.kind).toBe('image');
		expect(c.documents[0]).toMatchObject({ grid: [1, 2], image: 'd1.png' });
		dir = img;
		edit('documents.jsonl', (t) => t.replace('"grid":[1,2]', '"grid":[2,2]'));
		await rejects('BAD_ARGUMENT', /documents\.jsonl: "d1" grid 2x2 = 4 patches but it has 2 vectors/);
	});

	it('rejects a missing manifest, a wrong format or version and an unknown dtype, naming manifest.json', async () => {
		rmSync(join(dir, 'manifest.json'));
		await rejects('FILE_NOT_FOUND', /manifest\.json/);
		await writeSample(dir);
		edit('manifest.json', (t) => t.replace('latelab-multivector', 'other'));
		await rejects('BAD_FIELD', /manifest\.json: field "format"/);
		await writeSample(dir);
		edit('manifest.json', (t) => t.replace('"version": 1', '"version": 2'));
		await rejects('BAD_FIELD', /field "version"/);
		await writeSample(dir);
		edit('manifest.json', (t) => t.replace('"float32"', '"bfloat16"'));
		await rejects('UNKNOWN_OPTION', /dtype in manifest\.json "bfloat16"/);
	});

	it('rejects dims that disagree with the manifest (DIM_MISMATCH naming the file)', async () => {
		edit('manifest.json', (t) => t.replace('"dim": 2', '"dim": 3'));
		await rejects('DIM_MISMATCH', /documents\.safetensors.*dim 3/);
	});

	const writeTensors = (vectors: number[], rows: number, offsets: bigint[]) =>
		writeFileSync(
			join(dir, 'documents.safetensors'),
			encodeSafetensors([
				{ name: 'vectors', dtype: 'F32', shape: [rows, 2], bytes: new Uint8Array(Float32Array.from(vectors).buffer) },
				{ name: 'offsets', dtype: 'I64', shape: [offsets.length], bytes: new Uint8Array(BigInt64Array.from(offsets).buffer) }
			])
		);

	it('rejects offsets that do not increase or do not end at the row count', async () => {
		writeTensors([1, 0, 0, 1, 1, 0], 3, [0n, 2n, 2n]);
		await rejects('BAD_ARGUMENT', /documents\.safetensors: offsets must increase/);
		writeTensors([1, 0, 0, 1, 1, 0], 3, [0n, 1n, 2n]);
		await rejects('BAD_ARGUMENT', /offsets end at 2 but vectors has 3 rows/);
	});

	it('rejects NaN or Inf in the vectors, naming the row and item (NOT_FINITE)', async () => {
		writeTensors([1, 0, 0, NaN, 1, 0], 3, [0n, 2n, 3n]);
		await rejects('NOT_FINITE', /documents\.safetensors.*row 1 \(item 0\), column 1/);
	});

	it('rejects item counts that differ from the jsonl, and token lists of the wrong length', async () => {
		edit('documents.jsonl', (t) => t + '{"_id": "d3", "text": "gamma"}\n');
		await rejects('BAD_ARGUMENT', /documents\.safetensors: 2 item\(s\).*documents\.jsonl has 3 line\(s\)/);
		await writeSample(dir);
		edit('documents.jsonl', (t) => t.replace('"tokens":["b"]', '"tokens":["b","c"]'));
		await rejects('BAD_ARGUMENT', /"d2" lists 2 tokens but has 1 vectors/);
	});

	it('an empty or truncated documents.safetensors is "not a safetensors file", the file named once (not "malformed JSON")', async () => {
		writeFileSync(join(dir, 'documents.safetensors'), new Uint8Array(0));
		await rejects('BAD_ARGUMENT', /^documents\.safetensors: not a safetensors file: file is 0 bytes/);
		await expect(rejects('BAD_ARGUMENT', /documents\.safetensors.*documents\.safetensors/)).rejects.toThrow();
	});

	it('rejects a vectors tensor whose dtype differs from the manifest, and a missing offsets tensor', async () => {
		writeFileSync(join(dir, 'queries.safetensors'), encodeSafetensors([{ name: 'vectors', dtype: 'F32', shape: [1, 2], bytes: new Uint8Array(8) }]));
		await rejects('MISSING_FIELD', /offsets.*queries\.safetensors/);
		edit('manifest.json', (t) => t.replace('"float32"', '"float16"'));
		await rejects('BAD_ARGUMENT', /tensor "vectors" is F32 but manifest\.json says dtype float16/);
	});

	it('writeMultiVectorTensors(items, dim) writes what the reader reads back', async () => {
		const bytes = writeMultiVectorTensors([vec([1, 2]), vec([3, 4], [5, 6])], 2);
		const files = new Map([['manifest.json', readFileSync(join(dir, 'manifest.json'))], ['documents.safetensors', bytes], ['documents.jsonl', new TextEncoder().encode('{"_id":"a"}\n{"_id":"b"}\n')]]);
		const c = await loadMultiVectorFolder(async (name) => files.get(name), 'mem');
		expect(Array.from(c.docVectors(1).data)).toEqual([3, 4, 5, 6]);
	});
});
