import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMultiVectorFolderFromDisk } from '../../src/lib/engine/corpus/node-multivector-folder';
import { removeTempDirs, runCli } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'latelab-cli-synth-'));
afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
	removeTempDirs();
});

/** Vectors per query in a written vectors folder, read back with the loader. */
async function queryRows(folder: string): Promise<number[]> {
	const c = await loadMultiVectorFolderFromDisk(folder);
	return c.queries.map((q) => c.queryVectors(q.id)!.rows);
}

describe('latelab data synth --query-shape', () => {
	it('writes 32-vector (ColBERT-shaped) queries by default, --query-length n vectors, and --query-shape terms the word-only shape; a bad shape exits 2', async () => {
		const rows: Record<string, number[]> = {};
		for (const [name, extra] of [['colbert', []], ['len16', ['--query-length', '16']], ['terms', ['--query-shape', 'terms']]] as const) {
			const r = await runCli(['data', 'synth', '--docs', '30', '--queries', '4', '--dim', '8', '--tokens', '10', '--to', name, '--quiet', ...extra], { cwd: dir });
			expect(r.stderr).toBe('');
			expect(r.code).toBe(0);
			rows[name] = await queryRows(join(dir, name));
		}
		expect(rows.colbert).toEqual([32, 32, 32, 32]);
		expect(rows.len16).toEqual([16, 16, 16, 16]);
		for (const r of rows.terms) expect(r).toBeLessThan(10); // [CLS] + at most 8 words
		const bad = await runCli(['data', 'synth', '--docs', '5', '--queries', '1', '--to', 'bad', '--query-shape', 'mask'], { cwd: dir });
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/query-shape/);
	});
});
