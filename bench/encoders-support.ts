/**
 * Inputs of `encoders.bench.ts`: the generated test models and reproducible texts of mixed lengths
 * drawn from the models' own word list (so every word is one word piece).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../tests/fixtures/bert-graph';
import { FIXTURE_MODELS, fixtureModelDir, generateFixtures } from '../tests/fixtures/generate';

export { FIXTURE_MODELS, fixtureModelDir, generateFixtures };

/** `n` texts of `min`..`max` words, seeded. */
export function seededWords(n: number, min: number, max: number): string[] {
	const vocab = readFileSync(join(fixtureModelDir(FIXTURE_MODELS.biEncoder), 'vocab.txt'), 'utf8')
		.split('\n')
		.filter((w) => /^[a-z]{3,}$/.test(w));
	const rand = seededRandom(7);
	return Array.from({ length: n }, () => {
		const len = min + Math.floor(rand() * (max - min + 1));
		return Array.from({ length: len }, () => vocab[Math.floor(rand() * vocab.length)]).join(' ');
	});
}
