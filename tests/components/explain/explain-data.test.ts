import { describe, expect, it } from 'vitest';
import { barLabels, queryKinds, topShares } from '../../../src/lib/components/explain/explain-data';
import { formatBytes, formatEta } from '../../../src/lib/components/models/format';

describe('explanation data for the views', () => {
	it('topShares(tokens, values, keep) keeps the largest shares in text order and sums the rest into one bar', () => {
		const r = topShares(['a', 'b', 'c', 'd'], [0.5, 0.01, -0.2, 0.02], 2);
		expect(r.tokens).toEqual(['a', 'c', '+2 more']);
		expect(r.values[2]).toBeCloseTo(0.03, 9);
		expect(r.values.reduce((s, v) => s + v, 0)).toBeCloseTo(0.33, 9);
	});

	it('queryKinds(tokens, augmentation) marks augmentation rows as mask whatever their text', () => {
		expect(queryKinds(['[CLS]', 'cat', '[PAD]'], [false, false, true])).toEqual(['marker', 'token', 'mask']);
		expect(barLabels(['cat', '[MASK]'], [false, true])).toEqual(['cat', '[MASK] 1']);
	});

	it('formatBytes(n) and formatEta(s) read naturally', () => {
		expect(formatBytes(1536)).toBe('1.5 kB');
		expect(formatBytes(0)).toBe('0 B');
		expect(formatEta(75)).toBe('1 min 15 s');
		expect(formatEta(undefined)).toBe('…');
	});
});
