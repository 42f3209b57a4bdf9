import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tinyBeir } from './helpers';

afterAll(removeTempDirs);

describe('LanceDB loads lazily', () => {
	it('latelab search --pipeline bm25 (and --help) never loads @lancedb/lancedb or apache-arrow', async () => {
		const help = await runCli(['--help']);
		expect(help.stdout).toMatch(/lancedb +a LanceDB store/);
		const r = await runCli(['search', '--data', tinyBeir(), '--query', 'banana', '--json']);
		expect(r.code).toBe(0);
		const require = createRequire(import.meta.url);
		expect(Object.keys(require.cache).filter((k) => /@lancedb|apache-arrow/.test(k))).toEqual([]);
		// The check can fail: after a store search the native module is in the cache.
		const { lanceModules } = await import('../../src/cli/lance-modules');
		lanceModules();
		expect(Object.keys(require.cache).some((k) => k.includes('@lancedb'))).toBe(true);
	});
});
