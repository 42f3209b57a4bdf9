/**
 * A loopback page for kernel tests and the browser benchmark, independent of the app: esbuild
 * bundles a browser entry (engine code included) and a tiny HTTP server on 127.0.0.1 (random port)
 * serves it with COOP/COEP, so the page is cross-origin isolated (SharedArrayBuffer, WASM threads)
 * and a secure context (WebGPU).
 * @example
 * const page = await startKernelPage('tests/browser/kernels/page/entry.ts');
 * await browserPage.goto(page.url); // ... then page.close()
 */
import { build, type Plugin } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/** A running page server. */
export interface KernelPage {
	url: string;
	close(): Promise<void>;
}

/**
 * Engine modules reach Node-only code (`worker_threads`, `os`) through dynamic imports that never
 * run in a browser. A CommonJS stub keeps those imports from becoming top-level ESM imports of
 * `node:*`, which a browser would refuse to load.
 */
const stubNodeBuiltins: Plugin = {
	name: 'stub-node-builtins',
	setup(b) {
		b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-stub' }));
		b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
	}
};

/** Bundles `entry` (repo-relative) and serves it at `/` on a random loopback port. */
export async function startKernelPage(entry: string): Promise<KernelPage> {
	const result = await build({
		entryPoints: [resolve(entry)],
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		write: false,
		sourcemap: 'inline',
		logLevel: 'silent',
		plugins: [stubNodeBuiltins]
	});
	const script = result.outputFiles[0].contents;
	const html = '<!doctype html><meta charset="utf-8"><title>latelab kernels</title><script type="module" src="/entry.js"></script>';
	const server = createServer((req, res) => {
		res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
		res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		res.setHeader('Cache-Control', 'no-store');
		if (req.url === '/' || req.url?.startsWith('/?')) {
			res.setHeader('Content-Type', 'text/html; charset=utf-8');
			res.end(html);
		} else if (req.url === '/entry.js') {
			res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
			res.end(script);
		} else {
			res.statusCode = 404;
			res.end('not found');
		}
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		close: () => new Promise<void>((done) => server.close(() => done()))
	};
}
