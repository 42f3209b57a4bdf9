/**
 * Browser-only runtime setup: ONNX Runtime's `.wasm`/`.mjs` are served by the app itself, never
 * fetched from a CDN (ENVIRONMENT.md): `virtual:ort-files` (vite.config.ts) gives the URL of the one
 * copy in the build that the engine worker and the lessons page share. The Hub address comes from the
 * page. A session that fails to build no longer fails every later one (`keepSessionChainAlive`).
 * Imported by `engine.worker.ts` and the lesson page; Node tests configure the runtime themselves.
 */
import { InferenceSession } from 'onnxruntime-web/webgpu';
import { mjs as ortMjs, wasm as ortWasm } from 'virtual:ort-files';
import { configureRuntime, keepSessionChainAlive } from '../../engine/encoders/runtime';
import type { HubSettings } from './protocol';

export const DEFAULT_HUB: HubSettings = { remoteHost: 'https://huggingface.co/' };

/** The ONNX Runtime file map handed to transformers.js. */
export const ORT_WASM_PATHS = { mjs: ortMjs, wasm: ortWasm };

/**
 * Points transformers.js at the local ONNX Runtime files and at `hub`.
 * @example setupBrowserRuntime({ remoteHost: 'http://127.0.0.1:8080/' })
 */
export function setupBrowserRuntime(hub: HubSettings = DEFAULT_HUB): void {
	// One model file that ONNX Runtime rejects must not fail every later session of this page or worker.
	keepSessionChainAlive(InferenceSession);
	const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
	configureRuntime({
		wasmPaths: ORT_WASM_PATHS,
		// Threads need SharedArrayBuffer, which only cross-origin isolated pages get.
		numThreads: isolated ? Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2))) : 1,
		remoteHost: hub.remoteHost,
		allowRemoteModels: true,
		useBrowserCache: true
	});
}
