import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../src/lib/engine/encoders/safetensors';
import { generateSyntheticPages, syntheticPagesFiles } from '../../../src/lib/engine/corpus/synthetic-pages';
import { pageSvg, patchLabel } from '../../../src/lib/engine/corpus/synthetic-page-svg';
import { maxSim } from '../../../src/lib/engine/maxsim/maxsim';
import { evaluateRun, type Run } from '../../../src/lib/engine/eval/metrics';

const SHIPPED = join(process.cwd(), 'static', 'collections', 'synthetic-pages');

function listFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? listFiles(path) : [relative(SHIPPED, path).split('\\').join('/')];
	});
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
	let s = 0;
	for (let k = 0; k < dim; k++) s += a[ai * dim + k] * b[bi * dim + k];
	return s;
}

describe('syntheticPagesFiles', () => {
	it('syntheticPagesFiles(generateSyntheticPages()) gives exactly the shipped files, byte for byte (npm run collections:synthetic-pages)', () => {
		const files = syntheticPagesFiles(generateSyntheticPages());
		expect(listFiles(SHIPPED).sort()).toEqual([...files.keys()].sort());
		for (const [name, bytes] of files) {
			expect(Buffer.compare(readFileSync(join(SHIPPED, name)), Buffer.from(bytes)), name).toBe(0);
		}
		const total = [...files.values()].reduce((s, b) => s + b.length, 0);
		expect(total).toBeLessThan(1_000_000);
	});

	it('syntheticPagesFiles(c) writes a kind "image" vectors folder that says it is synthetic', () => {
		const c = generateSyntheticPages({ pages: 5, queries: 3 });
		const files = syntheticPagesFiles(c);
		const text = (name: string) => new TextDecoder().decode(files.get(name));
		const manifest = JSON.parse(text('manifest.json'));
		expect(manifest).toMatchObject({ format: 'latelab-multivector', version: 1, dim: 32, dtype: 'float32', kind: 'image', similarity: 'dot', synthetic: true });
		expect(manifest.model).toMatch(/synthetic/);
		expect(text('README.md')).toMatch(/SYNTHETIC/);
		const docs = text('documents.jsonl').trim().split('\n').map((l) => JSON.parse(l));
		expect(docs).toHaveLength(5);
		for (const d of docs) {
			expect(d.grid).toEqual([4, 3]);
			expect(d.tokens).toHaveLength(12);
			expect(files.has(d.image)).toBe(true);
			expect(text(d.image)).toContain('>synthetic</text>');
		}
		const st = readSafetensors(files.get('documents.safetensors')!, 'documents.safetensors');
		expect(st.tensor('vectors').shape).toEqual([5 * 12, 32]);
		const offsets = st.entries.get('offsets')!;
		expect(offsets).toMatchObject({ dtype: 'I64', shape: [6] });
		const qrels = text('qrels/test.tsv').trim().split('\n');
		expect(qrels[0]).toBe('query-id\tcorpus-id\tscore');
	});
});

describe('generateSyntheticPages', () => {
	const c = generateSyntheticPages();

	it('generateSyntheticPages() gives unit patch vectors, one per grid cell', () => {
		expect(c.pages).toHaveLength(48);
		expect(c.queries).toHaveLength(24);
		for (const m of c.pageVectors) {
			expect(m.rows).toBe(12);
			for (let r = 0; r < m.rows; r++) expect(dot(m.data, r, m.data, r, c.dim)).toBeCloseTo(1, 5);
		}
	});

	it('generateSyntheticPages() makes a query token match the patches that show its concept', () => {
		// Every query token's best patch on its target page shows the token's colour or shape.
		c.queries.forEach((q, qi) => {
			const page = c.pages.findIndex((p) => p.id === q.target);
			const pv = c.pageVectors[page];
			q.tokens.forEach((token, t) => {
				let best = 0;
				for (let j = 1; j < pv.rows; j++) if (dot(c.queryVectors[qi].data, t, pv.data, j, c.dim) > dot(c.queryVectors[qi].data, t, pv.data, best, c.dim)) best = j;
				expect(patchLabel(c.pages[page].patches[best]).split(' '), `${q.id} ${token}`).toContain(token);
			});
		});
	});

	it('generateSyntheticPages() qrels hold every page showing all the query\'s colour-shape pairs, the target included', () => {
		for (const q of c.queries) {
			const relevant = c.qrels.get(q.id)!;
			expect(relevant.get(q.target)).toBe(1);
			for (const page of c.pages) {
				const labels = new Set(page.patches.map(patchLabel));
				expect(relevant.has(page.id)).toBe(q.text.split(' and ').every((pair) => labels.has(pair)));
			}
		}
		expect(new Set(c.queries.map((q) => q.text)).size).toBe(c.queries.length);
	});

	it('generateSyntheticPages() is retrievable by exact MaxSim: nDCG@10 above 0.9 over its queries', () => {
		const run: Run = new Map(c.queries.map((q, i) => [q.id, c.pageVectors.map((p, j) => ({ id: c.pages[j].id, score: maxSim(c.queryVectors[i], p), rank: 0 }))]));
		expect(evaluateRun(run, c.qrels).mean['ndcg@10']).toBeGreaterThan(0.9);
	});

	it('generateSyntheticPages({ dim: 8 }) throws: fewer dimensions than concept directions', () => {
		expect(() => generateSyntheticPages({ dim: 8 })).toThrow(RangeError);
	});
});

describe('pageSvg', () => {
	it('pageSvg(patches, grid, title) draws each shape in its patch, escapes the title and marks the page synthetic', () => {
		const svg = pageSvg([{ kind: 'blank' }, { kind: 'shape', color: 'red', shape: 'circle' }], [1, 2], 'A & <b>');
		expect(svg).toContain('width="64" height="32"');
		expect(svg).toContain('<circle cx="48" cy="16" r="11" fill="#d55e00"/>');
		expect(svg).toContain('aria-label="A &amp; &lt;b&gt; (synthetic page)"');
		expect(svg).toContain('>synthetic</text>');
	});
});
