import { describe, expect, it } from 'vitest';
import { loadCollection, modelRef, show, table } from '../../src/lib/lessons/nb';
import { formatValue, modelRefFor, tableHtml } from '../../src/lib/lessons/format';
import { collectionDir, missingCollectionReason } from '../support/data';

describe('modelRefFor(role, mode)', () => {
	it('modelRefFor() picks the test models, the Hub ids or a local folder by mode', () => {
		expect(modelRefFor('colbert', 'test')).toEqual({ id: 'latelab-test/tiny-colbert-pylate', localDir: 'tests/fixtures/generated' });
		expect(modelRefFor('bi-encoder', 'hub')).toEqual({ id: 'Xenova/all-MiniLM-L6-v2' });
		expect(modelRefFor('cross-encoder', '/models')).toEqual({ id: 'ms-marco-MiniLM-L-6-v2', localDir: '/models' });
	});

	it('modelRef() follows LATELAB_MODELS, defaulting to the Hub', () => {
		const saved = process.env.LATELAB_MODELS;
		try {
			delete process.env.LATELAB_MODELS;
			expect(modelRef('colbert').id).toBe('answerdotai/answerai-colbert-small-v1');
			process.env.LATELAB_MODELS = 'test';
			expect(modelRef('colbert').localDir).toBe('tests/fixtures/generated');
		} finally {
			if (saved === undefined) delete process.env.LATELAB_MODELS;
			else process.env.LATELAB_MODELS = saved;
		}
	});
});

describe('tableHtml(rows, options)', () => {
	it('tableHtml() escapes text, right-aligns numeric columns and rounds to digits', () => {
		const html = tableHtml([{ doc: '<i>a</i>', score: 1.23456 }, { doc: 'b&c', score: 2 }], { digits: 2, caption: 'x<y' });
		expect(html).toContain('<td>&lt;i&gt;a&lt;/i&gt;</td>');
		expect(html).toContain('<td style="text-align:right">1.23</td>');
		expect(html).toContain('<caption>x&lt;y</caption>');
		expect(html).toContain('b&amp;c');
	});

	it('formatValue() shortens long arrays', () => {
		expect(formatValue(Float32Array.from({ length: 10 }, (_, i) => i))).toBe('[0, 1, 2, 3, 4, 5, 6, 7, … (10)]');
	});
});

describe('show(view) and table(rows) outside a kernel', () => {
	it('show() prints the markup when tslab is not running', () => {
		const lines: string[] = [];
		const original = console.log;
		console.log = (s: string) => lines.push(s);
		try {
			show('<b>x</b>');
			table([{ a: 1 }]);
		} finally {
			console.log = original;
		}
		expect(lines[0]).toBe('<b>x</b>');
		expect(lines[1]).toContain('<table class="lesson-table">');
	});
});

describe('loadCollection(name)', () => {
	it('loadCollection() falls back to the demo corpus and says so', async () => {
		const c = await loadCollection('no-such-collection');
		expect(c.name).toBe('demo');
		expect(c.corpus.docs).toHaveLength(112);
		expect(c.source).toMatch(/no-such-collection not found .* demo corpus/);
	});

	const dir = collectionDir('scifact');
	it.skipIf(!dir)(`loadCollection('scifact') reads the shared copy with its test qrels${dir ? '' : ` (${missingCollectionReason('scifact')})`}`, async () => {
		const c = await loadCollection('scifact');
		expect(c.name).toBe('scifact');
		expect(c.corpus.docs).toHaveLength(5183);
		expect(c.corpus.qrels.size).toBe(300);
	});
});
