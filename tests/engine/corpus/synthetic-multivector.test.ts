import { describe, expect, it } from 'vitest';
import { defaultSyntheticTopics, generateSyntheticCollection } from '../../../src/lib/engine/corpus/synthetic-multivector';
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
		const docs = Array.from({ length: 400 }, (_, i) => c.docVectors(i));
		let reciprocal = 0;
		for (const query of c.corpus.queries) {
			const judged = c.corpus.qrels.get(query.id)!;
			const targets = [...judged].filter(([, g]) => g === 2).map(([id]) => id);
			expect(targets).toHaveLength(1);
			expect([...judged.values()].every((g) => g === 1 || g === 2)).toBe(true);
			const qv = c.queryVectors(query.id)!;
			const target = maxSim(qv, docs[Number(targets[0].slice(1))]);
			let better = 0;
			for (let i = 0; i < 400; i++) if (maxSim(qv, docs[i]) > target) better++;
			reciprocal += 1 / (better + 1);
		}
		// Not trivial, not random: the target is usually near the top (32-vector queries: ~0.8 at 2,000
		// to 10,000 documents, where the word-only queries reach 0.93-1.0).
		expect(reciprocal / c.corpus.queries.length).toBeGreaterThan(0.5);
		expect(reciprocal / c.corpus.queries.length).toBeLessThan(1);
	});

	it("generateSyntheticCollection: queries are ColBERT-shaped by default (32 vectors: [CLS] [Q] words [SEP] [MASK]...), the [MASK] vectors mixtures leaning on the words; queryShape 'terms' keeps [CLS] + words", () => {
		const terms = generateSyntheticCollection({ docs: 400, queries: 20, seed: 7, queryShape: 'terms' });
		let nearestWord = 0;
		let masks = 0;
		for (const query of c.corpus.queries) {
			const qv = c.queryVectors(query.id)!;
			const words = query.text.split(' ').length;
			expect(qv.rows).toBe(32);
			expect(terms.queryVectors(query.id)!.rows).toBe(words + 1);
			// The word rows are the same draws in both shapes' structure: unit vectors.
			for (let r = 0; r < 32; r++) {
				let s = 0;
				for (let k = 0; k < 96; k++) s += qv.data[r * 96 + k] ** 2;
				expect(Math.abs(s - 1)).toBeLessThan(1e-5);
			}
			for (let m = 3 + words; m < 32; m++, masks++) {
				let best = -1;
				for (let w = 2; w < 2 + words; w++) {
					let dot = 0;
					for (let k = 0; k < 96; k++) dot += qv.data[m * 96 + k] * qv.data[w * 96 + k];
					best = Math.max(best, dot);
				}
				nearestWord += best;
			}
		}
		// Unrelated unit vectors in 96 dimensions have cosine ~0 (sd 0.1); a [MASK] vector sits near a word.
		expect(nearestWord / masks).toBeGreaterThan(0.4);
		expect(nearestWord / masks).toBeLessThan(0.95);
		expect(() => generateSyntheticCollection({ docs: 10, queries: 1, queryLength: 3 })).toThrow(/queryLength/);
	});

	it('generateSyntheticCollection({ text: false }) leaves document texts empty; queries keep their words', () => {
		const bare = generateSyntheticCollection({ docs: 50, queries: 3, text: false, dim: 16, tokensPerDoc: 20 });
		expect(bare.corpus.docs.every((d) => d.text === '')).toBe(true);
		expect(bare.corpus.queries[0].text).not.toBe('');
		expect(bare.docVectors(0).dim).toBe(16);
	});

	it('defaultSyntheticTopics(docs) is one topic per 100 documents within 8..400, and is what the generator uses when topics is not given', () => {
		expect([100, 2_000, 10_000, 40_000, 100_000].map(defaultSyntheticTopics)).toEqual([8, 20, 100, 400, 400]);
		const options = { docs: 1_200, queries: 4, seed: 3, dim: 16, tokensPerDoc: 12 };
		const byDefault = generateSyntheticCollection(options);
		const given = generateSyntheticCollection({ ...options, topics: defaultSyntheticTopics(options.docs) });
		const other = generateSyntheticCollection({ ...options, topics: 30 });
		expect(given.corpus.docs.map((d) => d.text)).toEqual(byDefault.corpus.docs.map((d) => d.text));
		expect(other.corpus.docs.map((d) => d.text)).not.toEqual(byDefault.corpus.docs.map((d) => d.text));
	});
});
