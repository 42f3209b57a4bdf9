/**
 * One model call at a time per encoder. In the playground a search, an explanation and a corpus
 * encoding can all reach the same model together, and ONNX Runtime Web does not promise that
 * overlapping `run()` calls on one session are safe, so the worker does not try. The wrapper chains
 * the model-running methods on a promise; everything else (kind, modelId, settings, dispose) passes
 * through, and the encoder's own internal calls are not re-entered through the lock.
 */

const MODEL_CALLS = new Set(['encode', 'encodeQuery', 'encodeDocuments', 'tokenVectors', 'score']);

/**
 * @example const safe = serialEncoder(colbert); await Promise.all([safe.encodeQuery('a'), safe.encodeQuery('b')]) // run one after the other
 */
export function serialEncoder<E extends object>(encoder: E): E {
	let tail: Promise<unknown> = Promise.resolve();
	return new Proxy(encoder, {
		get(target, key, receiver) {
			const value = Reflect.get(target, key, receiver);
			if (typeof key !== 'string' || !MODEL_CALLS.has(key) || typeof value !== 'function') return value;
			return (...args: unknown[]) => {
				const run = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
				const result = tail.then(run, run);
				tail = result.catch(() => undefined);
				return result;
			};
		}
	});
}
