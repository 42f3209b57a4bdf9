/** Top-k selection shared by the MaxSim backends: best score first, ties broken by lower document index. */
import type { ScoredIndex } from './maxsim';

/**
 * The `k` best of `scores`; `scores[i]` belongs to document `indices ? indices[i] : i`.
 * A bounded min-heap of k positions (O(n log k)) instead of sorting all n: at 10^4-10^5 documents and
 * k around 100, sorting every score with a comparator cost more than the binary kernel's whole scan.
 * @example topKOf(Float32Array.of(0.5, 2, 2, 1), 2) // [{ index: 1, score: 2 }, { index: 2, score: 2 }]
 */
export function topKOf(scores: ArrayLike<number>, k: number, indices?: ArrayLike<number>): ScoredIndex[] {
	const n = scores.length;
	const size = Math.min(k, n);
	if (size <= 0) return [];
	const index = indices ? (i: number) => indices[i] : (i: number) => i;
	// `worse(a, b)`: position a ranks below b (lower score, or an equal score and a higher index).
	const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && index(a) > index(b));
	// heap[0] is the worst kept position.
	const heap = new Int32Array(size);
	let count = 0;
	const siftDown = (at: number) => {
		const item = heap[at];
		for (;;) {
			const left = 2 * at + 1;
			if (left >= count) break;
			const right = left + 1;
			const child = right < count && worse(heap[right], heap[left]) ? right : left;
			if (!worse(heap[child], item)) break;
			heap[at] = heap[child];
			at = child;
		}
		heap[at] = item;
	};
	for (let i = 0; i < n; i++) {
		if (count < size) {
			let at = count++;
			while (at > 0) {
				const parent = (at - 1) >> 1;
				if (!worse(i, heap[parent])) break;
				heap[at] = heap[parent];
				at = parent;
			}
			heap[at] = i;
		} else if (worse(heap[0], i)) {
			heap[0] = i;
			siftDown(0);
		}
	}
	const kept = Array.from(heap.subarray(0, count));
	kept.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
	return kept.map((i) => ({ index: index(i), score: scores[i] }));
}
