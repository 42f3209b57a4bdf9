/**
 * `createDocumentScorer` (documents passed per call, not kept) on the shared cases file
 * `kernels/cases/maxsim.jsonc`: every backend equals the JS reference `maxSim` within the file's
 * tolerance, rejects the same bad input, and the WASM one reuses its memory and instance across calls.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMaxSimCases, withinTolerance } from '../../../kernels/cases/maxsim-cases';
import { createDocumentScorer, type DocumentScorer, type DocumentScorerOptions } from '../../../src/lib/engine/maxsim/score-docs';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { WasmMaxSimScorer } from '../../../src/lib/engine/maxsim/wasm';
import { randomUnitRows } from '../../../src/lib/engine/random';
import type { TokenMatrix } from '../../../src/lib/engine/types';

const { cases, relativeTolerance } = parseMaxSimCases(readFileSync('kernels/cases/maxsim.jsonc', 'utf8'));

const BACKENDS: { name: string; options: Omit<DocumentScorerOptions, 'dim'>; backend: string; threads: number }[] = [
	{ name: 'js', options: { backend: 'js' }, backend: 'js', threads: 1 },
	{ name: 'wasm-1t', options: { backend: 'wasm', threads: 1 }, backend: 'wasm', threads: 1 },
	// minParallelMacs 0: even the tiny cases are split over both threads.
	{ name: 'wasm-2t', options: { backend: 'wasm', threads: 2, minParallelMacs: 0 }, backend: 'wasm', threads: 2 }
];

const live: DocumentScorer[] = [];
afterAll(async () => {
	await Promise.all(live.map((s) => s.dispose()));
});

async function open(options: DocumentScorerOptions): Promise<DocumentScorer> {
	const scorer = await createDocumentScorer(options);
	live.push(scorer);
	return scorer;
}

/** One scorer per backend and dim, shared by the cases of that dim: each call must forget the last one's docs. */
const shared = new Map<string, Promise<DocumentScorer>>();
function sharedScorer(name: string, options: DocumentScorerOptions): Promise<DocumentScorer> {
	const key = `${name}:${options.dim}`;
	if (!shared.has(key)) shared.set(key, open(options));
	return shared.get(key)!;
}

function expectReference(actual: Float32Array, query: TokenMatrix, docs: readonly TokenMatrix[], expected: ArrayLike<number>, magnitude: ArrayLike<number>): void {
	expect(actual.length).toBe(docs.length);
	docs.forEach((_, i) => {
		if (!withinTolerance(actual[i], expected[i], magnitude[i], relativeTolerance)) {
			expect.fail(`doc ${i}: got ${actual[i]}, reference ${expected[i]} (magnitude ${magnitude[i]})`);
		}
	});
}

for (const b of BACKENDS) {
	describe(`createDocumentScorer({ backend: '${b.options.backend}', threads: ${b.threads} })`, () => {
		for (const c of cases) {
			it(`score(q, docs) equals maxSim on ${b.name}: ${c.name}`, async () => {
				const scorer = await sharedScorer(b.name, { dim: c.dim, ...b.options });
				expect(scorer.backend).toBe(b.backend);
				expect(scorer.threads).toBe(b.threads);
				if (c.expectError) {
					await expect(scorer.score(c.query, c.docs)).rejects.toMatchObject({ code: c.expectError });
					return;
				}
				expectReference(await scorer.score(c.query, c.docs), c.query, c.docs, c.expected!, c.magnitude!);
				if (c.subset) {
					const docs = c.subset.map((i) => c.docs[i]);
					const expected = c.subset.map((i) => c.expected![i]);
					const magnitude = c.subset.map((i) => c.magnitude![i]);
					expectReference(await scorer.score(c.query, docs), c.query, docs, expected, magnitude);
				}
			});
		}
	});
}

