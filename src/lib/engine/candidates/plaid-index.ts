/**
 * A PLAID index: every document vector stored ColBERTv2-style (centroid id + 1|2-bit residual codes,
 * `ResidualCodec`), each document's distinct centroids, and the inverted lists (centroid -> documents)
 * that turn probed centroids into candidates. `search` runs the four stages of `plaid.ts` and
 * reports how many documents reached each.
 */
import { NEAREST_WASM_MIN_WORK, prepareNearestWasm, type NearestWasm } from '../compress/nearest-centroids-wasm';
import type { ResidualCodec, ResidualMatrix } from '../compress/residual';
import { createError } from '../errors';
import { maxSim, type MaxSimScorer } from '../maxsim/maxsim';
import type { DocumentScorer } from '../maxsim/score-docs';
import { topKOf } from '../maxsim/top-k';
import type { ReadAllocator, TokenMatrix } from '../types';
import { bestOf, centroidInteraction, centroidScores, centroidsAboveThreshold, plaidDefaults, probedCentroids, type DocCentroids, type PlaidSettings } from './plaid';
import type { CandidateSearch } from './top';

/** A growable Int32Array. */
class IntList {
	data = new Int32Array(1024);
	length = 0;
	push(v: number): void {
		if (this.length === this.data.length) {
			const grown = new Int32Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		this.data[this.length++] = v;
	}
	view(): Int32Array {
		return this.data.subarray(0, this.length);
	}
}

export interface PlaidSearchOptions extends Partial<PlaidSettings> {
	/** Stage 4 with these exact vectors (same documents, same order) instead of decoded residuals. */
	exact?: Pick<MaxSimScorer, 'score'>;
	/** Stage 4's MaxSim of the decoded documents (the WASM kernel; default: the JS reference `maxSim`). */
	scorer?: DocumentScorer;
	/**
	 * Stage 1's query x centroid scores: `js` (`centroidScores`, f64 sums), `wasm` (the nearest-centroid
	 * kernel's `dots`, f32 sums), `auto` (default): WASM from 2^18 multiply-adds where it runs.
	 */
	probe?: 'auto' | 'js' | 'wasm';
}


/** Bytes of a PLAID index, by part. */
export interface PlaidBytes {
	/** Centroids (fp32), bucket cutoffs and weights. */
	table: number;
	/** Per vector: packed residual codes plus a 4-byte centroid id. */
	codes: number;
	/** Inverted lists (4 bytes per document entry) and their offsets. */
	ivf: number;
}

/**
 * @example
 * const index = new PlaidIndex(trainResidualCodec(docs, { bits: 2 }));
 * index.add(docs);
 * const r = await index.search(query, 10); // PLAID defaults for k = 10: nprobe 1, threshold 0.5, ndocs 256
 * r.stages.map((s) => s.documents) // e.g. [1830, 256, 64] (probe, pruned interaction, full interaction) then 64 decoded
 */
export class PlaidIndex {
	readonly codec: ResidualCodec;
	private batches: ResidualMatrix[] = [];
	/** Per document: batch, first row in it, rows. */
	private where = new IntList();
	private distinct = new IntList();
	private distinctOffsets = new IntList();
	private lists?: DocCentroids;
	private vectorCount = 0;
	/** The centroids packed for the WASM probe, on first use; null where WASM SIMD128 is missing. */
	private probeKernel?: NearestWasm | null;

	constructor(codec: ResidualCodec) {
		this.codec = codec;
		this.distinctOffsets.push(0);
	}

	get size(): number {
		return this.distinctOffsets.length - 1;
	}

	get vectors(): number {
		return this.vectorCount;
	}

