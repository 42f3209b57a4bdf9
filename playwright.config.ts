import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/browser/support/chromium';

const port = Number(process.env.LATELAB_TEST_PORT ?? 4317);

export default defineConfig({
	testDir: 'tests/browser',
	testMatch: '**/*.spec.ts',
	outputDir: 'test-results/browser',
	timeout: 120_000,
	workers: 1,
	reporter: [['list'], ['json', { outputFile: 'test-results/browser.json' }]],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
		screenshot: 'only-on-failure'
	},
	webServer: {
		command: `npx vite build && node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${port} --strictPort`,
		url: `http://127.0.0.1:${port}`,
		reuseExistingServer: false,
		timeout: 180_000
	}
});
