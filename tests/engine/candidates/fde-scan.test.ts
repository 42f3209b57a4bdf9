import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildFdeScan, FDE_TS } from '../../../kernels/build-fde';

describe('FDE scan kernel build', () => {
	it('src/lib/engine/candidates/fde-scan-wasm.ts holds the bytes of fde-scan.wat as assembled now (run npx tsx kernels/build-fde.ts)', async () => {
		expect(readFileSync(FDE_TS, 'utf8')).toBe(await buildFdeScan());
	});
});
