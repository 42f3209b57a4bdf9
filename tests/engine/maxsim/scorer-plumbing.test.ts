import { describe, expect, it } from 'vitest';
import { KernelMemory } from '../../../src/lib/engine/maxsim/kernel-memory';
import { CallQueue, EntryTable, ENTRY_BYTES, SCRATCH_ALIGN, splitByWork, stageCall } from '../../../src/lib/engine/maxsim/scorer-plumbing';

describe('splitByWork', () => {
	it('splitByWork(4, () => 1, () => 2) gives two ranges of two entries', () => {
		expect(splitByWork(4, () => 1, () => 2)).toEqual([[0, 2], [2, 4]]);
	});

	it('splitByWork balances unequal work and covers every entry once', () => {
		const work = [10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
		const ranges = splitByWork(work.length, (i) => work[i], () => 2);
		expect(ranges).toEqual([[0, 1], [1, 11]]);
	});

	it('splitByWork passes the total work to partsOf and keeps one range when it says 1', () => {
		let seen = 0;
		expect(splitByWork(3, (i) => i + 1, (total) => ((seen = total), 1))).toEqual([[0, 3]]);
		expect(seen).toBe(6);
	});
});

describe('EntryTable', () => {
	it('copyTo copies a subset\'s entries in the subset\'s order, after growing past the first buffer', () => {
		const table = new EntryTable();
		table.grow(100);
		for (let i = 0; i < 100; i++) table.entry(i).set([i, 2 * i, 3 * i, 0]);
		const bytes = new Uint8Array(8 + 2 * ENTRY_BYTES);
		table.copyTo(bytes, 8, 2, [99, 70]);
		expect(Array.from(new Int32Array(bytes.buffer, 8, 8))).toEqual([99, 198, 297, 0, 70, 140, 210, 0]);
	});
});

describe('stageCall', () => {
	it('stageCall puts the table, the query and the scores in order, and each thread\'s scratch on cache lines of its own, apart from the scores', () => {
		const memory = new KernelMemory(false);
		const table = new EntryTable();
		table.grow(3);
		for (let i = 0; i < 3; i++) table.entry(i).set([i + 1, 0, 0, 0]);
		const packed = Int16Array.of(7, 8, 9);
		const layout = stageCall(memory, table, 4100, 3, undefined, packed, 2, 40);
		expect(layout.tableAt).toBe(4112);
		expect(layout.queryAt).toBe(4112 + 3 * ENTRY_BYTES);
		expect(Array.from(new Int16Array(memory.memory.buffer, layout.queryAt, 3))).toEqual([7, 8, 9]);
		expect(layout.outAt).toBe(layout.queryAt + 16);
		expect(layout.scratchAt % SCRATCH_ALIGN).toBe(0);
		// at least one whole line pair between the last score and the first scratch byte
		expect(layout.scratchAt - (layout.outAt + 3 * 4)).toBeGreaterThanOrEqual(SCRATCH_ALIGN);
		expect(layout.scratchStride).toBe(SCRATCH_ALIGN);
		expect(memory.memory.buffer.byteLength).toBeGreaterThanOrEqual(layout.scratchAt + 2 * layout.scratchStride);
	});
});

describe('CallQueue', () => {
	it('run executes calls one at a time in order, and close refuses later calls naming the scorer', async () => {
		const q = new CallQueue('test scorer');
		const order: string[] = [];
		const slow = q.run(async () => {
			await new Promise((r) => setTimeout(r, 10));
			order.push('slow');
		});
		const fast = q.run(async () => void order.push('fast'));
		await Promise.all([slow, fast]);
		expect(order).toEqual(['slow', 'fast']);
		let closed = false;
		await q.close(() => (closed = true));
		expect(closed).toBe(true);
		await expect(q.run(async () => 1)).rejects.toThrow('test scorer used after dispose()');
		expect(() => q.assertLive()).toThrow('test scorer used after dispose()');
	});
});
