/** The committed kernel builds (`.wat`, `.wasm`, generated base64 module) equal a fresh build of the template. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildKernels } from '../../kernels/build-kernels';
import { KERNEL_BASE64 } from '../../src/lib/engine/maxsim/generated/kernels';

describe('buildKernels()', async () => {
	const files = await buildKernels();

	it('buildKernels() builds 4 .wasm variants, their .wat and the generated module', () => {
		expect(files.filter((f) => f.path.endsWith('.wasm')).length).toBe(4);
		expect(files.filter((f) => f.path.endsWith('.wat')).length).toBe(4);
		expect(files.some((f) => f.path.endsWith('generated/kernels.ts'))).toBe(true);
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
});
