import { describe, expect, it } from 'vitest';
import { normalizeSpans, shadedText } from '../../src/lib/viz';
import { compareSnapshot, testDocument } from './snapshot';

describe('shadedText', () => {
	it('shadedText(data) matches its snapshot', () => {
		const el = shadedText(
			{ text: 'The cat sat on the mat.', spans: [{ start: 4, end: 7, weight: 2, label: 'cat' }, { start: 19, end: 22, weight: 0.5 }] },
			{ document: testDocument() }
		);
		expect(compareSnapshot('shaded-text', el)).toBeUndefined();
	});

	it('shadedText(data) keeps every character of the text in order', () => {
		const text = 'alpha beta gamma';
		const el = shadedText({ text, spans: [{ start: 6, end: 10, weight: 1 }] }, { document: testDocument() });
		expect(el.textContent).toBe(text);
		expect(el.querySelector('mark')?.textContent).toBe('beta');
	});

	it('shadedText(data) renders <script> and <img onerror> as characters, creating no elements', () => {
		const doc = testDocument();
		const text = 'x <script>alert(1)</script> y <img src=x onerror=alert(2)> z';
		const el = shadedText({ text, spans: [{ start: 2, end: 10, weight: 1 }] }, { document: doc });
		doc.body.append(el);
		expect(doc.querySelector('script')).toBeNull();
		expect(doc.querySelector('img')).toBeNull();
		expect(el.textContent).toBe(text);
		expect(el.querySelector('mark')?.textContent).toBe('<script>');
	});

	it('shadedText(data, { maxChars }) truncates long text with a notice', () => {
		const el = shadedText({ text: 'a'.repeat(50), spans: [{ start: 5, end: 45, weight: 1 }] }, { document: testDocument(), maxChars: 10 });
		expect(el.querySelector('mark')?.textContent).toBe('aaaaa');
		expect(el.querySelector('.latelab-truncated')?.textContent).toContain('first 10 of 50 characters');
	});

	it('normalizeSpans(text, spans) sorts, clips overlaps and drops empty spans', () => {
		expect(normalizeSpans('abcdef', [{ start: 2, end: 5, weight: 1 }, { start: 0, end: 3, weight: 2 }, { start: 4, end: 4, weight: 9 }, { start: 5, end: 99, weight: 3 }]))
			.toEqual([{ start: 0, end: 3, weight: 2 }, { start: 3, end: 5, weight: 1 }, { start: 5, end: 6, weight: 3 }]);
	});

	it('shadedText(data) makes the heaviest span the most opaque', () => {
		const el = shadedText({ text: 'aa bb', spans: [{ start: 0, end: 2, weight: 1 }, { start: 3, end: 5, weight: 4 }] }, { document: testDocument() });
		const alpha = [...el.querySelectorAll('mark')].map((m) => Number(/([\d.]+)\)$/.exec((m as HTMLElement).style.backgroundColor)?.[1]));
		expect(alpha[1]).toBeGreaterThan(alpha[0]);
	});
});
