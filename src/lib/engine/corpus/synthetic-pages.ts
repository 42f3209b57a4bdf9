/**
 * A small generated image collection for the patch heatmap, the tests and the course: drawn "pages"
 * (`synthetic-page-svg.ts`) whose patch vectors are built to match what each patch shows, written as a
 * `kind: "image"` vectors folder (the format of `multivector-folder.ts`). It is synthetic and says so in
 * its manifest, README and on every page: no model produced these vectors.
 *
 * How the vectors mean something: every concept (paper, text, each colour, each shape, and each
 * colour-shape pair) gets an orthonormal direction (Gram–Schmidt over seeded random vectors). A patch
 * showing a red circle is `red + circle + "red circle"` plus noise, normalised; a text patch is `text`
 * plus noise; a blank one `paper` plus noise. Query tokens are contextual as ColBERT's are: "red" in
 * "red circle" is `red + ½ "red circle"`, so a page with the red circle itself outscores one that has a
 * red square and a blue circle, yet the latter still scores (late interaction matches tokens, not
 * objects), which the heatmap then shows.
 */
import { encodeSafetensors } from '../encoders/safetensors';
import { uniformRandom } from '../random';
import type { Qrels, TokenMatrix } from '../types';
import { PAGE_COLORS, PAGE_SHAPES, pageSvg, patchLabel, type PageColor, type PageShape, type PatchContent } from './synthetic-page-svg';

export interface SyntheticPagesOptions {
	/** Pages. Default 48. */
	pages?: number;
	/** Patch grid `[rows, cols]` of every page. Default [4, 3]. */
	grid?: [number, number];
	/** Vector width; at least the 26 concept directions. Default 32. */
	dim?: number;
	/** Queries. Default 24. */
	queries?: number;
	seed?: number;
	/** Length of the random vector added to each patch before normalising. Default 0.6. */
	noise?: number;
}

export interface SyntheticPage {
	id: string;
	title: string;
	/** Row-major, `rows * cols` entries. */
	patches: PatchContent[];
}

export interface SyntheticQuery {
	id: string;
	text: string;
	/** One per query vector: `['red', 'circle', ...]`. */
	tokens: string[];
	/** The page the query was drawn from. */
	target: string;
}

export interface SyntheticPages {
	grid: [number, number];
	dim: number;
	pages: SyntheticPage[];
	queries: SyntheticQuery[];
	/** Grade 1 for every page showing all the query's colour-shape pairs. */
	qrels: Qrels;
	/** One matrix per page, `rows * cols` patch vectors (unit length), row-major patch order. */
	pageVectors: TokenMatrix[];
	/** One matrix per query, one unit vector per token. */
	queryVectors: TokenMatrix[];
}

const COLORS = Object.keys(PAGE_COLORS) as PageColor[];

/** Concept names in the order their directions are drawn. */
function concepts(): string[] {
	return ['paper', 'text', ...COLORS, ...PAGE_SHAPES, ...COLORS.flatMap((c) => PAGE_SHAPES.map((s) => `${c} ${s}`))];
}

/**
 * Generates the collection; the same options give the same pages, vectors and queries on every platform.
 * @example
 * const c = generateSyntheticPages({ pages: 4, queries: 2 });
 * c.pageVectors[0].rows // 12 (grid 4 x 3); c.queries[0].text // e.g. 'blue star'
 */
