/**
 * The read plan of a file-backed store's `readInto`: the distinct rows in ascending order, back to back in
 * the bytes `allocate` gives, each run of rows adjacent in the file read with one call (a rescoring pass
 * reads ~100 documents: per-call costs, not bytes, dominate when each has its own read).
 */
import { createError } from '../errors';
import type { ReadAllocator } from '../types';

export interface RowFile {
	/** Names the store in errors. */
	label: string;
	/** Rows in the file. */
	size: number;
	/** Byte offset of row `r` in the file; row `r + 1` starts where row `r` ends. */
	start(r: number): number;
	/** Byte length of row `r`. */
	length(r: number): number;
	/** Reads `into.byteLength` bytes at file offset `from` into `into`, or throws. */
	read(into: Uint8Array, from: number): void;
}

/**
 * Reads `rows` of `file` into `allocate(bytes, documents)`'s bytes; returns them and each distinct row's
 * offset in them. An unknown row, or fewer bytes than asked for, is `BAD_ARGUMENT`.
 * @example const { into, place } = readRowsInto(file, [3, 0, 3], (n) => new Uint8Array(n)); // rows 0 and 3, row 3 once
 */
export function readRowsInto(file: RowFile, rows: readonly number[], allocate: ReadAllocator): { into: Uint8Array; place: Map<number, number> } {
	const sorted = [...new Set(rows)].sort((a, b) => a - b);
	const place = new Map<number, number>();
	let total = 0;
	for (const r of sorted) {
		if (!Number.isInteger(r) || r < 0 || r >= file.size) throw createError('BAD_ARGUMENT', { detail: `${file.label}: no document ${r}` });
		place.set(r, total);
		total += file.length(r);
	}
	const into = allocate(total, sorted.length);
	if (into.byteLength < total) throw createError('BAD_ARGUMENT', { detail: `${file.label}: ${into.byteLength} bytes given to read ${total}` });
	for (let i = 0; i < sorted.length; ) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		const at = place.get(sorted[i])!;
		const from = file.start(sorted[i]);
		file.read(into.subarray(at, at + file.start(sorted[j]) + file.length(sorted[j]) - from), from);
		i = j + 1;
	}
	return { into, place };
}
