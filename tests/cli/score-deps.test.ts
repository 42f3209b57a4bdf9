import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPipelineOptions, folderStamp, resolveCliModel } from '../../src/cli/neural-deps';
import { createProgress } from '../../src/cli/progress';

const dir = mkdtempSync(join(tmpdir(), 'latelab-deps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI neural deps', () => {
	it('resolveCliModel(spec, cwd) makes an existing folder local and leaves anything else to the Hub', () => {
		mkdirSync(join(dir, 'org', 'model'), { recursive: true });
		expect(resolveCliModel('org/model', dir)).toEqual({ id: join(dir, 'org', 'model'), localDir: join(dir, 'org', 'model') });
		expect(resolveCliModel('Xenova/all-MiniLM-L6-v2', dir)).toEqual({ id: 'Xenova/all-MiniLM-L6-v2' });
	});

	it('folderStamp(dir) changes when a model file changes size or time, and not otherwise', () => {
		const model = join(dir, 'stamp');
		mkdirSync(join(model, 'onnx'), { recursive: true });
		writeFileSync(join(model, 'config.json'), '{}');
		writeFileSync(join(model, 'onnx', 'model.onnx'), 'weights-1');
		utimesSync(join(model, 'onnx', 'model.onnx'), 1000, 1000);
		const a = folderStamp(model);
		expect(folderStamp(model)).toBe(a);
		utimesSync(join(model, 'onnx', 'model.onnx'), 2000, 2000);
		const b = folderStamp(model);
		expect(b).not.toBe(a);
		writeFileSync(join(model, 'onnx', 'model.onnx'), 'weights-22');
		utimesSync(join(model, 'onnx', 'model.onnx'), 2000, 2000);
		expect(folderStamp(model)).not.toBe(b);
	});

	it('cliPipelineOptions(options, env) takes the cache folder from LATELAB_CACHE and LATELAB_NO_CACHE turns it off', () => {
		expect(cliPipelineOptions({ depth: 5 }, { LATELAB_CACHE: '/tmp/c' })).toEqual({ cacheDir: join('/tmp/c', 'encoded'), depth: 5 });
		expect(cliPipelineOptions({}, { LATELAB_CACHE: '/tmp/c', LATELAB_NO_CACHE: '1' })).toMatchObject({ cache: false });
		expect(cliPipelineOptions({ cacheDir: '/x' }, { LATELAB_CACHE: '/tmp/c' }).cacheDir).toBe('/x');
	});
});

describe('createProgress with encoding speed', () => {
	it('progress.update({ rate, etaSeconds }) prints documents/s and the ETA as m:ss', () => {
		let out = '';
		let t = 0;
		const progress = createProgress({ write: (s: string) => (out += s) }, { quiet: false, now: () => (t += 2000) });
		// Logs (not a TTY) stay silent for the first second of a stage, then print once per quarter.
		progress.update({ stage: 'encode-corpus', done: 0, total: 5183 });
		progress.update({ stage: 'encode-corpus', done: 1300, total: 5183, rate: 127.4, etaSeconds: 75.2 });
		expect(out).toBe('latelab: encode-corpus 1300/5183  25%  127/s  ETA 1:15\n');
	});
});
