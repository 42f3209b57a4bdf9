import { describe, expect, it } from 'vitest';
import { generateSyntheticCollection } from '../../../src/lib/engine/corpus/synthetic-multivector';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';

describe('generateSyntheticCollection', () => {
	const c = generateSyntheticCollection({ docs: 400, queries: 20, seed: 7 });

	it('generateSyntheticCollection({ docs, queries, seed }) gives dim 96 unit vectors, ~120 per document, and the same collection for the same seed', () => {
		expect(c.dim).toBe(96);
		expect(c.corpus.docs).toHaveLength(400);
		const mean = c.totalVectors / 400;
		expect(mean).toBeGreaterThan(105);
		expect(mean).toBeLessThan(135);
		const d = c.docVectors(3);
		expect(d.rows).toBe(c.tokenCount(3));
		for (let r = 0; r < d.rows; r++) {
			let s = 0;
			for (let k = 0; k < 96; k++) s += d.data[r * 96 + k] ** 2;
			expect(Math.abs(s - 1)).toBeLessThan(1e-5);
		}
		const again = generateSyntheticCollection({ docs: 400, queries: 20, seed: 7 });
		expect(Array.from(again.docVectors(3).data)).toEqual(Array.from(d.data));
		expect(again.corpus.docs[5].text).toBe(c.corpus.docs[5].text);
		expect(Array.from(generateSyntheticCollection({ docs: 400, queries: 20, seed: 8 }).docVectors(3).data.slice(0, 4))).not.toEqual(Array.from(d.data.slice(0, 4)));
	});

	it('generateSyntheticCollection: every query has its target judged 2, and exact MaxSim ranks the targets high', () => {
		let reciprocal = 0;
		for (const query of c.corpus.queries) {
			const judged = c.corpus.qrels.get(query.id)!;
			const targets = [...judged].filter(([, g]) => g === 2).map(([id]) => id);
			expect(targets).toHaveLength(1);
			expect([...judged.values()].every((g) => g === 1 || g === 2)).toBe(true);
			const qv = c.queryVectors(query.id)!;
			const target = maxSim(qv, c.docVectors(Number(targets[0].slice(1))));
			let better = 0;
			for (let i = 0; i < 400; i++) if (maxSim(qv, c.docVectors(i)) > target) better++;
			reciprocal += 1 / (better + 1);
		}
		// Not trivial, not random: the target is usually near the top.
		expect(reciprocal / c.corpus.queries.length).toBeGreaterThan(0.5);
	});

	it('generateSyntheticCollection({ text: false }) leaves document texts empty; queries keep their words', () => {
		const bare = generateSyntheticCollection({ docs: 50, queries: 3, text: false, dim: 16, tokensPerDoc: 20 });
		expect(bare.corpus.docs.every((d) => d.text === '')).toBe(true);
		expect(bare.corpus.queries[0].text).not.toBe('');
		expect(bare.docVectors(0).dim).toBe(16);
	});
});
