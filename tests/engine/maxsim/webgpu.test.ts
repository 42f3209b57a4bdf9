/**
 * The Node-side parts of the WebGPU MaxSim backend: the generated WGSL module is up to date with
 * kernels/wgsl/*.wgsl, kernel variants assemble in a valid order, the interleaved document layout,
 * and a clear BACKEND_UNAVAILABLE where there is no WebGPU. The kernel itself runs in Chromium:
 * tests/browser/kernels/webgpu.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWgslFiles } from '../../../kernels/build-wgsl';
import { createWebGpuScorer, isWebGpuAvailable } from '../../../src/lib/engine/maxsim/webgpu';
import { autoWorkgroupSize, kernelSource, TOKENS_PER_STEP, UNIFORM_QUERY_FLOATS } from '../../../src/lib/engine/maxsim/webgpu-kernel';
import { packInterleaved, vec4Blocks } from '../../../src/lib/engine/maxsim/webgpu-store';

describe('buildWgslFiles()', () => {
	it('buildWgslFiles() output equals the committed generated module (run npm run build:kernels if not)', () => {
		const [file] = buildWgslFiles();
		expect(readFileSync(file.path, 'utf8')).toBe(file.content);
	});
});

describe('kernelSource(variant)', () => {
	const variants = [false, true].flatMap((subgroups) => [false, true].map((queryInStorage) => ({ subgroups, queryInStorage })));

	it('kernelSource({ subgroups: true }) starts with the enable directive, which WGSL requires first', () => {
		const code = kernelSource({ subgroups: true, queryInStorage: false });
		const firstStatement = code.split('\n').find((line) => line.trim() && !line.trim().startsWith('//'));
		expect(firstStatement).toBe('enable subgroups;');
	});

	it('kernelSource(variant) defines query_at, row_group_max and is_row_group_leader exactly once', () => {
		for (const variant of variants) {
			const code = kernelSource(variant);
			for (const fn of ['query_at', 'row_group_max', 'is_row_group_leader', 'maxsim']) {
				expect(code.match(new RegExp(`fn ${fn}\\(`, 'g'))?.length, `${fn} in ${JSON.stringify(variant)}`).toBe(1);
			}
			expect(code.includes('enable subgroups;')).toBe(variant.subgroups);
			expect(code.includes('subgroupMax')).toBe(variant.subgroups);
			expect(code.includes(variant.queryInStorage ? 'var<storage, read> query_s' : 'var<uniform> query_u')).toBe(true);
		}
	});

	it('UNIFORM_QUERY_FLOATS matches the uniform array in query-uniform.wgsl (64 KiB)', () => {
		const wgsl = readFileSync('kernels/wgsl/query-uniform.wgsl', 'utf8');
		const vec4s = Number(wgsl.match(/array<vec4<f32>, (\d+)>/)?.[1]);
		expect(vec4s * 4).toBe(UNIFORM_QUERY_FLOATS);
		expect(UNIFORM_QUERY_FLOATS * 4).toBe(64 * 1024);
	});
});

describe('packInterleaved(doc, out, offset)', () => {
	it('packInterleaved(2 tokens of dim 2) zero-pads each token to one vec4', () => {
		const out = new Float32Array(8);
		expect(packInterleaved({ data: Float32Array.of(1, 2, 3, 4), rows: 2, dim: 2 }, out, 0)).toBe(8);
		expect(Array.from(out)).toEqual([1, 2, 0, 0, 3, 4, 0, 0]);
	});

	it('packInterleaved(3 tokens of dim 6) puts block k of token t at (k * nd + t) * 4 after the offset', () => {
		const data = Float32Array.from({ length: 18 }, (_, i) => i + 1); // token t, column c -> 6t + c + 1
		const out = new Float32Array(2 + 24).fill(-1);
		expect(packInterleaved({ data, rows: 3, dim: 6 }, out, 2)).toBe(24);
		expect(Array.from(out.subarray(0, 2))).toEqual([-1, -1]);
		for (let k = 0; k < 2; k++) {
			for (let t = 0; t < 3; t++) {
				const at = 2 + (k * 3 + t) * 4;
				const want = [0, 1, 2, 3].map((c) => (4 * k + c < 6 ? 6 * t + 4 * k + c + 1 : 0));
				expect(Array.from(out.subarray(at, at + 4)), `block ${k}, token ${t}`).toEqual(want);
			}
		}
	});

	it('vec4Blocks(dim) rounds up to whole vec4s', () => {
		expect([1, 4, 5, 48, 50, 768].map(vec4Blocks)).toEqual([1, 1, 2, 12, 13, 192]);
	});
});

describe('createWebGpuScorer(dim) in plain Node', () => {
	it('isWebGpuAvailable() is false without navigator.gpu', async () => {
		expect(await isWebGpuAvailable()).toBe(false);
	});

	it('createWebGpuScorer(dim) rejects with BACKEND_UNAVAILABLE naming the missing navigator.gpu', async () => {
		await expect(createWebGpuScorer(128)).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: /navigator\.gpu/ });
	});

	it('createWebGpuScorer(0) rejects with BAD_ARGUMENT before looking for a GPU', async () => {
		await expect(createWebGpuScorer(0)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});
});

describe('autoWorkgroupSize(meanTokens, maxInvocations)', () => {
	it('autoWorkgroupSize(n) gives ceil(n / 4) invocations rounded up to 16, within 16..256 and the device limit', () => {
		expect(autoWorkgroupSize(180, 256)).toBe(48);
		expect(autoWorkgroupSize(128, 256)).toBe(32);
		expect(autoWorkgroupSize(3, 256)).toBe(16);
		expect(autoWorkgroupSize(5000, 256)).toBe(256);
		expect(autoWorkgroupSize(5000, 128)).toBe(128);
		expect(autoWorkgroupSize(180, 256) * TOKENS_PER_STEP).toBeGreaterThanOrEqual(180);
	});
});
