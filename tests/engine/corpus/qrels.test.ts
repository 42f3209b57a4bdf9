import { describe, expect, it } from 'vitest';
import { crossCheckQrels, readQrels, stringSource } from '../../../src/lib/engine/corpus/index';
import type { Doc } from '../../../src/lib/engine/types';
import { expectError } from './expect-error';

const read = (text: string) => readQrels(stringSource(text), { file: 'q.tsv' });
const doc = (id: string): Doc => ({ id, title: '', text: '' });

describe('readQrels', () => {
	it('readQrels(source) skips the BEIR header and reads graded integer scores', async () => {
		const { qrels, judgments } = await read('query-id\tcorpus-id\tscore\n1\t184\t3\n1\t29\t0\n2\tx\t1\n');
		expect(judgments).toBe(3);
		expect(Object.fromEntries(qrels.get('1')!)).toEqual({ '184': 3, '29': 0 });
		expect(qrels.get('2')?.get('x')).toBe(1);
	});

	it('readQrels(source) also reads headerless TREC qrels (qid iter docid rel)', async () => {
		const { qrels } = await read('401 0 FBIS3-10082 1\n401 0 FBIS3-10169 0\n');
		expect(Object.fromEntries(qrels.get('401')!)).toEqual({ 'FBIS3-10082': 1, 'FBIS3-10169': 0 });
	});

	it('readQrels(source) reports a bad line after the header with its line number', async () => {
		await expectError(read('query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t1.5\n'), 'BAD_QRELS_LINE', { file: 'q.tsv', line: 3 });
		await expectError(read('q1\td1\t1\nq1\td2\tscore\n'), 'BAD_QRELS_LINE', { line: 2 });
		await expectError(read('q1\td1\t1\n\t\t1\n'), 'BAD_QRELS_LINE', { line: 2 });
		// A well-shaped line with a fractional grade names the grade as the problem, and both formats are named.
		await expect(read('q1\td1\t1\nq3\td1\t1.5\n')).rejects.toThrow(/TREC\) with an integer grade, got "q3\\td1\\t1\.5" \(the grade "1\.5" is not an integer\)/);
	});

	it('readQrels(source) keeps the last of repeated judgments and warns with the count', async () => {
		const { qrels, warnings } = await read('q\td\t1\nq\td\t2\nq\td\t0\n');
		expect(qrels.get('q')?.get('d')).toBe(0);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/2 repeated judgment/);
	});
});

describe('crossCheckQrels', () => {
	it('crossCheckQrels(qrels, docs, queries) counts unknown documents (kept) and unknown queries (dropped)', () => {
		const qrels = new Map([
			['q1', new Map([['d1', 1], ['gone', 1], ['gone2', 2]])],
			['q9', new Map([['d1', 1]])]
		]);
		const { qrels: out, warnings } = crossCheckQrels(qrels, [doc('d1')], [{ id: 'q1', text: '' }], 'q.tsv');
		expect([...out.keys()]).toEqual(['q1']);
		expect(out.get('q1')?.size).toBe(3);
		expect(warnings[0]).toMatch(/2 judgment\(s\) name 2 document id\(s\) not in the corpus/);
		expect(warnings[1]).toMatch(/1 judgment\(s\) name 1 query id\(s\) not in the queries \(e\.g\. "q9"\); dropped/);
	});

	it('crossCheckQrels(qrels, docs, undefined) keeps every query when the collection has no queries file', () => {
		const { qrels, warnings } = crossCheckQrels(new Map([['q9', new Map([['d1', 1]])]]), [doc('d1')], undefined, 'q.tsv');
		expect(qrels.size).toBe(1);
		expect(warnings).toEqual([]);
	});

	it('crossCheckQrels(qrels, docs, queries) maps zero-padded ids only when the unpadded id exists', () => {
		const qrels = new Map([['01', new Map([['0756', 1], ['0999', 1], ['0', 1]])]]);
		const { qrels: out, warnings } = crossCheckQrels(qrels, [doc('756'), doc('0')], [{ id: '1', text: '' }], 'q.tsv');
		expect(Object.fromEntries(out.get('1')!)).toEqual({ '756': 1, '0999': 1, '0': 1 });
		expect(warnings.join('\n')).toMatch(/"0756" -> "756"/);
		expect(warnings.join('\n')).toMatch(/"01" -> "1"/);
		expect(warnings.join('\n')).toMatch(/1 judgment\(s\) name 1 document id\(s\) not in the corpus \(e\.g\. "0999"\)/);
	});
});