describe('createDocumentScorer on WASM across calls', () => {
	const dim = 96;
	const docsOf = (seed: number, n: number) => Array.from({ length: n }, (_, i) => randomUnitRows(20 + ((i * 37) % 140), dim, seed + i));
	const query = randomUnitRows(32, dim, 7);

	it('score(q, docs, { finite: true }) gives the same scores and still rejects documents of the wrong shape', async () => {
		for (const b of BACKENDS) {
			const scorer = await open({ dim, ...b.options });
			const docs = docsOf(40, 6);
			expect([...(await scorer.score(query, docs, { finite: true }))]).toEqual([...(await scorer.score(query, docs))]);
			await expect(scorer.score(query, [randomUnitRows(3, dim + 1, 1)], { finite: true })).rejects.toMatchObject({ code: 'DIM_MISMATCH' });
			await expect(scorer.score(query, [{ data: new Float32Array(dim), rows: 2, dim }], { finite: true })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
			// Without the option the values are checked too.
			await expect(scorer.score(query, [{ data: Float32Array.from({ length: dim }, (_, i) => (i === 3 ? NaN : 0.1)), rows: 1, dim }])).rejects.toMatchObject({ code: 'NOT_FINITE' });
		}
	});

	it('score(q, docs) twice with different docs: each call scores only its own docs', async () => {
		const scorer = await open({ dim, backend: 'wasm', threads: 2, minParallelMacs: 0 });
		const first = docsOf(100, 60);
		const second = docsOf(900, 7);
		for (const docs of [first, second, first]) {
			const got = await scorer.score(query, docs);
			expect(got.length).toBe(docs.length);
			docs.forEach((doc, i) => expect(got[i]).toBeCloseTo(maxSim(query, doc), 3));
		}
	});

	it('WasmMaxSimScorer.scoreDocs(q, docs) leaves resident documents and their scores as they were', async () => {
		const scorer = await WasmMaxSimScorer.create({ dim, threads: 1 });
		try {
			const resident = docsOf(5, 9);
			await scorer.add(resident);
			const before = await scorer.score(query);
			const passing = await scorer.scoreDocs(query, docsOf(50, 4));
			expect(passing.length).toBe(4);
			expect(scorer.size).toBe(9);
			expect(await scorer.score(query)).toEqual(before);
			await scorer.add(docsOf(70, 1));
			expect(scorer.size).toBe(10);
			expect((await scorer.score(query, [9]))[0]).toBeCloseTo(maxSim(query, docsOf(70, 1)[0]), 3);
		} finally {
			await scorer.dispose();
		}
	});

	it('score(q, docs) on WASM grows kernel memory once, then reuses it for calls of the same size', async () => {
		const wasm = await WasmMaxSimScorer.create({ dim, threads: 1 });
		try {
			const docs = docsOf(300, 80);
			await wasm.scoreDocs(query, docs);
			const memory = (wasm as unknown as { memory: { byteLength: number } }).memory;
			const grown = memory.byteLength;
			for (let i = 0; i < 5; i++) await wasm.scoreDocs(query, docsOf(400 + i, 80));
			expect(memory.byteLength).toBe(grown);
		} finally {
			await wasm.dispose();
		}
	});

	it('score(q, []) is empty and a 0-row query scores 0', async () => {
		const scorer = await open({ dim, backend: 'wasm', threads: 1 });
		expect(await scorer.score(query, [])).toEqual(new Float32Array(0));
		expect(await scorer.score({ data: new Float32Array(0), rows: 0, dim }, docsOf(1, 3))).toEqual(new Float32Array(3));
	});

	it('score(q, docs) after dispose() rejects with BAD_ARGUMENT', async () => {
		for (const backend of ['js', 'wasm'] as const) {
			const scorer = await createDocumentScorer({ dim, backend, threads: 1 });
			await scorer.dispose();
			await expect(scorer.score(query, docsOf(1, 1))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
		}
	});

	it('createDocumentScorer({ backend: "gpu" }) throws UNKNOWN_OPTION; dim 0 throws BAD_ARGUMENT', async () => {
		await expect(createDocumentScorer({ dim, backend: 'gpu' as 'js' })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
		await expect(createDocumentScorer({ dim: 0 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
	});

	it("createDocumentScorer({ backend: 'auto' }) picks wasm here", async () => {
		const scorer = await open({ dim, threads: 2 });
		expect(scorer.backend).toBe('wasm');
		expect(scorer.threads).toBe(2);
	});
});

describe('scoring documents read into the kernel memory (DocumentRead)', () => {
	/** A store's `readInto` in small: the documents back to back in the bytes `allocate` gives. */
	const readerOf = (docs: readonly TokenMatrix[], seen: { buffers: ArrayBufferLike[] }) => (allocate: (bytes: number, documents: number) => Uint8Array) => {
		const bytes = docs.reduce((sum, d) => sum + d.rows * d.dim * 4, 0);
		const into = allocate(bytes, docs.length);
		seen.buffers.push(into.buffer);
		let at = into.byteOffset;
		return docs.map((d) => {
			const data = new Float32Array(into.buffer, at, d.rows * d.dim);
			data.set(d.data.subarray(0, d.rows * d.dim));
			at += data.byteLength;
			return { data, rows: d.rows, dim: d.dim };
		});
	};
	const docsOf = (seed: number, dim: number, count: number) => Array.from({ length: count }, (_, i) => randomUnitRows(1 + ((i * 7 + seed) % 37), dim, seed * 100 + i));

	for (const b of BACKENDS) {
		it(`${b.name}: score(q, read) equals score(q, docs) and maxSim, call after call, the memory growing on the way`, async () => {
			for (const dim of [13, 96]) {
				const scorer = await open({ dim, ...b.options });
				const query = randomUnitRows(9, dim, 5);
				for (let call = 0; call < 3; call++) {
					// Later calls are larger than the first: the staging area must grow without losing a document.
					const docs = docsOf(call + 1, dim, 20 + call * 150);
					const seen = { buffers: [] as ArrayBufferLike[] };
					const read = await scorer.score(query, readerOf(docs, seen), { finite: true });
					const passed = await scorer.score(query, docs);
					expect(Array.from(read)).toEqual(Array.from(passed));
					docs.forEach((d, i) => expect(Math.abs(read[i] - maxSim(query, d))).toBeLessThan(1e-4 * Math.max(1, Math.abs(read[i]))));
					// The WASM scorer hands out its own memory, JS a plain buffer.
					if (b.backend === 'wasm') expect(seen.buffers[0].byteLength).toBeGreaterThan(4 * 65536);
				}
			}
		});
	}

	it('WasmMaxSimScorer.scoreDocs(q, read) keeps resident documents, and matrices a reader returns from elsewhere still score', async () => {
		const dim = 24;
		const scorer = await WasmMaxSimScorer.create({ dim, threads: 1 });
		const resident = docsOf(9, dim, 30);
		await scorer.add(resident);
		const query = randomUnitRows(5, dim, 2);
		const before = await scorer.score(query);
		const docs = docsOf(4, dim, 40);
		const read = await scorer.scoreDocs(query, readerOf(docs, { buffers: [] }), { finite: true });
		const elsewhere = await scorer.scoreDocs(query, () => docs);
		expect(Array.from(elsewhere)).toEqual(Array.from(read));
		expect(Array.from(await scorer.score(query))).toEqual(Array.from(before));
		await scorer.dispose();
	});

	it('score(q, read) checks the shapes it reads: a reader returning a wrong dim is DIM_MISMATCH', async () => {
		const scorer = await open({ dim: 8, backend: 'wasm', threads: 1 });
		await expect(scorer.score(randomUnitRows(2, 8, 1), () => [randomUnitRows(3, 7, 1)], { finite: true })).rejects.toMatchObject({ code: 'DIM_MISMATCH' });
	});
});
