/// <reference types="vite/client" />
/**
 * Browser-only runtime setup for the engine worker: ONNX Runtime's `.wasm`/`.mjs` are bundled by Vite
 * (`?url` imports) and served by the app itself, never fetched from a CDN (ENVIRONMENT.md), and the
 * Hub address comes from the page. Imported only by `engine.worker.ts`; Node tests configure the
 * runtime themselves.
 */
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { configureRuntime } from '../../engine/encoders/runtime';
import type { HubSettings } from './protocol';

export const DEFAULT_HUB: HubSettings = { remoteHost: 'https://huggingface.co/' };

/** The ONNX Runtime file map handed to transformers.js. */
export const ORT_WASM_PATHS = { mjs: ortMjs, wasm: ortWasm };

/**
 * Points transformers.js at the local ONNX Runtime files and at `hub`.
 * @example setupBrowserRuntime({ remoteHost: 'http://127.0.0.1:8080/' })
 */
export function setupBrowserRuntime(hub: HubSettings = DEFAULT_HUB): void {
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
