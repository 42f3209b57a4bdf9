/**
 * The ten-document toy corpus the pipeline tests rank (planets, fruit, one wine): `d<i>` is `TOY_TEXTS[i]`.
 * Queries like `red planet` separate the planets from the fruit, so rankings are checkable by hand.
 */
import type { Corpus, Doc } from '../../src/lib/engine/types';

export const TOY_TEXTS = [
	'Mars is called the red planet because of iron oxide dust.',
	'Venus is the hottest planet in the solar system.',
	'Jupiter is the largest planet and has a great red spot.',
	'Apples and pears grow in orchards.',
	'A red apple a day keeps the doctor away.',
	'Saturn has rings made of ice and rock.',
	'The planet Mercury orbits closest to the sun.',
	'Oranges are citrus fruit rich in vitamin C.',
	'Red wine is made from dark grapes.',
	'Neptune is a cold blue planet far from the sun.'
];

export const TOY_DOCS: Doc[] = TOY_TEXTS.map((text, i) => ({ id: `d${i}`, title: '', text }));

/** The toy corpus `toy`, without queries or judgements. */
export const TOY_CORPUS: Corpus = { name: 'toy', docs: TOY_DOCS, queries: [], qrels: new Map(), warnings: [] };
