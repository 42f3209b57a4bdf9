/**
 * Small deterministic encoders implementing the encoder interfaces, for testing pipeline logic
 * (ranking, subsets, timings, cache resume) without a model. Words are lower-cased `\w+` runs; each
 * word gets a fixed pseudo-random vector from a hash of its characters, so similar texts share words,
 * not meaning. They count their calls so tests can see what was (not) encoded.
 */
import type { BiEncoder, ColbertDocument, ColbertEncoder, ColbertQuery, CrossEncoder, EncodeOptions, TokenVectors } from '../../../src/lib/engine/encoders/encoder';
import { createError } from '../../../src/lib/engine/errors';
import type { TokenMatrix } from '../../../src/lib/engine/types';

export const words = (text: string): string[] => text.toLowerCase().match(/\w+/g) ?? [];

/** A fixed vector per word (xorshift seeded by an FNV hash of the word), not normalised. */
export function wordVector(word: string, dim: number): Float32Array {
	let h = 2166136261;
	for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
	const out = new Float32Array(dim);
	let x = h || 1;
	for (let k = 0; k < dim; k++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		out[k] = ((x >>> 0) / 4294967296) * 2 - 1;
	}
	return out;
}

function unit(v: Float32Array): Float32Array {
	let s = 0;
	for (const x of v) s += x * x;
	const n = Math.sqrt(s) || 1;
	return v.map((x) => x / n);
}

function stack(rows: Float32Array[], dim: number): TokenMatrix {
	const data = new Float32Array(rows.length * dim);
	rows.forEach((r, i) => data.set(r, i * dim));
	return { data, rows: rows.length, dim };
}

function checkSignal(options?: EncodeOptions): void {
	if (options?.signal?.aborted) throw createError('CANCELLED', { detail: ' (toy encoder)' });
}

/** Mean (or CLS = first word) pooling of word vectors, unit length. */
export class ToyBiEncoder implements BiEncoder {
	readonly kind = 'bi-encoder' as const;
	readonly modelId: string;
	readonly dim: number;
	readonly pooling: { mode: 'mean' | 'cls'; source: string };
	encodedTexts = 0;
	encodeCalls = 0;
	disposed = false;

	constructor(options: { dim?: number; pooling?: 'mean' | 'cls'; modelId?: string } = {}) {
		this.dim = options.dim ?? 8;
		this.pooling = { mode: options.pooling ?? 'mean', source: 'toy' };
		this.modelId = options.modelId ?? `toy-bi-${this.pooling.mode}`;
	}

	async tokenVectors(text: string): Promise<TokenVectors> {
		const ws = ['[CLS]', ...words(text)];
		// Token vectors scaled by position so pooling is not trivially symmetric; the last row is padding (mask 0).
		const rows: Float32Array[] = ws.map((w, i) => wordVector(w, this.dim).map((x) => x * (1 + 0.1 * i)));
		rows.push(wordVector('[PAD]', this.dim));
		return { ids: ws.map((_, i) => i).concat(0), tokens: [...ws, '[PAD]'], mask: [...ws.map(() => 1), 0], vectors: stack(rows, this.dim) };
	}

	async encode(texts: string[], _role: 'query' | 'document', options?: EncodeOptions): Promise<TokenMatrix> {
		checkSignal(options);
		this.encodeCalls++;
		this.encodedTexts += texts.length;
		const rows: Float32Array[] = [];
		for (const t of texts) {
			const tv = await this.tokenVectors(t);
			const pooled = new Float32Array(this.dim);
			const n = tv.mask.filter(Boolean).length;
			for (let r = 0; r < tv.vectors.rows; r++) {
				if (!tv.mask[r] || (this.pooling.mode === 'cls' && r > 0)) continue;
				for (let k = 0; k < this.dim; k++) pooled[k] += tv.vectors.data[r * this.dim + k] / (this.pooling.mode === 'cls' ? 1 : n);
			}
			rows.push(unit(pooled));
		}
		return stack(rows, this.dim);
	}

	async dispose(): Promise<void> {
		this.disposed = true;
	}
}

/** Logit = query words found in the document minus a small length penalty; records what it scored. */
export class ToyCrossEncoder implements CrossEncoder {
	readonly kind = 'cross-encoder' as const;
	readonly modelId = 'toy-cross';
	scored: string[] = [];
	calls = 0;

	async score(query: string, documents: string[]): Promise<Float32Array> {
		this.calls++;
		this.scored.push(...documents);
		const q = new Set(words(query));
		return Float32Array.from(documents, (d) => {
			const ws = words(d);
			return ws.filter((w) => q.has(w)).length - 0.01 * ws.length;
		});
	}

	async dispose(): Promise<void> {}
}

/** ColBERT-shaped: `[CLS] [Q] words` padded with `[MASK]` to `queryLength`; documents keep `[CLS] [D] words`. */
export class ToyColbert implements ColbertEncoder {
	readonly kind = 'colbert' as const;
	readonly modelId: string;
	readonly settings;
	encodedDocs = 0;
	batches = 0;

	constructor(options: { dim?: number; queryLength?: number; modelId?: string } = {}) {
		this.settings = { queryLength: options.queryLength ?? 8, documentLength: 64, dim: options.dim ?? 8, projection: 'folded' as const, queryAugmentation: true };
		this.modelId = options.modelId ?? 'toy-colbert';
	}

	async encodeQuery(text: string): Promise<ColbertQuery> {
		const ws = ['[CLS]', '[Q]', ...words(text)].slice(0, this.settings.queryLength);
		const real = ws.length;
		while (ws.length < this.settings.queryLength) ws.push('[MASK]');
		// [MASK] rows get a context-dependent vector (the sum of the real words), as augmentation does.
		const context = new Float32Array(this.settings.dim);
		for (const w of ws.slice(0, real)) wordVector(w, this.settings.dim).forEach((x, k) => (context[k] += x));
		const rows = ws.map((w, i) => unit(i < real ? wordVector(w, this.settings.dim) : context.map((x, k) => x + 0.1 * (i - real + 1) * (k % 2 ? 1 : -1))));
		return { ids: ws.map((_, i) => i), tokens: ws, augmentation: ws.map((_, i) => i >= real), matrix: stack(rows, this.settings.dim) };
	}

	async encodeDocuments(texts: string[], options?: EncodeOptions): Promise<ColbertDocument[]> {
		checkSignal(options);
		this.batches++;
		this.encodedDocs += texts.length;
		return texts.map((t) => {
			const ws = ['[CLS]', '[D]', ...words(t)].slice(0, this.settings.documentLength);
			return { ids: ws.map((_, i) => 100 + i), tokens: ws, matrix: stack(ws.map((w) => unit(wordVector(w, this.settings.dim))), this.settings.dim) };
		});
	}

	async dispose(): Promise<void> {}
}
