import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A static site: every byte of work happens in the user's browser, no server of ours.
		adapter: adapter({ fallback: '200.html', pages: process.env.LATELAB_BUILD_DIR || 'build', assets: process.env.LATELAB_BUILD_DIR || 'build' }),
		// Browser test runs on another port build into their own folders, so two runs in one tree do not overwrite each other's build.
		outDir: process.env.LATELAB_KIT_DIR || '.svelte-kit',
		alias: {
			$engine: 'src/lib/engine'
		}
	}
};

export default config;
