/**
 * Bounded selection of the `k` best candidates without sorting them all: a binary min-heap of size
 * `k` whose root is the worst kept candidate, O(m log k) for m candidates.
 *
 * Order: higher score first; equal scores by lower position (Lucene breaks ties by lower doc id).
 *
 * Shapes: `scores` nDocs; `candidates[0 .. count)` positions into `scores`. Returns at most `k`
 * positions, best first.
 * @example topK(Float32Array.of(0.5, 2, 2, 1), Uint32Array.of(0, 1, 2, 3), 4, 2) // Uint32Array [1, 2]
 */
export function topK(scores: Float32Array, candidates: Uint32Array, count: number, k: number): Uint32Array {
	const size = Math.max(0, Math.min(Math.floor(k), count));
	const heap = new Uint32Array(size);
	if (size === 0) return heap;
	// worse(a, b): a ranks below b.
	const worse = (a: number, b: number): boolean => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
	let filled = 0;
	for (let c = 0; c < count; c++) {
		const doc = candidates[c];
		if (filled < size) {
			let i = filled++;
			heap[i] = doc;
			while (i > 0) {
				const parent = (i - 1) >> 1;
				if (!worse(heap[i], heap[parent])) break;
				const swap = heap[i];
				heap[i] = heap[parent];
				heap[parent] = swap;
				i = parent;
			}
		} else if (worse(heap[0], doc)) {
			heap[0] = doc;
			siftDown(heap, size, worse);
		}
	}
	return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

function siftDown(heap: Uint32Array, size: number, worse: (a: number, b: number) => boolean): void {
	let i = 0;
	for (;;) {
		const left = 2 * i + 1;
		if (left >= size) return;
		const right = left + 1;
		const child = right < size && worse(heap[right], heap[left]) ? right : left;
		if (!worse(heap[child], heap[i])) return;
		const swap = heap[i];
		heap[i] = heap[child];
		heap[child] = swap;
		i = child;
	}
}
