/**
 * Structured synthetic multi-vector collections for benchmarks and tests (10^2 - 10^5 documents):
 * words belong to topics, a document mixes one or two topics with background words, each token vector is
 * its word's vector plus contextual noise (the document's own context and per-token noise, so the same
 * word differs between documents, as in a contextual encoder), and each query is drawn from a target
 * document (its rarest topical words, maybe a common one, and a word of the topic it may lack). Qrels are graded: 2 for the
 * target, 1 for documents of the same topic holding at least a third of the query's words.
 * Queries are ColBERT-shaped by default (`queryShape: 'colbert'`): `queryLength` (32) vectors, as a
 * ColBERT query encoder always emits after query augmentation (Khattab & Zaharia 2020, section 3.2: the
 * query is padded with [MASK] tokens to a fixed length, and their outputs, soft mixtures of the query's
 * meaning, are scored like term vectors): [CLS], [Q], one vector per query word, [SEP], then [MASK]
 * vectors, each a noisy mixture leaning on one or two of the word vectors. `queryShape: 'terms'` gives
 * the earlier shape: [CLS] and the word vectors only (4-8 vectors).
 * Only word ids are kept per document; vectors are regenerated from a per-document seed when asked for,
 * so 100k documents x 120 tokens never sit in memory as floats.
 */
import { createError } from '../errors';
import { uniformRandom } from '../random';
import type { Qrels, TokenMatrix } from '../types';
import type { MultiVectorCollection, MultiVectorCorpus, MultiVectorRecord } from './multivector-folder';

export interface SyntheticOptions {
	docs: number;
	queries: number;
	/** Vector width (default 96, answerai-colbert-small's). */
	dim?: number;
	/** Mean vectors per document, [CLS] included (default 120; lengths vary by ±1/3). */
	tokensPerDoc?: number;
	/** Topics (default max(8, docs / 100) capped at 400). */
	topics?: number;
	/** Topical words per topic (default 150) and shared background words (default 400). */
	wordsPerTopic?: number;
	backgroundWords?: number;
	seed?: number;
	/** false: documents get empty text (saves memory at 10^5 documents when BM25 is not needed). */
	text?: boolean;
	/**
	 * `colbert` (default): `queryLength` vectors per query, [CLS], [Q], words, [SEP], then [MASK]
	 * expansion vectors (ColBERT's query augmentation); `terms`: [CLS] and the word vectors only.
	 */
	queryShape?: 'colbert' | 'terms';
	/** Vectors per ColBERT-shaped query (default 32, ColBERT's and answerai-colbert-small's `query_length`). */
	queryLength?: number;
}

const NOISE_TABLE = 1 << 20;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 've', 'da', 'ge', 'zu', 'fa', 'bi', 'ho', 'ju'];

/** A pronounceable word for id `w` (distinct ids give distinct words). */
function wordName(w: number): string {
	let s = '';
	let x = w + 16;
	while (x > 0) {
		s = SYLLABLES[x % 16] + s;
		x = Math.floor(x / 16);
	}
	return s;
}

