/**
 * The messages between the page and the engine worker, as discriminated unions on `type`. The page
 * never touches the engine directly: it sends an `EngineRequest` (through comlink's `request` call,
 * see `engine.worker.ts`) and gets one `EngineResponse` back, with `EngineProgress` events on the way.
 * Every request carries an `id`; `EngineApi.cancel(id)` stops it. Plain data only (structured clone):
 * no class instances, no functions, so the same shapes can be logged, replayed and tested in Node.
 */
import type { StageTiming } from '../engine/types';
import type { NeuralRequest, NeuralResponse } from './neural/protocol';
import type { EvaluateRequest, EvaluateResponse } from './evaluate-protocol';

/** The kinds of panel (and the ids of the five default panels). */
export type PanelKind = 'bm25' | 'bi-encoder' | 'cross-encoder' | 'colbert' | 'colbert-two-stage';

/** A panel: a default one (its kind) or an added one, `<kind>@<tag>` (e.g. `bi-encoder@2`), with its own model. */
export type PanelId = PanelKind | `${PanelKind}@${string}`;

/** The kind of a panel id. @example panelKind('colbert@3') // 'colbert' */
export function panelKind(id: PanelId): PanelKind {
	const at = id.indexOf('@');
	return (at < 0 ? id : id.slice(0, at)) as PanelKind;
}

export const PANEL_IDS: readonly PanelKind[] = ['bm25', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'];

/** Where documents come from. `file` is a browser `File` (structured-cloneable). */
export type CorpusSource =
	| { kind: 'demo' }
	| { kind: 'pasted'; text: string; name?: string }
	| { kind: 'file'; file: File };

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
}

/** One ranked document as a panel shows it. */
export interface PanelHit {
	id: string;
	rank: number;
	score: number;
	title: string;
	/** The first ~220 characters of the text, for the list. */
	snippet: string;
	/** Graded judgment when the query is a judged corpus query (0 = judged not relevant). */
	relevance?: number;
}

/** A BM25 term's share of one document's score, with the term's spans in `text`. */
export interface Bm25TermView {
	term: string;
	queryTf: number;
	tf: number;
	df: number;
	idf: number;
	contribution: number;
	offsets: [number, number][];
}

/** BM25 parameters (see `src/lib/engine/lexical/bm25.ts`). */
export interface Bm25Params {
	k1: number;
	b: number;
}

export type EngineRequest =
	| { type: 'load-corpus'; id: number; source: CorpusSource; bm25?: Bm25Params }
	| { type: 'configure-bm25'; id: number; params: Bm25Params }
	| { type: 'search'; id: number; panel: PanelId; query: string; k: number }
	| { type: 'explain-bm25'; id: number; query: string; docId: string }
	| NeuralRequest
	| EvaluateRequest;

export type EngineResponse =
	| { type: 'corpus-loaded'; id: number; corpus: CorpusSummary }
	| { type: 'bm25-configured'; id: number; params: Bm25Params; ms: number }
	| {
			type: 'search-result';
			id: number;
			panel: PanelId;
			query: string;
			hits: PanelHit[];
			timings: StageTiming[];
			/** The algorithm or MaxSim kernel that ran, e.g. "BM25 (k1 0.9, b 0.4)" or "wasm: SIMD, 2 threads". */
			kernel: string;
			/** Corpus query id when the text matches a judged query. */
			queryId?: string;
			judged: number;
	  }
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
