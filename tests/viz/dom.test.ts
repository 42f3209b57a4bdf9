import { describe, expect, it } from 'vitest';
import { countText, formatScore } from '../../src/lib/viz/dom';

describe('text helpers of the views', () => {
	it('countText(n, one, many) puts the noun in the number of n and groups digits', () => {
		expect(countText(1, 'document')).toBe('1 document');
		expect(countText(0, 'document')).toBe('0 documents');
		expect(countText(1200, 'document')).toBe('1,200 documents');
		expect(countText(1, 'judged query', 'judged queries')).toBe('1 judged query');
		expect(countText(3, 'loss', 'losses')).toBe('3 losses');
	});

	it('formatScore(v) uses a real minus sign and never prints -0', () => {
		expect(formatScore(-0.12345)).toBe('−0.123');
		expect(formatScore(-0.0001)).toBe('0.000');
	});
});
