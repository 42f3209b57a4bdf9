/**
 * Lucene's lossy document length: Lucene stores each document's length in one byte
 * (`SmallFloat.intToByte4`) and BM25 reads it back (`byte4ToInt`), so lengths from 24 up keep only
 * 4 significant bits (24 + 1.x * 2^e). Reproducing it makes our scores match Anserini/Pyserini's
 * to about 4 decimals of nDCG (SciFact 0.6789 vs 0.6777 with exact lengths).
 *
 * Follows `org.apache.lucene.util.SmallFloat` (intToByte4 / longToInt4 / int4ToLong), re-derived.
 * @example luceneLength(23) // 23 (exact below 24)
 * @example luceneLength(100) // 96: 100 - 24 = 76 = 0b1001100 keeps its top 4 bits, 0b1001000 = 72
 */
export function luceneLength(length: number): number {
	const FREE = 24;
	if (length < FREE) return length;
	const rest = length - FREE;
	const bits = 32 - Math.clz32(rest);
	if (bits < 4) return FREE + rest;
	const shift = bits - 4;
	// The top bit is implicit in the byte; keeping 4 bits and zeroing the rest is the round trip.
	return FREE + (rest >>> shift) * 2 ** shift;
}
