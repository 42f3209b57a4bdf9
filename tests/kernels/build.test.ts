/** The committed kernel builds (`.wat`, `.wasm`, generated base64 modules) equal a fresh build of the templates. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildKernels } from '../../kernels/build-kernels';
import { KERNEL_BASE64 } from '../../src/lib/engine/maxsim/generated/kernels';
import { STORAGE_KERNEL_BASE64 } from '../../src/lib/engine/maxsim/generated/storage-kernels';
import { NEAREST_KERNEL_BASE64 } from '../../src/lib/engine/compress/generated/nearest-kernel';

describe('buildKernels()', async () => {
	const files = await buildKernels();

	it('buildKernels() builds 4 f32 + 2 storage + 1 nearest-centroid .wasm, their .wat and the generated modules', () => {
		expect(files.filter((f) => f.path.endsWith('.wasm')).length).toBe(7);
		expect(files.filter((f) => f.path.endsWith('.wat')).length).toBe(7);
		expect(files.some((f) => f.path.endsWith('generated/kernels.ts'))).toBe(true);
		expect(files.some((f) => f.path.endsWith('generated/storage-kernels.ts'))).toBe(true);
		expect(files.some((f) => f.path.endsWith('compress/generated/nearest-kernel.ts'))).toBe(true);
	});

	for (const file of files) {
		it(`buildKernels() output equals the committed ${file.path} (run npm run build:kernels if not)`, () => {
			const committed = readFileSync(file.path);
			const fresh = typeof file.content === 'string' ? Buffer.from(file.content) : Buffer.from(file.content);
			expect(committed.equals(fresh)).toBe(true);
		});
	}

	it('KERNEL_BASE64 holds the same bytes as the committed .wasm files', () => {
		for (const name of ['simd', 'simd-shared', 'relaxed', 'relaxed-shared']) {
			const wasm = readFileSync(`kernels/wasm/maxsim-${name}.wasm`);
			expect(Buffer.from(KERNEL_BASE64[name], 'base64').equals(wasm)).toBe(true);
		}
	});

	it('STORAGE_KERNEL_BASE64 holds the same bytes as the committed storage .wasm files', () => {
		for (const name of ['storage', 'storage-shared']) {
			const wasm = readFileSync(`kernels/wasm/maxsim-${name}.wasm`);
			expect(Buffer.from(STORAGE_KERNEL_BASE64[name], 'base64').equals(wasm)).toBe(true);
		}
	});

	it('NEAREST_KERNEL_BASE64 holds the same bytes as the committed kernels/wasm/nearest-centroid.wasm', () => {
		expect(Buffer.from(NEAREST_KERNEL_BASE64, 'base64').equals(readFileSync('kernels/wasm/nearest-centroid.wasm'))).toBe(true);
	});
});
