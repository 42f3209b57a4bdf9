/**
 * The messages between the page and the engine worker, as discriminated unions on `type`. The page
 * never touches the engine directly: it sends an `EngineRequest` (through comlink's `request` call,
 * see `engine.worker.ts`) and gets one `EngineResponse` back, with `EngineProgress` events on the way.
 * Every request carries an `id`; `EngineApi.cancel(id)` stops it. Plain data only (structured clone):
 * no class instances, no functions, so the same shapes can be logged, replayed and tested in Node.
 */
import type { TermExplanation } from '../engine/lexical/bm25';
import type { Bm25Options } from '../engine/lexical/bm25';
import type { Hit, SearchResult, StageTiming } from '../engine/types';
import type { RankingDrift } from '../engine/eval/drift';
import type { NeuralRequest, NeuralResponse } from './neural/protocol';
import type { EvaluateRequest, EvaluateResponse } from './evaluate-protocol';

export { PANEL_KINDS as PANEL_IDS, panelKind, type PanelId, type PanelKind } from '../engine/panels';
import type { OptionValue, PanelId } from '../engine/panels';

/** Where documents come from. `file` is a browser `File` (structured-cloneable). */
export type CorpusSource =
	| { kind: 'demo' }
	| { kind: 'pasted'; text: string; name?: string }
	| { kind: 'file'; file: File }
	/** Several chosen files (or a dropped folder) of a vectors folder (`engine/corpus/multivector-folder.ts`). */
	| { kind: 'vectors'; files: { path: string; blob: Blob }[]; name: string }
	/** A vectors folder served with the app (`static/collections/<name>`), e.g. the synthetic pages. */
	| { kind: 'collection'; name: string; url: string };

/** What the page shows of a corpus loaded from a vectors folder. */
export interface VectorsInfo {
	kind: 'text' | 'image';
	dim: number;
	model?: string;
	/** The manifest says the vectors are generated (no model): the page says so. */
	synthetic: boolean;
	totalVectors: number;
	/** Where the fp32 document vectors live when not in the worker's memory (`OPFS latelab-vectors-….f32`, `IndexedDB latelab-vectors-…`). */
	vectorsIn?: string;
	/** Queries with precomputed vectors (the only ones runnable without an encoder). */
	queries: { id: string; text: string }[];
	/** Image collections: per document, its page image (a Blob from the folder, or a URL) and patch grid. */
	images?: Record<string, { blob?: Blob; url?: string; grid: [number, number] }>;
}

/** An example query offered as a chip: the demo corpus explains what each one shows. */
export interface ExampleQuery {
	id: string;
	text: string;
	/** What the query demonstrates (e.g. "paraphrase"). */
	shows?: string;
	/** One or two sentences on why rankers disagree on it. */
	purpose?: string;
	/** Number of judged documents. */
	judged: number;
}

/** What the page needs to know about the loaded corpus (the documents stay in the worker). */
export interface CorpusSummary {
	name: string;
	source: CorpusSource['kind'];
	nDocs: number;
	nQueries: number;
	/** Queries that have at least one judgment. */
	nJudgedQueries: number;
	examples: ExampleQuery[];
	warnings: string[];
	/** Engine work done while loading, e.g. `{ stage: 'bm25-index', ms }`. */
	timings: StageTiming[];
	/** Present when the corpus came from a vectors folder. */
	vectors?: VectorsInfo;
}

/** One ranked document as a panel shows it: the engine's `Hit` plus what the list shows. */
export interface PanelHit extends Hit {
	title: string;
	/** The first ~220 characters of the text, for the list. */
	snippet: string;
	/** Graded judgment when the query is a judged corpus query (0 = judged not relevant). */
	relevance?: number;
}

/** A BM25 term's share of one document's score, with the term's spans in `text` (the engine's row as is). */
export type Bm25TermView = TermExplanation;

/** BM25 parameters (see `src/lib/engine/lexical/bm25.ts`): the BM25 panel's k1 and b. */
export type Bm25Params = Required<Pick<Bm25Options, 'k1' | 'b'>>;

/**
 * What the BM25 index is built with: k1, b and the BM25 panel's schema options by their pipeline
 * names (`pipelineOptionsOf('bm25', options)`, e.g. `stem`), read by `engine/pipelines/bm25.ts`.
 */
export type Bm25Config = Bm25Params & { readonly [opt: string]: OptionValue };

export type EngineRequest =
	/** `bm25`: k1 and b, and the BM25 panel's options (absent ones: their defaults). */
	| { type: 'load-corpus'; id: number; source: CorpusSource; bm25?: Bm25Config }
	| { type: 'configure-bm25'; id: number; params: Bm25Config }
	/** `exact`: the panel to compare with (the exact fp32 ColBERT panel of the same model, or the same model with fp32 weights on WASM); the answer then carries `drift` against it. */
	| { type: 'search'; id: number; panel: PanelId; query: string; k: number; exact?: PanelId }
	| { type: 'explain-bm25'; id: number; query: string; docId: string }
	| NeuralRequest
	| EvaluateRequest;

export type EngineResponse =
	| { type: 'corpus-loaded'; id: number; corpus: CorpusSummary }
	| { type: 'bm25-configured'; id: number; params: Bm25Config; ms: number }
	| ({
			type: 'search-result';
			id: number;
			panel: PanelId;
			query: string;
			hits: PanelHit[];
	  } & Pick<SearchResult, 'timings'> & {
			/** The algorithm or MaxSim kernel that ran, e.g. "BM25 (k1 0.9, b 0.4)" or "wasm: SIMD, 2 threads". */
			kernel: string;
			/** Corpus query id when the text matches a judged query. */
			queryId?: string;
			judged: number;
			/** Against the `exact` panel asked for: `rankingDrift` of the top 10 (engine/eval/drift.ts). */
			drift?: RankingDrift;
	  })
	| {
			type: 'bm25-explanation';
			id: number;
			docId: string;
			/** The indexed field (title + ' ' + text); term offsets point into it. */
			text: string;
			titleLength: number;
			score: number;
			terms: Bm25TermView[];
	  }
	| { type: 'cancelled'; id: number }
	| { type: 'error'; id: number; error: EngineFailure }
	| NeuralResponse
	| EvaluateResponse;

/** A failure the page can show: what happened and what to do about it. */
export interface EngineFailure {
	/** Engine error code (`errors.ts`) or `INTERNAL` for a bug. */
	code: string;
	message: string;
	fix: string;
	file?: string;
	line?: number;
}

/** Progress of long work inside one request. */
export interface EngineProgress {
	type: 'progress';
	id: number;
	stage: string;
	done: number;
	/** 0 when unknown. */
	total: number;
	unit: 'docs' | 'bytes' | 'files' | 'queries';
	/** Units per second so far (corpus encoding), and seconds left at that rate. */
	rate?: number;
	etaSeconds?: number;
	/** Model downloads: the file in flight and its own bytes (`done`/`total` cover all files). */
	file?: string;
	fileDone?: number;
	fileTotal?: number;
}

/** The object the worker exposes through comlink. */
export interface EngineApi {
	request(request: EngineRequest, onProgress?: (progress: EngineProgress) => void): Promise<EngineResponse>;
	/** Marks a request cancelled; long work stops at its next checkpoint and answers `cancelled`. */
	cancel(target: number): void;
}

/** Narrows a response to one `type`, e.g. `isResponse(r, 'search-result')`. */
export function isResponse<T extends EngineResponse['type']>(
	response: EngineResponse,
	type: T
): response is Extract<EngineResponse, { type: T }> {
	return response.type === type;
}
