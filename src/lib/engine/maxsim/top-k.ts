/** Top-k selection shared by the MaxSim backends: best score first, ties broken by lower document index. */
import type { ScoredIndex } from './maxsim';

/**
 * The `k` best of `scores`; `scores[i]` belongs to document `indices ? indices[i] : i`.
 * @example topKOf(Float32Array.of(0.5, 2, 2, 1), 2) // [{ index: 1, score: 2 }, { index: 2, score: 2 }]
 */
export function topKOf(scores: ArrayLike<number>, k: number, indices?: ArrayLike<number>): ScoredIndex[] {
	const n = scores.length;
	const order = new Array<number>(n);
	for (let i = 0; i < n; i++) order[i] = i;
	const index = (i: number) => (indices ? indices[i] : i);
	order.sort((a, b) => scores[b] - scores[a] || index(a) - index(b));
	const out: ScoredIndex[] = [];
	for (let r = 0; r < Math.min(k, n); r++) out.push({ index: index(order[r]), score: scores[order[r]] });
	return out;
}
