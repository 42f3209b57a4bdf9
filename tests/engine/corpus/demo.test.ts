import { describe, expect, it } from 'vitest';
import {
	DEMO_TAGS,
	demoCorpusFile,
	demoDocTopic,
	demoQueryInfo,
	loadDemoCorpus
} from '../../../src/lib/engine/corpus/demo';
import { Bm25Index } from '../../../src/lib/engine/lexical/bm25';

const demo = loadDemoCorpus();
const file = demoCorpusFile();
const docById = new Map(demo.docs.map((d) => [d.id, d]));

// Function words only: the paraphrase claim is about content words, so this list stays short.
const STOP = new Set(
	('a an and are as at be but by can do does for from get how i in into is it its my no not of on or out ' +
		'that the their them they this to was what when where which why will with you your').split(' ')
);

/** Lowercase words (letters and digits), minus STOP. */
function contentWords(text: string): string[] {
	return text
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => w && !STOP.has(w));
}

/** A word and its crude singular, so "symptom" and "symptoms" count as shared. */
function forms(word: string): string[] {
	return word.length > 3 && word.endsWith('s') ? [word, word.slice(0, -1)] : [word];
}

function sharedContentWords(query: string, docId: string): string[] {
	const doc = docById.get(docId)!;
	const docForms = new Set(contentWords(`${doc.title} ${doc.text}`).flatMap(forms));
	return contentWords(query).filter((w) => forms(w).some((f) => docForms.has(f)));
}

function countOf(word: string, text: string): number {
	return contentWords(text).filter((w) => w === word).length;
}

function gradesOf(qid: string): Map<string, number> {
	return demo.qrels.get(qid)!;
}

function idsWithGrade(qid: string, grade: number): string[] {
	return [...gradesOf(qid)].filter(([, g]) => g === grade).map(([id]) => id);
}

const queriesTagged = (tag: string) => file.queries.filter((q) => q.shows === tag);

/** The judged-0 documents that contain every query word at least twice. */
function stuffedDecoys(qid: string, query: string): string[] {
	return idsWithGrade(qid, 0).filter((id) => {
		const doc = docById.get(id)!;
		const all = `${doc.title} ${doc.text}`;
		return contentWords(query).every((w) => countOf(w, all) >= 2);
	});
}

describe('loadDemoCorpus()', () => {
	it('loadDemoCorpus() has unique document and query ids', () => {
		expect(new Set(demo.docs.map((d) => d.id)).size).toBe(demo.docs.length);
		expect(new Set(demo.queries.map((q) => q.id)).size).toBe(demo.queries.length);
	});

	it('loadDemoCorpus() has at least 90 passages over at least 6 topics, each titled and 25-90 words', () => {
		expect(demo.docs.length).toBeGreaterThanOrEqual(90);
		expect(new Set(file.docs.map((d) => d.topic)).size).toBeGreaterThanOrEqual(6);
		for (const doc of demo.docs) {
			const words = doc.text.split(/\s+/).length;
			expect(doc.title.length, doc.id).toBeGreaterThan(0);
			expect(words, doc.id).toBeGreaterThanOrEqual(25);
			expect(words, doc.id).toBeLessThanOrEqual(90);
		}
	});

	it('loadDemoCorpus() qrels name only existing queries and documents, with grades 0-3', () => {
		const queryIds = new Set(demo.queries.map((q) => q.id));
		for (const [qid, judged] of demo.qrels) {
			expect(queryIds.has(qid), qid).toBe(true);
			for (const [docId, grade] of judged) {
				expect(docById.has(docId), `${qid} -> ${docId}`).toBe(true);
				expect([0, 1, 2, 3], `${qid} -> ${docId}`).toContain(grade);
			}
		}
	});

	it('loadDemoCorpus() has at least 24 queries, each judged with a relevant (>= 2) and a non-relevant (0) document', () => {
		expect(demo.queries.length).toBeGreaterThanOrEqual(24);
		for (const q of demo.queries) {
			const grades = [...(demo.qrels.get(q.id)?.values() ?? [])];
			expect(grades.some((g) => g >= 2), q.id).toBe(true);
			expect(grades.includes(0), q.id).toBe(true);
		}
	});

	it('loadDemoCorpus() judgments are graded, using every grade from 0 to 3', () => {
		const used = new Set([...demo.qrels.values()].flatMap((j) => [...j.values()]));
		expect([...used].sort()).toEqual([0, 1, 2, 3]);
	});

	it('loadDemoCorpus() returns a fresh copy on every call', () => {
		const mine = loadDemoCorpus();
		mine.docs.pop();
		mine.qrels.get('q01')!.set('med-01', 0);
		const again = loadDemoCorpus();
		expect(again.docs.length).toBe(demo.docs.length);
		expect(again.qrels.get('q01')!.get('med-01')).toBe(3);
	});
});

