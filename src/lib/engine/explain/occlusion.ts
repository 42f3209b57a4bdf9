/**
 * Cross-encoder attribution by occlusion: score the (query, document) pair, then score it again with
 * each document word removed (or replaced by a mask string); a word's weight is the drop in the logit.
 * Positive: the word helped; negative: it hurt. Cost is one model call per word, so the number of
 * variants is capped: above the cap, neighbouring words are occluded together as spans, and the
 * result says so. (Occlusion as in Zeiler & Fergus 2014, applied to text; it measures the model with
 * the word gone, not a gradient, so interactions between words are not separated.)
 */
import { createError } from '../errors';
import type { CrossEncoder } from '../encoders/encoder';

export interface OcclusionOptions {
	/** Most occluded variants scored (default 64); words are grouped into spans above it. */
	maxVariants?: number;
	/** Variants per model call (default 16). */
	batchSize?: number;
	/** `remove` the word (default) or replace it by `maskText`. */
	mode?: 'remove' | 'mask';
	/** Replacement in `mask` mode (default `[MASK]`, the BERT mask token as text). */
	maskText?: string;
	signal?: AbortSignal;
}

/** One occluded unit: a word, or a span of neighbouring words when capped. Offsets into the document text. */
export interface OcclusionUnit {
	start: number;
	end: number;
	text: string;
	/** Logit of the original pair minus the logit with this unit occluded. */
	drop: number;
}

/** Ready for `viz/shaded-text.ts` (`text` + `spans` with `weight`). */
export interface OcclusionExplanation {
	text: string;
	/** The pair's logit, and its sigmoid (what the UI shows as a probability). */
	score: number;
	probability: number;
	units: OcclusionUnit[];
	spans: { start: number; end: number; weight: number; label: string }[];
	words: number;
	/** Words per unit (1 unless capped). */
	wordsPerUnit: number;
	capped: boolean;
	/** Model calls' worth of pairs scored, including the original. */
	evaluations: number;
	/** Why units are spans, when capped. */
	note?: string;
}

/** Words of `text` with offsets (maximal runs of non-space). @example splitWords('a bc') // [{start:0,end:1},{start:2,end:4}] */
export function splitWords(text: string): { start: number; end: number }[] {
	const out: { start: number; end: number }[] = [];
	for (const m of text.matchAll(/\S+/g)) out.push({ start: m.index!, end: m.index! + m[0].length });
	return out;
}

/** The document with `[start, end)` occluded. */
function occlude(text: string, start: number, end: number, options: OcclusionOptions): string {
	if ((options.mode ?? 'remove') === 'mask') return text.slice(0, start) + (options.maskText ?? '[MASK]') + text.slice(end);
	return (text.slice(0, start) + text.slice(end)).replace(/\s{2,}/g, ' ').trim();
}

/**
 * Occlusion attribution of `document` for `query` under `encoder`.
 * @example
 * const e = await occlusion(cross, 'capital of france', 'Paris is the capital of France.');
 * e.units // [{ text: 'Paris', drop: 2.1 }, ...]; e.capped false (6 words <= 64)
 */
export async function occlusion(encoder: CrossEncoder, query: string, document: string, options: OcclusionOptions = {}): Promise<OcclusionExplanation> {
	const cap = options.maxVariants ?? 64;
	const batchSize = options.batchSize ?? 16;
	if (!Number.isInteger(cap) || cap < 1) throw createError('BAD_ARGUMENT', { detail: `occlusion: maxVariants must be a positive integer, got ${cap}` });
	const words = splitWords(document);
	const per = Math.max(1, Math.ceil(words.length / cap));
	const units: { start: number; end: number }[] = [];
	for (let w = 0; w < words.length; w += per) {
		units.push({ start: words[w].start, end: words[Math.min(words.length, w + per) - 1].end });
	}
	const texts = [document, ...units.map((u) => occlude(document, u.start, u.end, options))];
	const logits = new Float32Array(texts.length);
	for (let at = 0; at < texts.length; at += batchSize) {
		if (options.signal?.aborted) throw createError('CANCELLED', { detail: ` (occlusion, ${at} of ${texts.length} variants scored)` }, {}, options.signal.reason);
		logits.set(await encoder.score(query, texts.slice(at, at + batchSize)), at);
	}
	const score = logits[0];
	const result = units.map((u, i) => ({ ...u, text: document.slice(u.start, u.end), drop: score - logits[i + 1] }));
	const capped = per > 1;
	return {
		text: document,
		score,
		probability: 1 / (1 + Math.exp(-score)),
		units: result,
		spans: result.map((u) => ({ start: u.start, end: u.end, weight: u.drop, label: `logit drop ${u.drop.toFixed(3)} when occluded` })),
		words: words.length,
		wordsPerUnit: per,
		capped,
		evaluations: texts.length,
		...(capped ? { note: `${words.length} words exceed the cap of ${cap} variants: occluded ${per} neighbouring words at a time` } : {})
	};
}
