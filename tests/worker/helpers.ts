/**
 * What the worker tests share: narrowing a response to the type a test expects (with the whole
 * answer in the failure), and a `NeuralHost` wired as the browser worker wires it, minus the browser
 * (cpu instead of wasm, the store given, the Hub configured through the runtime).
 */
import { loadEncoder } from '../../src/lib/engine/encoders/load-encoder';
import { configureRuntime } from '../../src/lib/engine/encoders/runtime';
import type { EncodedCorpusStore } from '../../src/lib/engine/store/store';
import type { EngineCore } from '../../src/lib/worker/engine-core';
import { NeuralHost } from '../../src/lib/worker/neural/neural-host';
import type { EngineResponse } from '../../src/lib/worker/protocol';

/** `r` as the response of `type`, or a thrown error showing what came instead. */
export function expectType<T extends EngineResponse['type']>(r: EngineResponse, type: T): Extract<EngineResponse, { type: T }> {
	if (r.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(r).slice(0, 400)}`);
	return r as Extract<EngineResponse, { type: T }>;
}

/** A neural host over `core` for Node: ONNX on the cpu provider (the browser's wasm/webgpu are not available here). */
export function nodeNeuralHost(core: EngineCore, store?: EncodedCorpusStore): NeuralHost {
	return new NeuralHost(core, {
		...(store ? { store } : {}),
		configureHub: (hub) => configureRuntime({ remoteHost: hub.remoteHost }),
		load: (role, ref, onProgress) => loadEncoder(role, { ...ref, device: 'cpu' }, { onProgress })
	});
}
