import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MultiVectorDoc } from '../../../src/lib/engine/index/serialize';
import { uniformRandom as mulberry32 } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const dirs: string[] = [];

/** A fresh temporary folder, removed by `removeDirs`. */
export function tempDir(prefix = 'latelab-engines-'): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	dirs.push(dir);
	return dir;
}

export function removeDirs(): void {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** `rows x dim` seeded Gaussian-ish vectors, unit rows when `unit`, else scaled by 0.5..1.5. */
export function randomMatrix(rand: () => number, rows: number, dim: number, unit = true): TokenMatrix {
	const data = new Float32Array(rows * dim);
	for (let r = 0; r < rows; r++) {
		let n = 0;
		for (let k = 0; k < dim; k++) {
			const v = rand() + rand() + rand() - 1.5;
			data[r * dim + k] = v;
			n += v * v;
		}
		const scale = unit ? 1 / Math.sqrt(n) : (0.5 + rand()) / Math.sqrt(n);
		for (let k = 0; k < dim; k++) data[r * dim + k] *= scale;
	}
	return { data, rows, dim };
}

/** `n` documents of 3..10 vectors each, seeded. */
export function randomDocs(seed: number, n: number, dim: number, unit = true): MultiVectorDoc[] {
	const rand = mulberry32(seed);
	return Array.from({ length: n }, () => {
		const matrix = randomMatrix(rand, 3 + Math.floor(rand() * 8), dim, unit);
		return { matrix, ids: new Array<number>(matrix.rows).fill(-1), tokens: Array.from({ length: matrix.rows }, (_, i) => `t${i}`) };
	});
}

/** A source over `docs` handing out batches of `batch`. */
export function sourceOf(docs: MultiVectorDoc[], dim: number, batch = 7) {
	return {
		dim,
		async *documents() {
			for (let first = 0; first < docs.length; first += batch) yield { first, docs: docs.slice(first, first + batch) };
		}
	};
}