	/** Encodes and appends documents (they get ids size, size + 1, ...); the caller may drop them. */
	add(docs: readonly TokenMatrix[]): void {
		const { dim } = this.codec;
		const rows = docs.reduce((s, m) => s + m.rows, 0);
		const joined = new Float32Array(rows * dim);
		let at = 0;
		for (const m of docs) {
			if (m.dim !== dim) throw createError('DIM_MISMATCH', { expected: dim, actual: m.dim, detail: ' (PLAID index)' });
			joined.set(m.data.subarray(0, m.rows * dim), at * dim);
			at += m.rows;
		}
		const encoded = this.codec.encode({ data: joined, rows, dim });
		const batch = this.batches.length;
		this.batches.push(encoded);
		const seen = new Set<number>();
		let first = 0;
		for (const m of docs) {
			this.where.push(batch);
			this.where.push(first);
			this.where.push(m.rows);
			seen.clear();
			for (let r = first; r < first + m.rows; r++) seen.add(encoded.centroidIds[r]);
			for (const c of [...seen].sort((a, b) => a - b)) this.distinct.push(c);
			this.distinctOffsets.push(this.distinct.length);
			first += m.rows;
		}
		this.vectorCount += rows;
		this.lists = undefined;
	}

	/** Document `doc`'s stored form. */
	residuals(doc: number): ResidualMatrix {
		const w = this.where.data;
		const b = this.batches[w[3 * doc]];
		const first = w[3 * doc + 1];
		const rows = w[3 * doc + 2];
		return {
			rows,
			dim: b.dim,
			bits: b.bits,
			centroidIds: b.centroidIds.subarray(first, first + rows),
			codes: b.codes.subarray(first * this.codec.codeBytes, (first + rows) * this.codec.codeBytes)
		};
	}

	/** Document `doc`'s decoded vectors (centroid + residual weights, renormalised). */
	decode(doc: number): TokenMatrix {
		return this.codec.decode(this.residuals(doc));
	}

	/** `docs` decoded back to back into `allocate`'s bytes (stage 4's scorer gives its kernel memory). */
	private decodeInto(docs: readonly number[], allocate: ReadAllocator): TokenMatrix[] {
		const residuals = docs.map((d) => this.residuals(d));
		const values = residuals.reduce((sum, r) => sum + r.rows * r.dim, 0);
		const into = allocate(values * 4, docs.length);
		const all = new Float32Array(into.buffer, into.byteOffset, values);
		let at = 0;
		return residuals.map((r) => {
			const m = this.codec.decode(r, all.subarray(at, at + r.rows * r.dim));
			at += r.rows * r.dim;
			return m;
		});
	}

	/** Each document's distinct centroid ids. */
	docCentroids(): DocCentroids {
		return { codes: this.distinct.view(), offsets: this.distinctOffsets.view() };
	}

	/** The inverted lists: documents (ascending) having a token in centroid c at `codes[offsets[c] .. offsets[c + 1]]`. */
	invertedLists(): DocCentroids {
		if (this.lists) return this.lists;
		const k = this.codec.centroids.rows;
		const { codes, offsets } = this.docCentroids();
		const listOffsets = new Int32Array(k + 1);
		for (const c of codes) listOffsets[c + 1]++;
		for (let c = 0; c < k; c++) listOffsets[c + 1] += listOffsets[c];
		const fill = listOffsets.slice(0, k);
		const docs = new Int32Array(codes.length);
		for (let d = 0; d < this.size; d++) for (let p = offsets[d]; p < offsets[d + 1]; p++) docs[fill[codes[p]]++] = d;
		this.lists = { codes: docs, offsets: listOffsets };
		return this.lists;
	}