export function generateSyntheticPages(options: SyntheticPagesOptions = {}): SyntheticPages {
	const nPages = options.pages ?? 48;
	const grid = options.grid ?? [4, 3];
	const dim = options.dim ?? 32;
	const nQueries = options.queries ?? 24;
	const noise = options.noise ?? 0.6;
	const random = uniformRandom(options.seed ?? 2026);
	const names = concepts();
	if (dim < names.length) throw new RangeError(`dim must be at least ${names.length} (one direction per concept), got ${dim}`);
	const direction = orthonormal(names, dim, random);
	const patchesPerPage = grid[0] * grid[1];
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

	const pages: SyntheticPage[] = [];
	for (let p = 0; p < nPages; p++) {
		const patches: PatchContent[] = Array.from({ length: patchesPerPage }, () => ({ kind: 'blank' }));
		const free = shuffle(Array.from({ length: patchesPerPage }, (_, i) => i), random);
		const objects = 1 + Math.floor(random() * 3);
		const texts = 2 + Math.floor(random() * 3);
		for (let k = 0; k < objects; k++) patches[free[k]] = { kind: 'shape', color: pick(COLORS), shape: pick(PAGE_SHAPES) };
		for (let k = objects; k < objects + texts && k < free.length; k++) patches[free[k]] = { kind: 'text' };
		pages.push({ id: `page-${String(p + 1).padStart(2, '0')}`, title: `Page ${p + 1}`, patches });
	}

	const pageVectors = pages.map((page) => {
		const data = new Float32Array(patchesPerPage * dim);
		page.patches.forEach((content, i) => {
			const parts = content.kind === 'shape' ? [content.color, content.shape, patchLabel(content)] : [content.kind === 'text' ? 'text' : 'paper'];
			writeUnit(data, i * dim, parts.map((name) => [direction.get(name)!, 1] as const), noise, dim, random);
		});
		return { data, rows: patchesPerPage, dim };
	});

	const queries: SyntheticQuery[] = [];
	const queryVectors: TokenMatrix[] = [];
	const qrels: Qrels = new Map();
	const seen = new Set<string>();
	for (let attempt = 0; queries.length < nQueries && attempt < nQueries * 50; attempt++) {
		const page = pick(pages);
		const shapes = uniquePairs(page.patches);
		const chosen = shuffle(shapes, random).slice(0, shapes.length > 1 && random() < 0.5 ? 2 : 1);
		const text = chosen.map((o) => `${o.color} ${o.shape}`).join(' and ');
		if (seen.has(text)) continue;
		seen.add(text);
		const id = `q${queries.length + 1}`;
		const tokens = chosen.flatMap((o) => [o.color, o.shape]);
		const data = new Float32Array(tokens.length * dim);
		chosen.forEach((o, k) => {
			const pair = direction.get(`${o.color} ${o.shape}`)!;
			writeUnit(data, 2 * k * dim, [[direction.get(o.color)!, 1], [pair, 0.5]], noise / 2, dim, random);
			writeUnit(data, (2 * k + 1) * dim, [[direction.get(o.shape)!, 1], [pair, 0.5]], noise / 2, dim, random);
		});
		queries.push({ id, text, tokens, target: page.id });
		queryVectors.push({ data, rows: tokens.length, dim });
		const relevant = new Map<string, number>();
		for (const other of pages) {
			const has = new Set(uniquePairs(other.patches).map((o) => `${o.color} ${o.shape}`));
			if (chosen.every((o) => has.has(`${o.color} ${o.shape}`))) relevant.set(other.id, 1);
		}
		qrels.set(id, relevant);
	}
	return { grid, dim, pages, queries, qrels, pageVectors, queryVectors };
}

/**
 * The collection as the files of a `kind: "image"` vectors folder, by path: `manifest.json`,
 * `documents.safetensors`, `documents.jsonl` (with `image` and `grid`), `queries.safetensors`,
 * `queries.jsonl`, `qrels/test.tsv`, `images/<id>.svg` and a `README.md` saying what it is.
 * @example syntheticPagesFiles(generateSyntheticPages()).get('manifest.json') // UTF-8 JSON with "kind": "image"
 */
export function syntheticPagesFiles(c: SyntheticPages): Map<string, Uint8Array> {
	const utf8 = (s: string) => new TextEncoder().encode(s);
	const files = new Map<string, Uint8Array>();
	files.set('README.md', utf8(README(c)));
	files.set('manifest.json', utf8(JSON.stringify({
		format: 'latelab-multivector', version: 1, dim: c.dim, dtype: 'float32', kind: 'image', similarity: 'dot',
		model: 'synthetic-pages (generated by latelab; no model, vectors built from the drawn content)', synthetic: true
	}, null, '\t') + '\n'));
	files.set('documents.safetensors', multiVectorFile(c.pageVectors, c.dim));
	files.set('documents.jsonl', utf8(c.pages.map((page) => JSON.stringify({
		_id: page.id, title: page.title, text: describePage(page), tokens: page.patches.map(patchLabel), image: `images/${page.id}.svg`, grid: c.grid
	}) + '\n').join('')));
	files.set('queries.safetensors', multiVectorFile(c.queryVectors, c.dim));
	files.set('queries.jsonl', utf8(c.queries.map((q) => JSON.stringify({ _id: q.id, text: q.text, tokens: q.tokens }) + '\n').join('')));
	const qrelLines = ['query-id\tcorpus-id\tscore'];
	for (const [qid, docs] of c.qrels) for (const [doc, grade] of docs) qrelLines.push(`${qid}\t${doc}\t${grade}`);
	files.set('qrels/test.tsv', utf8(qrelLines.join('\n') + '\n'));
	for (const page of c.pages) files.set(`images/${page.id}.svg`, utf8(pageSvg(page.patches, c.grid, page.title) + '\n'));
	return files;
}

