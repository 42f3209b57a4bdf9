/**
 * `npm run build:kernels`: regenerates the MaxSim kernels (`kernels/wasm/*.wat`, `*.wasm`) and
 * `src/lib/engine/maxsim/generated/kernels.ts` from `kernels/wasm/maxsim-template.ts`, and the WGSL
 * module (`kernels/build-wgsl.ts`, owned by the WebGPU backend) from `kernels/wgsl/*.wgsl`.
 * `--check` writes nothing and exits 1 when a committed file differs from a fresh build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKernels } from './build-kernels';
import { buildWgslFiles } from './build-wgsl';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const file of [...(await buildKernels()), ...buildWgslFiles()]) {
	const target = join(root, file.path);
	const fresh = typeof file.content === 'string' ? Buffer.from(file.content) : Buffer.from(file.content);
	let current: Buffer | undefined;
	try {
		current = readFileSync(target);
	} catch {
		current = undefined;
	}
	const same = current !== undefined && current.equals(fresh);
	if (check) {
		if (!same) {
			stale++;
			console.error(`stale: ${file.path} (run npm run build:kernels)`);
		}
	} else if (!same) {
		writeFileSync(target, fresh);
		console.log(`wrote ${file.path} (${fresh.length} bytes)`);
	} else {
		console.log(`unchanged ${file.path}`);
	}
}
if (check && stale === 0) console.log('kernels up to date');
process.exitCode = stale > 0 ? 1 : 0;
