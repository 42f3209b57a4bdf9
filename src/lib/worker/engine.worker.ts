/**
 * The engine worker: every index build, model load, corpus encoding, search and explanation runs here
 * so the page never freezes. It exposes an `EngineApi` through comlink; the page talks to it only via
 * `EngineClient` (`src/lib/state/engine-client.svelte.ts`). The neural panels are attached by
 * `NeuralHost` (`./neural/`), with encoded corpora kept in IndexedDB and ONNX Runtime served locally.
 */
import { expose } from 'comlink';
import { IndexedDbStore } from '../engine/store/indexeddb-store';
import { EngineCore } from './engine-core';
import { Evaluator } from './evaluate';
import { isEvaluateRequest } from './evaluate-protocol';
import { isNeuralRequest, NeuralHost } from './neural/neural-host';
import { setupBrowserRuntime } from './neural/runtime-setup';
import type { EngineApi, EngineProgress, EngineRequest } from './protocol';

// One IndexedDB store (`latelab-encoded`) for encoded corpora and BM25 indexes (kind `bm25`).
const store = new IndexedDbStore();
const core = new EngineCore({ bm25Store: store });
setupBrowserRuntime();
const neural = new NeuralHost(core, { store, configureHub: setupBrowserRuntime });
const evaluator = new Evaluator(core);
core.extension = async (request, onProgress) => {
	if (isEvaluateRequest(request)) return evaluator.handle(request, onProgress);
	if (!isNeuralRequest(request)) throw new Error(`unknown request type "${request.type}"`);
	return neural.handle(request, onProgress);
};

const api: EngineApi = {
	request: (request: EngineRequest, onProgress?: (p: EngineProgress) => void) => core.handle(request, onProgress),
	cancel: (target: number) => {
		core.cancel(target);
		neural.cancel(target);
		evaluator.cancel(target);
	}
};

expose(api);