/** The caption of a page (its `text`, so BM25 and the result list have words): what it shows. */
export function describePage(page: SyntheticPage): string {
	const shapes = page.patches.filter((p) => p.kind === 'shape').map(patchLabel);
	const texts = page.patches.filter((p) => p.kind === 'text').length;
	return `Synthetic page: ${shapes.join(', ')}; ${texts} text blocks.`;
}

function README(c: SyntheticPages): string {
	return `# synthetic-pages (SYNTHETIC: generated, not a real collection)

${c.pages.length} drawn pages of ${c.grid[0]} x ${c.grid[1]} patches and ${c.queries.length} queries, written by
\`npm run collections:synthetic-pages\` from \`src/lib/engine/corpus/synthetic-pages.ts\`. No model made these
vectors: each patch vector is built from what the patch shows (colour, shape and colour-shape directions
plus noise), so the patch heatmap over a page can be checked by eye. Use it to learn and test the image
views, not to judge a model. Format: a latelab vectors folder (docs/CORPORA.md), kind "image", dim ${c.dim}.
`;
}

/** `vectors` [total, dim] float32 and `offsets` int64 [items + 1], little-endian, as the folder format wants. */
function multiVectorFile(items: readonly TokenMatrix[], dim: number): Uint8Array {
	const total = items.reduce((s, m) => s + m.rows, 0);
	const vectors = new Uint8Array(total * dim * 4);
	const offsets = new Uint8Array((items.length + 1) * 8);
	const vv = new DataView(vectors.buffer);
	const ov = new DataView(offsets.buffer);
	let row = 0;
	items.forEach((m, i) => {
		for (let k = 0; k < m.rows * dim; k++) vv.setFloat32((row * dim + k) * 4, m.data[k], true);
		row += m.rows;
		ov.setBigInt64((i + 1) * 8, BigInt(row), true);
	});
	return encodeSafetensors([
		{ name: 'vectors', dtype: 'F32', shape: [total, dim], bytes: vectors },
		{ name: 'offsets', dtype: 'I64', shape: [items.length + 1], bytes: offsets }
	]);
}

/** Colour-shape pairs shown on a page, each once, in patch order. */
function uniquePairs(patches: readonly PatchContent[]): { color: PageColor; shape: PageShape }[] {
	const seen = new Set<string>();
	const out: { color: PageColor; shape: PageShape }[] = [];
	for (const p of patches) {
		if (p.kind !== 'shape' || seen.has(patchLabel(p))) continue;
		seen.add(patchLabel(p));
		out.push({ color: p.color, shape: p.shape });
	}
	return out;
}

/** Gram–Schmidt over seeded uniform vectors: one unit direction per name, all mutually orthogonal. */
function orthonormal(names: readonly string[], dim: number, random: () => number): Map<string, Float64Array> {
	const basis: Float64Array[] = [];
	const out = new Map<string, Float64Array>();
	for (const name of names) {
		const v = Float64Array.from({ length: dim }, () => random() * 2 - 1);
		for (const b of basis) {
			let d = 0;
			for (let k = 0; k < dim; k++) d += v[k] * b[k];
			for (let k = 0; k < dim; k++) v[k] -= d * b[k];
		}
		scale(v, 1 / norm(v));
		basis.push(v);
		out.set(name, v);
	}
	return out;
}

/** Writes `normalise(sum(weight * direction) + noise * random unit vector)` at `data[at..at+dim)`. */
function writeUnit(data: Float32Array, at: number, parts: readonly (readonly [Float64Array, number])[], noise: number, dim: number, random: () => number): void {
	const v = new Float64Array(dim);
	for (const [d, w] of parts) for (let k = 0; k < dim; k++) v[k] += w * d[k];
	const n = Float64Array.from({ length: dim }, () => random() * 2 - 1);
	scale(n, noise / norm(n));
	for (let k = 0; k < dim; k++) v[k] += n[k];
	const inv = 1 / norm(v);
	for (let k = 0; k < dim; k++) data[at + k] = v[k] * inv;
}

function norm(v: Float64Array): number {
	let s = 0;
	for (let k = 0; k < v.length; k++) s += v[k] * v[k];
	return Math.sqrt(s);
}

function scale(v: Float64Array, f: number): void {
	for (let k = 0; k < v.length; k++) v[k] *= f;
}

/** Fisher–Yates on a copy. */
function shuffle<T>(list: readonly T[], random: () => number): T[] {
	const out = [...list];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}
