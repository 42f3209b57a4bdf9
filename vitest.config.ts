import { defineConfig } from 'vitest/config';

// Engine and viz tests run in plain Node: the engine must not depend on Vite or SvelteKit.
export default defineConfig({
	test: {
		include: ['tests/**/*.test.ts'],
		exclude: ['tests/browser/**', 'node_modules/**'],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// Generates the tiny test models (tests/fixtures/generated) once per run.
		globalSetup: ['tests/fixtures/global-setup.ts']
	}
});