describe('demoQueryInfo(id)', () => {
	it('demoQueryInfo(id) gives every query a one-sentence purpose and a known tag', () => {
		for (const q of demo.queries) {
			const info = demoQueryInfo(q.id);
			expect(info, q.id).toBeDefined();
			expect(DEMO_TAGS, q.id).toContain(info!.shows);
			expect(info!.purpose.length, q.id).toBeGreaterThan(20);
		}
	});

	it('demoQueryInfo(id) is undefined for an id outside the demo corpus', () => {
		expect(demoQueryInfo('PLAIN-1')).toBeUndefined();
		expect(demoDocTopic('PLAIN-1')).toBeUndefined();
		expect(demoDocTopic('geo-03')).toBe('geography');
	});

	it('demoQueryInfo(id) covers every tag with at least 2 queries', () => {
		for (const tag of DEMO_TAGS) expect(queriesTagged(tag).length, tag).toBeGreaterThanOrEqual(2);
	});
});

describe('demo corpus construction', () => {
	it('paraphrase queries share no content word with their grade-3 document', () => {
		for (const q of queriesTagged('paraphrase')) {
			const perfect = idsWithGrade(q._id, 3);
			expect(perfect.length, q._id).toBeGreaterThan(0);
			for (const id of perfect) expect(sharedContentWords(q.text, id), `${q._id} vs ${id}`).toEqual([]);
		}
	});

	it('the question form q28 shares no content word with its answer, while the keyword form q27 does', () => {
		expect(sharedContentWords(file.queries.find((q) => q._id === 'q28')!.text, 'astro-04')).toEqual([]);
		expect(sharedContentWords(file.queries.find((q) => q._id === 'q27')!.text, 'astro-04').length).toBeGreaterThan(1);
	});

	it('keyword-stuffing queries have a judged-0 decoy containing every query word at least twice', () => {
		for (const q of queriesTagged('keyword-stuffing')) {
			expect(stuffedDecoys(q._id, q.text).length, q._id).toBeGreaterThan(0);
		}
	});
});

describe('demo corpus under BM25', () => {
	const bm25 = Bm25Index.build(demo.docs);
	const rankOf = (query: string, id: string) => bm25.search(query, demo.docs.length).find((h) => h.id === id)?.rank ?? Infinity;

	it('bm25.search(q) ranks the keyword-stuffed decoy above the perfect document for every keyword-stuffing query', () => {
		for (const q of queriesTagged('keyword-stuffing')) {
			const [decoy] = stuffedDecoys(q._id, q.text);
			for (const id of idsWithGrade(q._id, 3)) expect(rankOf(q.text, decoy), `${q._id}: ${decoy} vs ${id}`).toBeLessThan(rankOf(q.text, id));
		}
	});

	it('bm25.search(q) misses the grade-3 document of every paraphrase query in its top 3', () => {
		for (const q of queriesTagged('paraphrase')) {
			for (const id of idsWithGrade(q._id, 3)) expect(rankOf(q.text, id), `${q._id} -> ${id}`).toBeGreaterThan(3);
		}
	});

	it('bm25.search(q) ranks the perfect document first for every rare-term query', () => {
		for (const q of queriesTagged('rare-term')) {
			expect(bm25.search(q.text, 1)[0]?.id, q._id).toBe(idsWithGrade(q._id, 3)[0]);
		}
	});
});
