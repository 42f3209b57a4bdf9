import { sveltekit } from '@sveltejs/kit/vite';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

/**
 * Multi-threaded WASM (ONNX Runtime, our MaxSim kernels) needs SharedArrayBuffer, which browsers
 * only grant to cross-origin isolated pages. SvelteKit ignores Vite's `server.headers` for its own
 * pages, so the headers are set by middleware on both the dev and the preview server.
 */
function crossOriginIsolation(): Plugin {
	const setHeaders = (_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
		res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
		res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		next();
	};
	return {
		name: 'latelab-cross-origin-isolation',
		configureServer(server) {
			server.middlewares.use(setHeaders);
		},
		configurePreviewServer(server) {
			server.middlewares.use(setHeaders);
		}
	};
}

/** The ONNX Runtime files transformers.js runs on the wasm device (ENVIRONMENT.md: served by the app, never a CDN). */
const ORT_FILES = { wasm: 'ort-wasm-simd-threaded.asyncify.wasm', mjs: 'ort-wasm-simd-threaded.asyncify.mjs' } as const;
/** Where the one copy goes: a sibling of `nodes/`, `chunks/` and `workers/`, so every bundle reaches it as `../ort/<file>`. */
const ORT_DIR = '_app/immutable/ort';
const require = createRequire(import.meta.url);

/**
 * One copy of ONNX Runtime's 27 MB wasm in the build, shared by the page (lessons run models on the
 * main thread) and the engine worker. Vite emits an asset once per bundle that imports it, so the page
 * and the worker each shipped their own copy. Here `virtual:ort-files` gives both the URL of one
 * content-hashed copy that only the client build writes (`_app/immutable/ort/`), and the
 * `new URL('ort-….wasm', import.meta.url)` fallbacks inside onnxruntime-web (unused: transformers.js
 * always passes `wasmPaths`) no longer make Vite emit copies. The file is fetched only when a model
 * is loaded on the wasm device. In dev the plain `?url` imports serve the files from node_modules.
 */
function sharedOrtFiles(options: { emit: boolean }): Plugin {
	const id = 'virtual:ort-files';
	let dev = false;
	const named = (key: keyof typeof ORT_FILES) => {
		const source = readFileSync(require.resolve(`onnxruntime-web/${ORT_FILES[key]}`));
		const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
		return { source, fileName: ORT_FILES[key].replace(/\.(wasm|mjs)$/, `.${hash}.$1`) };
	};
	return {
		name: 'latelab-shared-ort-files',
		enforce: 'pre',
		configResolved(config) {
			dev = config.command === 'serve';
		},
		resolveId(source) {
			return source === id ? `\0${id}` : undefined;
		},
		load(resolved) {
			if (resolved !== `\0${id}`) return undefined;
			if (dev) return `export { default as wasm } from 'onnxruntime-web/${ORT_FILES.wasm}?url';\nexport { default as mjs } from 'onnxruntime-web/${ORT_FILES.mjs}?url';`;
			// A variable, not a literal, in `new URL`: Vite must not treat it as an asset to copy.
			const dir = JSON.stringify('../ort/');
			return (Object.keys(ORT_FILES) as (keyof typeof ORT_FILES)[])
				.map((key) => `export const ${key} = new URL(${dir} + ${JSON.stringify(named(key).fileName)}, import.meta.url).href;`)
				.join('\n');
		},
		transform(code, module) {
			if (!/[\\/]node_modules[\\/](onnxruntime-web|@huggingface[\\/]transformers)[\\/]/.test(module)) return undefined;
			const out = code.replace(/new URL\((["'`])(ort-[\w.-]+\.(?:wasm|mjs))\1,\s*import\.meta\.url\)/g, 'new URL($1$2$1, "" + import.meta.url)');
			return out === code ? undefined : { code: out, map: null };
		},
		generateBundle() {
			if (dev || !options.emit || this.environment?.name !== 'client') return;
			for (const key of Object.keys(ORT_FILES) as (keyof typeof ORT_FILES)[]) {
				const { source, fileName } = named(key);
				this.emitFile({ type: 'asset', fileName: `${ORT_DIR}/${fileName}`, source });
			}
		}
	};
}

export default defineConfig({
	plugins: [crossOriginIsolation(), sharedOrtFiles({ emit: true }), sveltekit()],
	worker: { format: 'es', plugins: () => [sharedOrtFiles({ emit: false })] },
	optimizeDeps: { exclude: ['onnxruntime-web'] }
});
