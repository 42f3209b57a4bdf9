/**
 * What the candidate stages share: the `n` best of a score array without sorting all of it, and the
 * per-search report (which stage saw how many documents, and how long it took).
 */
import type { ScoredIndex } from '../maxsim/maxsim';

/** One stage of a candidate search: its name, time, and how many documents it scored or kept. */
export interface CandidateStage {
	stage: string;
	ms: number;
	/** Documents this stage scored (or, for a pruning step, kept). */
	documents: number;
}

/** The answer of a candidate search: the top documents (exactly or decoded MaxSim), and what it cost. */
export interface CandidateSearch {
	top: ScoredIndex[];
	stages: CandidateStage[];
	/** Documents that got any approximate score (FDE dot product, centroid interaction). */
	candidates: number;
	/** Documents whose full vectors (exact or decoded) were scored with MaxSim. */
	touched: number;
}

/**
 * The `n` best entries of `scores` (only those with `keep[i]`, when given), best first, ties by
 * lower index: a bounded min-heap, O(len log n).
 * @example topIndices(Float32Array.of(0.5, 2, 2, 1), 2) // [{ index: 1, score: 2 }, { index: 2, score: 2 }]
 */
export function topIndices(scores: ArrayLike<number>, n: number, keep?: ArrayLike<number>): ScoredIndex[] {
	// Capped at the entries there are: PLAID's ndocs (4k for a large k) may exceed the collection.
	const size = Math.max(0, Math.min(Math.floor(n), scores.length));
	if (size === 0) return [];
	const heapIdx = new Int32Array(size);
	const heapScore = new Float64Array(size);
	let count = 0;
	// Heap order: the worst at the root; worse = lower score, or equal score and higher index.
	const worse = (a: number, b: number) => heapScore[a] < heapScore[b] || (heapScore[a] === heapScore[b] && heapIdx[a] > heapIdx[b]);
	const swap = (a: number, b: number) => {
		const i = heapIdx[a];
		heapIdx[a] = heapIdx[b];
		heapIdx[b] = i;
		const s = heapScore[a];
		heapScore[a] = heapScore[b];
		heapScore[b] = s;
	};
	const down = (start: number) => {
		let i = start;
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let m = i;
			if (l < count && worse(l, m)) m = l;
			if (r < count && worse(r, m)) m = r;
			if (m === i) return;
			swap(i, m);
			i = m;
		}
	};
	for (let i = 0; i < scores.length; i++) {
		if (keep && !keep[i]) continue;
		const s = scores[i];
		if (count < size) {
			heapIdx[count] = i;
			heapScore[count] = s;
			let c = count++;
			while (c > 0) {
				const p = (c - 1) >> 1;
				if (!worse(c, p)) break;
				swap(c, p);
				c = p;
			}
		} else if (s > heapScore[0]) {
			// Equal scores never replace: scanning upwards, the earlier (lower) index stays.
			heapIdx[0] = i;
			heapScore[0] = s;
			down(0);
		}
	}
	const out: ScoredIndex[] = [];
	for (let i = 0; i < count; i++) out.push({ index: heapIdx[i], score: heapScore[i] });
	return out.sort((a, b) => b.score - a.score || a.index - b.index);
}
