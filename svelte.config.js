import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A static site: every byte of work happens in the user's browser, no server of ours.
		adapter: adapter({ fallback: '200.html' }),
		alias: {
			$engine: 'src/lib/engine'
		}
	}
};

export default config;
