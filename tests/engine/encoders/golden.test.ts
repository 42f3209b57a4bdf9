/**
 * Golden ColBERT scores from sentence-transformers' / PyLate's tests (MODELS.md), for machines that
 * have the real models in local folders: set LATELAB_MODELS_DIR to a folder holding
 * `answerai-colbert-small-v1/` and/or `colbertv2.0/` (prepared as in docs/MODELS-GUIDE.md).
 * Skipped otherwise — the Hub is not reachable from CI.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadColbertEncoder } from '../../../src/lib/engine/encoders/colbert';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';

const QUERY = 'Which planet is known as the Red Planet?';
const DOCS = [
	'Venus is often called Earth\'s twin because of its similar size and proximity.',
	'Mars, known for its reddish appearance, is often referred to as the Red Planet.',
	'Jupiter, the largest planet in our solar system, has a prominent red spot.',
	'Saturn, famous for its rings, is sometimes mistaken for the Red Planet.'
];
const GOLDEN: Record<string, number[]> = {
	'answerai-colbert-small-v1': [30.56916, 31.48954, 31.30291, 31.30716],
	'colbertv2.0': [12.79703, 27.19449, 23.8495, 24.56564]
};

const root = process.env.LATELAB_MODELS_DIR;

for (const [name, expected] of Object.entries(GOLDEN)) {
	const dir = root ? join(root, name) : '';
	const present = dir !== '' && existsSync(join(dir, 'tokenizer.json'));
	const title = present ? `ColBERT golden scores: ${name}` : `skipped: ${name} not found (set LATELAB_MODELS_DIR to a folder holding ${name}/, see docs/MODELS-GUIDE.md)`;
	describe.skipIf(!present)(title, () => {
		it(`maxSim(encodeQuery, encodeDocuments) reproduces the reference scores of ${name} within 1e-3 (fp32)`, async () => {
			const colbert = await loadColbertEncoder({ id: name, localDir: dir, dtype: 'fp32' });
			const q = await colbert.encodeQuery(QUERY);
			const docs = await colbert.encodeDocuments(DOCS);
			const scores = docs.map((d) => maxSim(q.matrix, d.matrix));
			scores.forEach((s, i) => expect(Math.abs(s - expected[i])).toBeLessThan(1e-3));
			await colbert.dispose();
		}, 120_000);
	});
}
