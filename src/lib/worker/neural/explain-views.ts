/**
 * Turns the engine's explanations (`src/lib/engine/explain`) into what the page draws: the MaxSim
 * matrix plus the document text shaded by the query tokens that chose each document token, the
 * bi-encoder's per-token shares shaded on the text, and occlusion spans. Pure functions.
 */
import type { MaxSimExplanation } from '../../engine/explain/maxsim-matrix';
import type { OcclusionExplanation } from '../../engine/explain/occlusion';
import type { NotDecomposable, PooledContributions } from '../../engine/explain/pooled-contributions';
import type { ColbertExplanationView, DenseExplanationView, OcclusionView, TextSpan } from './protocol';
import { tokenSpans } from './token-spans';

/**
 * The ColBERT view: each document token chosen by at least one query token gets the sum of those
 * query tokens' contributions as its weight, and their names as its label.
 * @example colbertView(explainMaxSim(q, d), 'red planet').spans // [{ start: 0, end: 3, weight: 0.98, label: 'chosen by red (0.980)' }, ...]
 */
export function colbertView(e: MaxSimExplanation, text: string): ColbertExplanationView {
	const chosenBy = new Map<number, { tokens: string[]; weight: number }>();
	e.argmax.forEach((j, i) => {
		if (j < 0) return;
		const entry = chosenBy.get(j) ?? { tokens: [], weight: 0 };
		entry.tokens.push(`${e.queryTokens[i]}${e.augmentation[i] ? ` (mask ${i})` : ''} ${e.contributions[i].toFixed(3)}`);
		entry.weight += e.contributions[i];
		chosenBy.set(j, entry);
	});
	const offsets = tokenSpans(text, e.docTokens);
	const spans: TextSpan[] = [];
	for (const [j, entry] of chosenBy) {
		const at = offsets[j];
		if (!at) continue;
		spans.push({ start: at[0], end: at[1], weight: entry.weight, label: `${e.docTokens[j]} chosen by ${entry.tokens.join(', ')}` });
	}
	spans.sort((a, b) => a.start - b.start);
	return {
		kind: 'colbert',
		queryTokens: e.queryTokens,
		augmentation: e.augmentation,
		docTokens: e.docTokens,
		nq: e.nq,
		nd: e.nd,
		scores: e.scores,
		argmax: e.argmax,
		contributions: e.contributions,
		score: e.score,
		text,
		spans
	};
}

/** The bi-encoder view: every token's share of the cosine, on the text it came from. */
export function denseView(e: PooledContributions | NotDecomposable, text: string): DenseExplanationView {
	if (!e.applicable) return { kind: 'dense', applicable: false, reason: e.reason };
	const offsets = tokenSpans(text, e.tokens);
	const spans: TextSpan[] = [];
	let last = -1;
	let prev: { span: TextSpan; pieces: string[] } | undefined;
	e.tokens.forEach((token, i) => {
		const at = offsets[i];
		if (!at) return;
		last = Math.max(last, at[1]);
		// Word pieces of one word are shaded as the word, with their shares summed (the sum stays exact).
		if (token.startsWith('##') && prev && prev.span.end === at[0]) {
			prev.span.end = at[1];
			prev.span.weight += e.values[i];
			prev.pieces.push(token);
			prev.span.label = `${prev.pieces.join(' ')} adds ${prev.span.weight.toFixed(4)}`;
			return;
		}
		const span = { start: at[0], end: at[1], weight: e.values[i], label: `${token} adds ${e.values[i].toFixed(4)}` };
		spans.push(span);
		prev = { span, pieces: [token] };
	});
	// A document longer than the model's window is truncated: the shading stops where the model stopped reading.
	const truncatedTokens = last >= 0 && countWords(text.slice(last)) > 2;
	return { kind: 'dense', applicable: true, tokens: e.tokens, values: e.values, score: e.score, text, spans, truncatedTokens };
}

function countWords(text: string): number {
	return (text.match(/\S+/g) ?? []).length;
}

/** The occlusion view (spans already carry the logit drops). */
export function occlusionView(e: OcclusionExplanation): OcclusionView {
	return {
		kind: 'occlusion',
		text: e.text,
		score: e.score,
		probability: e.probability,
		spans: e.spans.map((s) => ({ ...s })),
		words: e.words,
		wordsPerUnit: e.wordsPerUnit,
		evaluations: e.evaluations,
		capped: e.capped,
		...(e.note ? { note: e.note } : {})
	};
}
