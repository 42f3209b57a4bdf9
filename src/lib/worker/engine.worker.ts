/**
 * The engine worker: every index build, model load, corpus encoding, search and explanation runs here
 * so the page never freezes. It exposes an `EngineApi` through comlink; the page talks to it only via
 * `EngineClient` (`src/lib/state/engine-client.svelte.ts`). `EngineCore` answers the corpus and BM25
 * requests and routes the rest to its extensions: `NeuralHost` (`./neural/`: models, neural panels,
 * encoded corpora in IndexedDB, ONNX Runtime served locally) and `Evaluator` (`./evaluate.ts`, with
 * each corpus's last evaluation saved in IndexedDB).
 */
import { expose } from 'comlink';
import { IndexedDbStore } from '../engine/store/indexeddb-store';
import { EngineCore } from './engine-core';
import { Evaluator } from './evaluate';
import { IndexedDbEvaluationArchive } from './saved-evaluations';
import { NeuralHost } from './neural/neural-host';
import { setupBrowserRuntime } from './neural/runtime-setup';
import type { EngineApi, EngineProgress, EngineRequest } from './protocol';

// One IndexedDB store (`latelab-encoded`) for encoded corpora and BM25 indexes (kind `bm25`).
const store = new IndexedDbStore();
setupBrowserRuntime();
const core = new EngineCore({
	bm25Store: store,
	extensions: [
		(c) => new NeuralHost(c, { store, configureHub: setupBrowserRuntime }),
		// Each corpus's last evaluation in IndexedDB `latelab-evaluations`, so a reload shows it again.
		(c) => new Evaluator(c, globalThis.indexedDB ? { archive: new IndexedDbEvaluationArchive() } : {})
	]
});

const api: EngineApi = {
	request: (request: EngineRequest, onProgress?: (p: EngineProgress) => void) => core.handle(request, onProgress),
	cancel: (target: number) => core.cancel(target)
};

expose(api);
