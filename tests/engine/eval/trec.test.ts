import { describe, expect, it } from 'vitest';
import { formatTrecRun, readTrecRun } from '../../../src/lib/engine/eval/trec';
import { evaluateRun, type Run } from '../../../src/lib/engine/eval/metrics';
import { stringSource } from '../../../src/lib/engine/corpus/sources';
import { isLatelabError, type LatelabError } from '../../../src/lib/engine/errors';

async function failure(text: string): Promise<LatelabError> {
	try {
		await readTrecRun(stringSource(text), { file: 'run.trec' });
	} catch (error) {
		if (isLatelabError(error)) return error;
		throw error;
	}
	throw new Error('expected readTrecRun to throw');
}

describe('readTrecRun', () => {
	it('readTrecRun(source) reads whitespace-separated lines, skipping blank ones and accepting CRLF', async () => {
		const run = await readTrecRun(stringSource('q1 Q0 d7 1 12.5 bm25\r\n\r\nq1\tQ0\td3  2 -1e-3 bm25\nq2 Q0 d7 1 3 x\n'), { file: 'r' });
		expect([...run.keys()]).toEqual(['q1', 'q2']);
		expect(run.get('q1')).toEqual([
			{ id: 'd7', score: 12.5, rank: 1 },
			{ id: 'd3', score: -0.001, rank: 2 }
		]);
	});

	it('readTrecRun(source) names file and line for a wrong field count, rank or score', async () => {
		const fields = await failure('q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 1.0\n');
		expect([fields.code, fields.file, fields.line]).toEqual(['BAD_TREC_RUN', 'run.trec', 2]);
		expect(fields.message).toMatch(/^run\.trec:2: /);
		expect((await failure('q1 Q0 d1 first 2.0 t\n')).code).toBe('BAD_TREC_RUN');
		const score = await failure('\nq1 Q0 d1 1 NaN t\n');
		expect([score.code, score.line]).toEqual(['BAD_TREC_RUN', 2]);
		expect((await failure('q1 Q0 d1 1 1e999 t\n')).code).toBe('BAD_TREC_RUN');
	});

	it('readTrecRun(source) rejects a document listed twice for one query with DUPLICATE_ID', async () => {
		const dup = await failure('q1 Q0 d1 1 2 t\nq2 Q0 d1 1 2 t\nq1 Q0 d1 2 1 t\n');
		expect([dup.code, dup.line]).toEqual(['DUPLICATE_ID', 3]);
		expect(dup.message).toContain('line 1');
	});
});

describe('formatTrecRun', () => {
	it('formatTrecRun(run, tag) writes trec_eval order with ranks 1..n', () => {
		const run: Run = new Map([['q1', [{ id: 'a', score: 1, rank: 1 }, { id: 'b', score: 1, rank: 2 }, { id: 'c', score: 2.25, rank: 3 }]]]);
		expect(formatTrecRun(run, 'bm25')).toBe('q1 Q0 c 1 2.25 bm25\nq1 Q0 b 2 1 bm25\nq1 Q0 a 3 1 bm25\n');
		expect(formatTrecRun(new Map())).toBe('');
	});

	it('formatTrecRun(run) round-trips through readTrecRun with equal metrics', async () => {
		const run: Run = new Map([
			['q1', [{ id: 'd1', score: 0.1 + 0.2, rank: 1 }, { id: 'd2', score: 0.3, rank: 2 }]],
			['q2', [{ id: 'd3', score: -4, rank: 1 }]]
		]);
		const back = await readTrecRun(stringSource(formatTrecRun(run)), { file: 'x' });
		const qrels = new Map([['q1', new Map([['d2', 1]])], ['q2', new Map([['d3', 1]])]]);
		expect(evaluateRun(back, qrels)).toEqual(evaluateRun(run, qrels));
		expect(back.get('q1')![0].score).toBe(0.1 + 0.2);
	});

	it('formatTrecRun(run, tag) refuses ids and tags with whitespace', () => {
		expect(() => formatTrecRun(new Map([['q 1', []]]))).toThrow(/query id/);
		expect(() => formatTrecRun(new Map([['q1', [{ id: 'a b', score: 1, rank: 1 }]]]))).toThrow(/document id/);
		expect(() => formatTrecRun(new Map(), 'my run')).toThrow(/tag/);
	});
});
