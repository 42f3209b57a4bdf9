import { describe, expect, it } from 'vitest';
import { PostingsBuilder } from '../../../src/lib/engine/lexical';

describe('PostingsBuilder', () => {
	it('PostingsBuilder.finish() lays postings out by term, documents ascending, with tf and lengths', () => {
		const builder = new PostingsBuilder();
		builder.addDocument(['cat', 'sat', 'cat']);
		builder.addDocument(['dog']);
		builder.addDocument([]);
		builder.addDocument(['dog', 'cat']);
		const index = builder.finish();
		expect(index.terms).toEqual(['cat', 'sat', 'dog']);
		expect(Array.from(index.postingsStart)).toEqual([0, 2, 3, 5]);
		expect(Array.from(index.postingDocs)).toEqual([0, 3, 0, 1, 3]);
		expect(Array.from(index.postingTfs)).toEqual([2, 1, 1, 1, 1]);
		expect(Array.from(index.docLengths)).toEqual([3, 1, 0, 2]);
	});

	it('PostingsBuilder.addDocument(terms) grows past its initial capacity', () => {
		const builder = new PostingsBuilder();
		for (let d = 0; d < 50; d++) builder.addDocument(Array.from({ length: 100 }, (_, i) => `t${d * 100 + i}`));
		const index = builder.finish();
		expect(index.terms).toHaveLength(5000);
		expect(index.postingDocs[4999]).toBe(49);
		expect(builder.size).toBe(50);
	});
});
