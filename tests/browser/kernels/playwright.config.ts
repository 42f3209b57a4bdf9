/**
 * Kernel-only Playwright config: runs tests/browser/kernels/*.spec.ts without building the app (the
 * specs serve their own bundled page). `npx playwright test -c tests/browser/kernels`.
 * Same Chromium and flags as the root config; JSON report in test-results/browser-kernels.json.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.spec.ts',
	outputDir: '../../../test-results/browser-kernels',
	timeout: 60_000,
	workers: 1,
	reporter: [['list'], ['json', { outputFile: '../../../test-results/browser-kernels.json' }]],
	use: { launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }
});
