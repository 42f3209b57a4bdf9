import { describe, expect, it } from 'vitest';
import { corpusFingerprint } from '../../../src/lib/engine/corpus/index';
import { loadCorpusFromPath, loadQrelsFile } from '../../../src/lib/engine/corpus/node-files';
import { collectionDir, missingCollectionReason } from '../../support/data';
import { expectError } from './expect-error';

const scifact = collectionDir('scifact');
const cisi = collectionDir('cisi');
const cranfield = collectionDir('cranfield');
const cacm = collectionDir('cacm');
/** Appended to a test name when its collection is absent, so the skip says why. */
const why = (dir: string | null, name: string) => (dir ? '' : ` (${missingCollectionReason(name)})`);
const judgments = (qrels: Map<string, Map<string, number>>) => [...qrels.values()].reduce((n, m) => n + m.size, 0);

describe('loadCorpusFromPath on the shared collections', () => {
	it.skipIf(!scifact)(`loadCorpusFromPath(scifact) gives 5,183 docs, 1,109 queries, 300 judged test queries${why(scifact, 'scifact')}`, async () => {
		const corpus = await loadCorpusFromPath(scifact!);
		expect(corpus.docs).toHaveLength(5183);
		expect(corpus.queries).toHaveLength(1109);
		expect(corpus.qrels.size).toBe(300);
		expect(judgments(corpus.qrels)).toBe(339);
		expect(corpus.warnings).toEqual([]);
		expect(corpus.docs[0].id).toBe('4983');
		const train = await loadCorpusFromPath(scifact!, { split: 'train' });
		expect(judgments(train.qrels)).toBe(919);
		expect(await corpusFingerprint(corpus.docs)).toBe(await corpusFingerprint(train.docs));
	});

	it.skipIf(!scifact)(`loadQrelsFile(scifact test.tsv) matches the folder loader${why(scifact, 'scifact')}`, async () => {
		const qrels = await loadQrelsFile(`${scifact}/qrels/test.tsv`);
		expect(qrels.size).toBe(300);
		expect(qrels.get('1')?.get('31715818')).toBe(1);
	});

	it.skipIf(!cisi)(`loadCorpusFromPath(cisi) gives 1,460 docs, 112 queries, 76 judged${why(cisi, 'cisi')}`, async () => {
		const corpus = await loadCorpusFromPath(cisi!);
		expect([corpus.docs.length, corpus.queries.length, corpus.qrels.size, judgments(corpus.qrels)]).toEqual([1460, 112, 76, 3114]);
		expect(corpus.warnings).toEqual([]);
	});

	it.skipIf(!cranfield)(`loadCorpusFromPath(cranfield) gives 1,400 docs and 225 judged queries with graded scores${why(cranfield, 'cranfield')}`, async () => {
		const corpus = await loadCorpusFromPath(cranfield!);
		expect([corpus.docs.length, corpus.queries.length, corpus.qrels.size, judgments(corpus.qrels)]).toEqual([1400, 225, 225, 1612]);
		const scores = new Set([...corpus.qrels.values()].flatMap((m) => [...m.values()]));
		expect([...scores].every((s) => s >= 1 && s <= 4)).toBe(true);
		expect(scores.size).toBeGreaterThan(2);
		expect(corpus.warnings).toEqual([expect.stringMatching(/2 documents have neither title nor text/)]);
	});

	it.skipIf(!cacm)(`loadCorpusFromPath(cacm) stops at the repeated id "28" on line 2856 by default${why(cacm, 'cacm')}`, async () => {
		const error = await expectError(loadCorpusFromPath(cacm!), 'DUPLICATE_ID', { line: 2856 });
		expect(error.message).toContain('first seen on line 28');
	});

	it.skipIf(!cacm)(`loadCorpusFromPath(cacm, { duplicateIds: "keep-first" }) loads title-only docs and maps zero-padded qrels ids${why(cacm, 'cacm')}`, async () => {
		const corpus = await loadCorpusFromPath(cacm!, { duplicateIds: 'keep-first' });
		expect([corpus.docs.length, corpus.queries.length, corpus.qrels.size, judgments(corpus.qrels)]).toEqual([3203, 64, 52, 796]);
		const titleOnly = corpus.docs.filter((d) => d.text === '' && d.title !== '');
		expect(titleOnly.length).toBeGreaterThan(1000);
		expect(corpus.docs.find((d) => d.id === '1')).toEqual({ id: '1', title: 'Preliminary Report-International Algebraic Language', text: '' });
		expect(corpus.warnings).toHaveLength(2);
		expect(corpus.warnings[1]).toMatch(/55 judgment\(s\) name document ids with leading zeros/);
		const docIds = new Set(corpus.docs.map((d) => d.id));
		for (const perQuery of corpus.qrels.values()) for (const id of perQuery.keys()) expect(docIds.has(id)).toBe(true);
	});
});
