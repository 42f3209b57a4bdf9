/**
 * The OPFS store of fp32 document vectors on an in-memory stand-in for the OPFS root (Node has no
 * OPFS; tests/browser/app/vectors-idb.spec.ts runs the real one in Chromium): writes at offsets, reads
 * runs of adjacent documents with one positioned read each, deletes its file, and stale files of
 * earlier sessions go unless a lock holds them.
 */
import { describe, expect, it } from 'vitest';
import { deleteStaleVectorFiles, FP32_FILE_PREFIX, OpfsVectorsStore, VECTORS_FILE_PREFIX } from '../../../src/lib/engine/corpus/multivector-opfs';
import type { TokenMatrix } from '../../../src/lib/engine/types';
import { FakeDirectory } from './fake-opfs';

/** Document i: i + 1 rows of dim 3 holding i*100 + position. */
const doc = (i: number): TokenMatrix => ({ data: Float32Array.from({ length: (i + 1) * 3 }, (_, k) => i * 100 + k), rows: i + 1, dim: 3 });

describe('OpfsVectorsStore', () => {
	it('get(rows) gives the documents in the asked order with one read per run of adjacent rows', async () => {
		const dir = new FakeDirectory();
		const store = await OpfsVectorsStore.open(dir);
		await store.putBatch(0, [0, 1, 2, 3].map(doc));
		await store.putBatch(4, [4, 5, 6, 7, 8, 9].map(doc));
		expect(store.size).toBe(10);
		expect(store.bytes).toBe(4 * 3 * 55);
		expect(store.label).toMatch(/^OPFS latelab-vectors-[a-z0-9-]+\.f32$/);
		expect(dir.files.get(store.name)!.bytes.byteLength).toBe(store.bytes);
		const rows = [7, 2, 3, 9, 1, 8, 3];
		const got = await store.get(rows);
		expect(got.map((m) => m.rows)).toEqual(rows.map((r) => r + 1));
		got.forEach((m, i) => expect(Array.from(m.data)).toEqual(Array.from(doc(rows[i]).data)));
		// Distinct sorted rows 1 2 3 | 7 8 9: two runs.
		expect(store.readCalls).toBe(2);
		expect(store.reads).toBe(rows.length);
		expect(await store.get([])).toEqual([]);
	});

	it('readInto(rows, allocate) reads into the bytes it is given (distinct rows ascending, back to back); too few bytes is BAD_ARGUMENT', async () => {
		const store = await OpfsVectorsStore.open(new FakeDirectory());
		await store.putBatch(0, [0, 1, 2, 3, 4].map(doc));
		const arena = new Uint8Array(1024);
		const asked: [number, number][] = [];
		const rows = [3, 0, 3, 1];
		const got = store.readInto(rows, (bytes, documents) => {
			asked.push([bytes, documents]);
			return arena.subarray(64, 64 + bytes);
		});
		// Distinct rows 0, 1, 3: (1 + 2 + 4) x 3 values.
		expect(asked).toEqual([[4 * 3 * 7, 3]]);
		got.forEach((m, i) => {
			expect(m.data.buffer).toBe(arena.buffer);
			expect(Array.from(m.data)).toEqual(Array.from(doc(rows[i]).data));
		});
		expect(got[0].data.byteOffset).toBe(64 + 4 * 3 * 3);
		// A repeated row is one copy.
		expect(got[2].data.byteOffset).toBe(got[0].data.byteOffset);
		expect(() => store.readInto([4], () => new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		expect(() => store.readInto([5], (b) => new Uint8Array(b))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
		await store.dispose();
	});

	it('range(first, count) reads the documents in row order with one read, fewer at the end', async () => {
		const store = await OpfsVectorsStore.open(new FakeDirectory());
		await store.putBatch(0, [0, 1, 2, 3, 4].map(doc));
		const got = await store.range(3, 10);
		expect(got.map((m) => Array.from(m.data))).toEqual([3, 4].map((i) => Array.from(doc(i).data)));
		expect(store.readCalls).toBe(1);
		expect(await store.range(5, 2)).toEqual([]);
	});

	it('putBatch(first, docs) out of order, a dim that differs or an unknown row is BAD_ARGUMENT', async () => {
		const store = await OpfsVectorsStore.open(new FakeDirectory());
		await store.putBatch(0, [doc(0)]);
		await expect(store.putBatch(2, [doc(2)])).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/expected 1/) });
		await expect(store.putBatch(1, [{ data: new Float32Array(4), rows: 1, dim: 4 }])).rejects.toThrow(/dim 4, the others 3/);
		await expect(store.get([1])).rejects.toThrow(/no document 1/);
	});

	it('dispose() closes the handle and deletes the file; later calls reject', async () => {
		const dir = new FakeDirectory();
		const store = await OpfsVectorsStore.open(dir, FP32_FILE_PREFIX);
		expect(store.name.startsWith(FP32_FILE_PREFIX)).toBe(true);
		await store.putBatch(0, [doc(0)]);
		await store.dispose();
		expect([...dir.files.keys()]).toEqual([]);
		await expect(store.get([0])).rejects.toThrow(/disposed/);
		await store.dispose();
	});

	it('deleteStaleVectorFiles(keep, dir) removes unlocked vectors files of other sessions, keeps open and other files', async () => {
		const dir = new FakeDirectory();
		const mine = await OpfsVectorsStore.open(dir);
		const panel = await OpfsVectorsStore.open(dir, FP32_FILE_PREFIX);
		await dir.getFileHandle(`${VECTORS_FILE_PREFIX}old.f32`, { create: true });
		await dir.getFileHandle(`${FP32_FILE_PREFIX}old.f32`, { create: true });
		await dir.getFileHandle('notes.txt', { create: true });
		// Another tab's live file: locked by its access handle, not in this realm's list.
		const other = `${VECTORS_FILE_PREFIX}other-tab.f32`;
		await (await dir.getFileHandle(other, { create: true })).createSyncAccessHandle();
		expect((await deleteStaleVectorFiles(mine.name, dir)).sort()).toEqual([`${FP32_FILE_PREFIX}old.f32`, `${VECTORS_FILE_PREFIX}old.f32`]);
		expect([...dir.files.keys()].sort()).toEqual([mine.name, panel.name, other, 'notes.txt'].sort());
	});
});