	/** Stage 1's scores (`centroidScores`' layout), on the WASM kernel when `probe` allows it. */
	private centroidScores(query: TokenMatrix, probe: 'auto' | 'js' | 'wasm'): Float32Array {
		const centroids = this.codec.centroids;
		if (query.dim !== centroids.dim) throw createError('DIM_MISMATCH', { expected: centroids.dim, actual: query.dim, detail: ' (PLAID query)' });
		if (probe === 'wasm' || (probe === 'auto' && query.rows * centroids.rows * query.dim >= NEAREST_WASM_MIN_WORK)) {
			if (this.probeKernel === undefined) this.probeKernel = prepareNearestWasm(centroids);
			if (this.probeKernel) return this.probeKernel.dots(query);
			if (probe === 'wasm') throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: 'no WebAssembly SIMD128 for the PLAID probe' });
		}
		return centroidScores(query, centroids);
	}

	get bytes(): PlaidBytes {
		const k = this.codec.centroids.rows;
		return { table: this.codec.tableBytes, codes: this.vectorCount * this.codec.bytesPerVector, ivf: 4 * (this.distinct.length + k + 1) };
	}

	/**
	 * The four PLAID stages for `query` (nq x dim), top `k`. Unset settings take `plaidDefaults(k)`.
	 * Stages: `plaid-probe` (documents = candidates), `plaid-pruned-interaction` (documents kept, <= ndocs),
	 * `plaid-interaction` (kept, <= ndocs / 4), `plaid-decompress-maxsim` or `plaid-maxsim` (scored).
	 */
	async search(query: TokenMatrix, k: number, options: PlaidSearchOptions = {}): Promise<CandidateSearch> {
		const defaults = plaidDefaults(k);
		const nprobe = options.nprobe ?? defaults.nprobe;
		const threshold = options.threshold ?? defaults.threshold;
		const ndocs = options.ndocs ?? defaults.ndocs;
		const centroids = this.codec.centroids;
		const nq = query.rows;
		const kc = centroids.rows;
		const t0 = performance.now();
		const scores = this.centroidScores(query, options.probe ?? 'auto');
		const probed = probedCentroids(scores, nq, kc, nprobe);
		const lists = this.invertedLists();
		const mark = new Uint8Array(this.size);
		let count = 0;
		for (let c = 0; c < kc; c++) {
			if (!probed[c]) continue;
			for (let p = lists.offsets[c]; p < lists.offsets[c + 1]; p++) {
				const d = lists.codes[p];
				if (!mark[d]) {
					mark[d] = 1;
					count++;
				}
			}
		}
		const candidates = new Int32Array(count);
		for (let d = 0, n = 0; d < this.size; d++) if (mark[d]) candidates[n++] = d;
		const t1 = performance.now();
		const docCentroids = this.docCentroids();
		const pruned = centroidInteraction(scores, nq, docCentroids, candidates, centroidsAboveThreshold(scores, nq, kc, threshold));
		const kept = bestOf(candidates, pruned, ndocs).map((s) => s.index);
		const t2 = performance.now();
		const full = centroidInteraction(scores, nq, docCentroids, kept);
		const finalists = bestOf(kept, full, Math.floor(ndocs / 4)).map((s) => s.index);
		const t3 = performance.now();
		let exactScores: Float32Array;
		if (options.exact) exactScores = finalists.length > 0 ? await options.exact.score(query, finalists) : new Float32Array(0);
		else if (options.scorer) exactScores = finalists.length > 0 ? await options.scorer.score(query, (allocate) => this.decodeInto(finalists, allocate), { finite: true }) : new Float32Array(0);
		else exactScores = Float32Array.from(finalists, (d) => maxSim(query, this.decode(d)));
		const top = topKOf(exactScores, k, finalists);
		const t4 = performance.now();
		return {
			top,
			stages: [
				{ stage: 'plaid-probe', ms: t1 - t0, documents: candidates.length },
				{ stage: 'plaid-pruned-interaction', ms: t2 - t1, documents: kept.length },
				{ stage: 'plaid-interaction', ms: t3 - t2, documents: finalists.length },
				{ stage: options.exact ? 'plaid-maxsim' : 'plaid-decompress-maxsim', ms: t4 - t3, documents: finalists.length }
			],
			candidates: candidates.length,
			touched: finalists.length
		};
	}
}
