/**
 * Shapes the worker's explanation views for the D3 views: query-token kinds for the heatmap and bars
 * (augmentation rows are `mask`, `[CLS]`/`[Q]` are markers), unique bar labels, and the bi-encoder's
 * many token shares folded to the largest ones plus one "other tokens" bar, so the bars still add up
 * to the score.
 */
import { queryKindsFromTokens, type QueryTokenKind } from '../../viz/heatmap-data';

/** Row kinds: the encoder's augmentation flags win over guessing from the token text. */
export function queryKinds(tokens: string[], augmentation: boolean[]): QueryTokenKind[] {
	const guessed = queryKindsFromTokens(tokens);
	return tokens.map((_, i) => (augmentation[i] ? 'mask' : guessed[i]));
}

/** Labels for bars: `[MASK]` rows get their position so each bar is told apart. @example barLabels(['a', '[MASK]'], [false, true]) // ['a', '[MASK] 1'] */
export function barLabels(tokens: string[], augmentation: boolean[]): string[] {
	return tokens.map((t, i) => (augmentation[i] ? `${t} ${i}` : t));
}

/**
 * The `keep` largest |values| in text order, plus one bar with the sum of the rest.
 * @example topShares(['a', 'b', 'c'], [0.5, 0.01, -0.2], 2) // { tokens: ['a', 'c', '+1 more'], values: [0.5, -0.2, 0.01] }
 */
export function topShares(tokens: string[], values: number[], keep = 14): { tokens: string[]; values: number[] } {
	if (tokens.length <= keep + 1) return { tokens: [...tokens], values: [...values] };
	const order = values.map((v, i) => i).sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]));
	const kept = new Set(order.slice(0, keep));
	const outTokens: string[] = [];
	const outValues: number[] = [];
	let rest = 0;
	values.forEach((v, i) => {
		if (kept.has(i)) {
			outTokens.push(tokens[i]);
			outValues.push(v);
		} else rest += v;
	});
	const others = tokens.length - keep;
	outTokens.push(`+${others} more`);
	outValues.push(rest);
	return { tokens: outTokens, values: outValues };
}