function hashSeed(seed: number, kind: number, i: number): number {
	let h = (seed ^ Math.imul(kind + 1, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (i + 0x7f4a7c15), 0x85ebca6b) >>> 0;
	return (h ^ (h >>> 13)) >>> 0;
}

/** Standard normal draws (Box-Muller, both values of each pair used). */
function gaussian(random: () => number): () => number {
	let spare = NaN;
	return () => {
		if (!Number.isNaN(spare)) {
			const v = spare;
			spare = NaN;
			return v;
		}
		const r = Math.sqrt(-2 * Math.log(1 - random()));
		const a = 2 * Math.PI * random();
		spare = r * Math.sin(a);
		return r * Math.cos(a);
	};
}

/** `out[at..at+dim) = unit(Σ weight·vec[offset..] + noise·N(0, I/dim))`. */
function mix(out: Float32Array, at: number, dim: number, parts: [Float32Array, number, number][], noise: number, normal: () => number): void {
	const scale = noise / Math.sqrt(dim);
	for (let k = 0; k < dim; k++) out[at + k] = noise ? scale * normal() : 0;
	for (const [vec, offset, weight] of parts) for (let k = 0; k < dim; k++) out[at + k] += weight * vec[offset + k];
	let norm = 0;
	for (let k = 0; k < dim; k++) norm += out[at + k] * out[at + k];
	const inv = 1 / Math.sqrt(norm || 1);
	for (let k = 0; k < dim; k++) out[at + k] *= inv;
}

/**
 * The topic count when `topics` is not given: one per 100 documents, at least 8 and at most 400 (so
 * beyond 40,000 documents each topic holds more of them).
 * @example defaultSyntheticTopics(10_000) // 100; defaultSyntheticTopics(100_000) // 400
 */
export function defaultSyntheticTopics(docs: number): number {
	return Math.min(400, Math.max(8, Math.round(docs / 100)));
}

/**
 * A synthetic collection with the interface of a loaded vectors folder (`MultiVectorCollection`), so
 * pipelines, the CLI and `writeMultiVectorFolder` take it as they take a folder.
 * @example
 * const c = generateSyntheticCollection({ docs: 1000, queries: 50, seed: 1 });
 * c.docVectors(0).dim // 96; c.corpus.qrels.get('q0')?.get(c.corpus.docs[...].id) // 2 for the target
 */
export function generateSyntheticCollection(options: SyntheticOptions): MultiVectorCollection {
	const dim = options.dim ?? 96;
	const nDocs = options.docs;
	const meanTokens = options.tokensPerDoc ?? 120;
	const topics = options.topics ?? defaultSyntheticTopics(nDocs);
	const perTopic = options.wordsPerTopic ?? 150;
	const background = options.backgroundWords ?? 400;
	const seed = options.seed ?? 1;
	const withText = options.text !== false;
	const queryShape = options.queryShape ?? 'colbert';
	const queryLength = options.queryLength ?? 32;
	if (queryShape !== 'colbert' && queryShape !== 'terms') throw createError('BAD_ARGUMENT', { detail: `synthetic queryShape must be colbert or terms, got ${String(queryShape)}` });
	if (!Number.isInteger(queryLength) || queryLength < 4) throw createError('BAD_ARGUMENT', { detail: `synthetic queryLength must be an integer >= 4 ([CLS] [Q] a word [SEP]), got ${String(queryLength)}` });
	const vocab = topics * perTopic + background;
	const random = uniformRandom(hashSeed(seed, 0, 0));
	const normal = gaussian(random);
	// Per-token noise is read from one table of normal draws at a per-item random start: drawing
	// 10^9 fresh normals for 10^5 documents would dominate the generation time.
	const table = Float32Array.from({ length: NOISE_TABLE }, normal);
	const tableNoise = (start: number) => {
		let at = start;
		return () => table[at++ & (NOISE_TABLE - 1)];
	};

	// Topic centroids, then word vectors: topical words lean towards their topic's centroid.
	const centroids = new Float32Array(topics * dim);
	for (let t = 0; t < topics; t++) mix(centroids, t * dim, dim, [], 1, normal);
	const words = new Float32Array(vocab * dim);
	for (let w = 0; w < vocab; w++) {
		const topic = w < topics * perTopic ? Math.floor(w / perTopic) : -1;
		mix(words, w * dim, dim, topic >= 0 ? [[centroids, topic * dim, 0.8]] : [], 1, normal);
	}

	// Documents: word ids (the only per-document state kept), primary topic, and the other topic.
	const offsets = new Int32Array(nDocs + 1);
	const lengths = new Int32Array(nDocs);
	const primary = new Int32Array(nDocs);
	const secondary = new Int32Array(nDocs);
	for (let d = 0; d < nDocs; d++) {
		lengths[d] = Math.max(8, Math.round(meanTokens * (2 / 3 + (2 / 3) * random())));
		offsets[d + 1] = offsets[d] + lengths[d] - 1;
		primary[d] = Math.floor(random() * topics);
		secondary[d] = random() < 0.4 ? Math.floor(random() * topics) : primary[d];
	}
	// Each document draws its tokens from a small lexicon of its own (real text repeats words), so
	// tokens of a repeated word are near-duplicates, the redundancy token pooling exploits.
	const wordIds = new Int32Array(offsets[nDocs]);
	const lexicon: number[] = [];
	for (let d = 0; d < nDocs; d++) {
		lexicon.length = 0;
		const size = Math.max(4, Math.round((lengths[d] - 1) * 0.4));
		for (let i = 0; i < size; i++) {
			const r = random();
			// Zipf-like within a topic: low word ranks are frequent, high ranks rare (and distinctive).
			const rank = Math.floor(perTopic * random() ** 3);
			if (r < 0.45) lexicon.push(primary[d] * perTopic + rank);
			else if (r < 0.6) lexicon.push(secondary[d] * perTopic + rank);
			else lexicon.push(topics * perTopic + Math.floor(background * random() ** 1.5));
		}
		for (let j = offsets[d]; j < offsets[d + 1]; j++) wordIds[j] = lexicon[Math.floor(lexicon.length * random() ** 1.3)];
	}

	const docVectors = (d: number): TokenMatrix => {
		const g = tableNoise(hashSeed(seed, 1, d));
		const context = new Float32Array(dim);
		mix(context, 0, dim, [[centroids, primary[d] * dim, 1], [centroids, secondary[d] * dim, 0.5]], 1, g);
		const rows = lengths[d];
		const data = new Float32Array(rows * dim);
		mix(data, 0, dim, [[context, 0, 1]], 0.3, g); // [CLS]: the document's context
		for (let j = 1; j < rows; j++) mix(data, j * dim, dim, [[words, wordIds[offsets[d] + j - 1] * dim, 1], [context, 0, 0.4]], 0.6, g);
		return { data, rows, dim };
	};

	// Queries: distinctive words of a target document, plus one topic word it does not hold.
	const queryWords: number[][] = [];
	const targets: number[] = [];
	const qrels: Qrels = new Map();
	const byTopic: number[][] = Array.from({ length: topics }, () => []);
	for (let d = 0; d < nDocs; d++) byTopic[primary[d]].push(d);
	for (let q = 0; q < options.queries; q++) {
		const target = Math.floor(random() * nDocs);
		const own = [...new Set(wordIds.subarray(offsets[target], offsets[target + 1]))].filter((w) => Math.floor(w / perTopic) === primary[target]);
		own.sort((a, b) => (b % perTopic) - (a % perTopic)); // rarer (higher-rank) words first
		const rare = own.slice(0, 2 + Math.floor(random() * 3));
		const common = own.slice(rare.length).filter(() => random() < 0.3).slice(0, 2);
		const stray = primary[target] * perTopic + Math.floor(random() * perTopic);
		const qw = [...new Set([...rare, ...common, stray])];
		queryWords.push(qw);
		targets.push(target);
		const judged = new Map<string, number>([[`d${target}`, 2]]);
		for (const d of byTopic[primary[target]]) {
			if (d === target) continue;
			const has = new Set(wordIds.subarray(offsets[d], offsets[d + 1]));
			if (qw.filter((w) => has.has(w)).length * 3 >= qw.length) judged.set(`d${d}`, 1);
		}
		qrels.set(`q${q}`, judged);
	}
	const queryVectors = (q: number): TokenMatrix => {
		const g = tableNoise(hashSeed(seed, 2, q));
		const qw = queryWords[q];
		const context = [centroids, primary[targets[q]] * dim, 1] as [Float32Array, number, number];
		if (queryShape === 'terms') {
			const data = new Float32Array((qw.length + 1) * dim);
			mix(data, 0, dim, [context], 0.5, g);
			qw.forEach((w, i) => mix(data, (i + 1) * dim, dim, [[words, w * dim, 1]], 0.8, g));
			return { data, rows: qw.length + 1, dim };
		}
		// ColBERT's layout: [CLS] [Q] words [SEP] [MASK]...; words beyond queryLength - 3 are truncated,
		// as the tokenizer truncates pieces so that [CLS] [Q] pieces [SEP] fits.
		const kept = qw.slice(0, Math.max(0, queryLength - 3));
		const rows = queryLength;
		const data = new Float32Array(rows * dim);
		const terms = new Float32Array(kept.length * dim);
		kept.forEach((w, i) => mix(terms, i * dim, dim, [[words, w * dim, 1]], 0.8, g));
		const termParts = kept.map((_, i) => [terms, i * dim, 1 / Math.sqrt(kept.length)] as [Float32Array, number, number]);
		mix(data, 0, dim, [context], 0.5, g); // [CLS]: the query's topic
		mix(data, dim, dim, [context, ...termParts], 0.6, g); // [Q]: the marker, contextualised by the whole query
		data.set(terms, 2 * dim);
		let at = 2 + kept.length;
		if (at < rows) mix(data, at++ * dim, dim, [[context[0], context[1], 0.7], ...termParts], 0.6, g); // [SEP]
		// [MASK] expansions: each a softmax-weighted mixture of the word vectors (sharp: most lean on one
		// or two words, re-weighting the query towards them) with some of the query's topic and noise.
		const weights = new Float64Array(kept.length);
		for (; at < rows; at++) {
			let total = 0;
			for (let i = 0; i < kept.length; i++) total += weights[i] = Math.exp(2 * g());
			const parts = kept.map((_, i) => [terms, i * dim, weights[i] / total] as [Float32Array, number, number]);
			mix(data, at * dim, dim, [...parts, [context[0], context[1], 0.35]], 0.45, g);
		}
		return { data, rows, dim };
	};

	const documents: MultiVectorRecord[] = Array.from({ length: nDocs }, (_, d) => ({
		id: `d${d}`,
		title: '',
		text: withText ? Array.from(wordIds.subarray(offsets[d], offsets[d + 1]), wordName).join(' ') : ''
	}));
	const queries: MultiVectorRecord[] = queryWords.map((qw, q) => ({ id: `q${q}`, title: '', text: qw.map(wordName).join(' ') }));
	const queryRow = new Map(queries.map((r, i) => [r.id, i]));
	const collection: MultiVectorCollection = {
		label: `synthetic-${nDocs}`,
		manifest: { format: 'latelab-multivector', version: 1, dim, dtype: 'float32', kind: 'text', similarity: 'dot', model: `synthetic(seed ${seed})` },
		dim,
		kind: 'text',
		corpus: undefined as unknown as MultiVectorCorpus,
		documents,
		queries,
		totalVectors: offsets[nDocs] + nDocs,
		docVectors,
		queryVectors: (id) => (queryRow.has(id) ? queryVectors(queryRow.get(id)!) : undefined),
		tokenCount: (d) => lengths[d]
	};
	const corpus: MultiVectorCorpus = {
		name: collection.label,
		docs: documents.map((r) => ({ id: r.id, title: r.title, text: r.text })),
		queries: queries.map((r) => ({ id: r.id, text: r.text })),
		qrels,
		warnings: [],
		multivector: collection
	};
	(collection as { corpus: MultiVectorCorpus }).corpus = corpus;
	return collection;
}
