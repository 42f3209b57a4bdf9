/**
 * Occlusion of a cross-encoder pair with progress: the encoder is wrapped so every batch of occluded
 * variants it scores reports `done` of the `total` pairs (the original + one per unit), so the page
 * can show how far a long document's explanation is.
 */
import type { CrossEncoder } from '../../engine/encoders/encoder';
import { occlusion, splitWords, type OcclusionExplanation } from '../../engine/explain/occlusion';

/** Most occluded variants by default (words are grouped into spans above it), as `occlusion`. */
export const DEFAULT_MAX_VARIANTS = 64;

/**
 * `occlusion(cross, query, text)` reporting `(done, total)` pairs scored as it goes.
 * @example await occlusionWithProgress(cross, 'q', 'a b c', { onProgress: (d, t) => {} }) // reports (4, 4) at the end: 3 words + the original
 */
export async function occlusionWithProgress(
	cross: CrossEncoder,
	query: string,
	text: string,
	options: { maxVariants?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void }
): Promise<OcclusionExplanation> {
	const cap = options.maxVariants ?? DEFAULT_MAX_VARIANTS;
	const words = splitWords(text).length;
	const per = Math.max(1, Math.ceil(words / cap));
	const total = Math.ceil(words / per) + 1;
	let done = 0;
	const counting: CrossEncoder = {
		kind: 'cross-encoder',
		modelId: cross.modelId,
		async score(q, documents, scoreOptions) {
			const out = await cross.score(q, documents, scoreOptions);
			done += documents.length;
			options.onProgress?.(done, total);
			return out;
		},
		// The wrapper owns nothing: the panel's encoder is disposed with its model.
		dispose: async () => undefined
	};
	return occlusion(counting, query, text, { maxVariants: cap, ...(options.signal ? { signal: options.signal } : {}) });
}
