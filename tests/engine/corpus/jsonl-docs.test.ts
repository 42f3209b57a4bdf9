import { describe, expect, it } from 'vitest';
import { readJsonlDocs, readJsonlQueries, stringSource } from '../../../src/lib/engine/corpus/index';
import { expectError } from './expect-error';

const docs = (text: string, options: Partial<Parameters<typeof readJsonlDocs>[1]> = {}) =>
	readJsonlDocs(stringSource(text), { file: 'c.jsonl', ...options });

describe('readJsonlDocs', () => {
	it('readJsonlDocs(source) stringifies numeric ids, defaults a missing or null title, keeps empty text', async () => {
		const { docs: out } = await docs('{"_id": 12, "text": "a"}\n{"_id": "b", "title": null, "text": ""}\n{"_id": "c", "title": "T", "text": "x", "metadata": {"k": 1}}');
		expect(out).toEqual([
			{ id: '12', title: '', text: 'a' },
			{ id: 'b', title: '', text: '' },
			{ id: 'c', title: 'T', text: 'x' }
		]);
	});

	it('readJsonlDocs(source) warns about documents with neither title nor text', async () => {
		const { warnings } = await docs('{"_id": "a", "text": ""}\n{"_id": "b", "text": " "}\n{"_id": "c", "text": "x"}');
		expect(warnings).toEqual(['c.jsonl: 2 documents have neither title nor text (e.g. "a")']);
	});

	it('readJsonlDocs(source) rejects a line that is JSON but not an object, on its line', async () => {
		await expectError(docs('{"_id": "a", "text": "x"}\n["b", "y"]\n'), 'MALFORMED_JSON', { line: 2 });
	});

	it('readJsonlDocs(source) names a broken line by the file and its line, and the place as a character of that line', async () => {
		const error = await docs('{"_id": "a", "text": "x"}\n{"_id": "b", "text": "unfinished\n').catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/^c\.jsonl:2: malformed JSON: .* at character \d+ of the line$/);
		expect((error as Error).message).not.toMatch(/line 1 column/);
	});

	it('readJsonlDocs(source) rejects empty, boolean and object ids on their line', async () => {
		await expectError(docs('{"_id": "", "text": "x"}'), 'BAD_FIELD', { line: 1 });
		await expectError(docs('{"_id": "a", "text": "x"}\n{"_id": true, "text": "x"}'), 'BAD_FIELD', { line: 2 });
		await expectError(docs('{"_id": {"n": 1}, "text": "x"}'), 'BAD_FIELD', { line: 1 });
	});

	it('readJsonlDocs(source) rejects a non-string or null text', async () => {
		await expectError(docs('{"_id": "a", "text": 5}'), 'BAD_FIELD', { line: 1 });
		await expectError(docs('{"_id": "a", "text": null}'), 'BAD_FIELD', { line: 1 });
	});

	it('readJsonlDocs(source, { idKeys, generateIds }) reads "id" and numbers missing ids by document position', async () => {
		const { docs: out } = await docs('{"text": "a"}\n{"id": "x", "text": "b"}\n{"text": "c"}', { idKeys: ['_id', 'id'], generateIds: true });
		expect(out.map((d) => d.id)).toEqual(['doc-1', 'x', 'doc-3']);
	});

	it('readJsonlDocs(source) reports a generated id that collides with a given one as a duplicate', async () => {
		await expectError(docs('{"_id": "doc-2", "text": "a"}\n{"text": "b"}', { generateIds: true }), 'DUPLICATE_ID', { line: 2 });
	});

	it('readJsonlDocs(source, { onDocs }) reports the running count', async () => {
		const counts: number[] = [];
		const lines = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ _id: `d${i}`, text: 't' })).join('\n');
		await docs(lines, { onDocs: (n) => counts.push(n) });
		expect(counts).toEqual([1000, 2000, 2500]);
	});
});

describe('readJsonlQueries', () => {
	it('readJsonlQueries(source) reads ids and texts and rejects duplicates with both lines', async () => {
		const { queries } = await readJsonlQueries(stringSource('{"_id": 1, "text": "a"}\n{"_id": "2", "text": "b"}'), { file: 'queries.jsonl' });
		expect(queries).toEqual([
			{ id: '1', text: 'a' },
			{ id: '2', text: 'b' }
		]);
		const error = await expectError(
			readJsonlQueries(stringSource('{"_id": "1", "text": "a"}\n\n{"_id": 1, "text": "b"}'), { file: 'queries.jsonl' }),
			'DUPLICATE_ID',
			{ file: 'queries.jsonl', line: 3 }
		);
		expect(error.message).toContain('first seen on line 1');
	});

	it('readJsonlQueries(source) requires _id and text', async () => {
		await expectError(readJsonlQueries(stringSource('{"text": "a"}'), { file: 'q.jsonl' }), 'MISSING_FIELD', { line: 1 });
		await expectError(readJsonlQueries(stringSource('{"_id": "a"}'), { file: 'q.jsonl' }), 'MISSING_FIELD', { line: 1 });
	});
});
