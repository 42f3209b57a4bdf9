/**
 * The engine worker: every index build, search and explanation runs here so the page never freezes.
 * It exposes an `EngineApi` through comlink; the page talks to it only via `EngineClient`
 * (`src/lib/state/engine-client.svelte.ts`).
 */
import { expose } from 'comlink';
import { EngineCore } from './engine-core';
import type { EngineApi, EngineProgress, EngineRequest } from './protocol';

const core = new EngineCore();

const api: EngineApi = {
	request: (request: EngineRequest, onProgress?: (p: EngineProgress) => void) => core.handle(request, onProgress),
	cancel: (target: number) => core.cancel(target)
};

expose(api);
