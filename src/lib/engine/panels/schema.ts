/**
 * The one table of panel kinds and the one schema of panel options. Dependency-free (types, and the
 * constant lists of `maxsim/backends.ts`, `pipelines/roles.ts` and `pipelines/first-stage-names.ts`, which
 * own the backend names, the roles and the first stages), so
 * the engine, the worker, the CLI, the URL codec and Svelte components all read the same entries:
 * what a kind is (role, pipeline, reranks?, title, blurb) and what each option is (values or range,
 * default, label, kinds it applies to, its key in the link, its `--opt` key). Everything else —
 * the link format, the worker protocol, the defaults in `prepare`, the controls, the labels, the
 * CLI's checks — is derived from here (`./options.ts`). Adding an option is one entry in
 * `PANEL_OPTIONS` plus its engine support (see docs/ARCHITECTURE.md, "Add a panel option").
 */
import { MAXSIM_BACKENDS } from '../maxsim/backends';
import { FIRST_STAGES } from '../pipelines/first-stage-names';
import { MODEL_ROLES, type ModelRole } from '../pipelines/roles';
import type { ChoiceOptionSpec, NumberOptionSpec, OptionValue, SwitchOptionSpec } from './option-spec';

/** The kinds of panel, in the default order (also the ids of the five default panels). */
export const PANEL_KINDS = ['bm25', 'bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'] as const;
export type PanelKind = (typeof PANEL_KINDS)[number];

/** A panel: a default one (its kind) or an added one, `<kind>@<tag>` (e.g. `bi-encoder@2`), with its own model and options. */
export type PanelId = PanelKind | `${PanelKind}@${string}`;

/** What a kind of panel is. */
export interface KindInfo {
	/** Heading and `aria-label` of the panel's `<section>`. */
	title: string;
	/** One line under the heading. */
	blurb: string;
	/** The model it needs; absent for BM25. */
	role?: ModelRole;
	/** The engine pipeline it runs (`engine/pipelines`, the CLI's `--pipeline`). */
	pipeline: 'bm25' | 'dense' | 'cross' | 'colbert' | 'colbert-rerank';
	/** Reranks a first stage's top `depth` (so `firstStage` and `depth` apply). */
	reranks: boolean;
	/** Scores with MaxSim over token vectors (so the MaxSim `kernel` applies). */
	lateInteraction: boolean;
	/** A user can add more panels of it (BM25 has one shared index: a second panel would be identical). */
	addable: boolean;
}

export const KINDS: Readonly<Record<PanelKind, KindInfo>> = {
	bm25: { title: 'BM25', blurb: 'Exact terms, weighted by rarity. No model.', pipeline: 'bm25', reranks: false, lateInteraction: false, addable: false },
	'bi-encoder': { title: 'Bi-encoder', blurb: 'One vector per text; cosine similarity.', role: 'bi-encoder', pipeline: 'dense', reranks: false, lateInteraction: false, addable: true },
	'cross-encoder': {
		title: 'Cross-encoder',
		blurb: 'Reads query and document together; reranks a first stage.',
		role: 'cross-encoder',
		pipeline: 'cross',
		reranks: true,
		lateInteraction: false,
		addable: true
	},
	colbert: { title: 'ColBERT', blurb: 'One vector per token; MaxSim over all documents.', role: 'colbert', pipeline: 'colbert', reranks: false, lateInteraction: true, addable: true },
	'colbert-two-stage': {
		title: 'ColBERT two-stage',
		blurb: 'First-stage candidates, reranked by MaxSim.',
		role: 'colbert',
		pipeline: 'colbert-rerank',
		reranks: true,
		lateInteraction: true,
		addable: true
	}
};

/** How each model role is named in prose (`ROLE_NAMES.colbert` is "ColBERT"). */
export const ROLE_NAMES: Readonly<Record<ModelRole, string>> = { 'bi-encoder': 'bi-encoder', 'cross-encoder': 'cross-encoder', colbert: 'ColBERT' };

/** The model roles, in the model bar's order (`pipelines/roles.ts`). */
export const ROLES: readonly ModelRole[] = MODEL_ROLES;

/** The kinds whose panels rerank a first stage / score with MaxSim (for an option's `kinds`). */
const RERANKERS = PANEL_KINDS.filter((k) => KINDS[k].reranks);
const LATE_INTERACTION = PANEL_KINDS.filter((k) => KINDS[k].lateInteraction);
/** Exhaustive ColBERT (no first stage): where a candidate stage and the storage format apply. */
const EXHAUSTIVE_COLBERT = PANEL_KINDS.filter((k) => KINDS[k].lateInteraction && !KINDS[k].reranks);

/** A choice among `values` (strings or numbers); literal types are kept, so `PanelOptions` is exact. */
function choice<V extends string | number>(spec: Omit<ChoiceOptionSpec<V>, 'type'>): ChoiceOptionSpec<V> {
	return { type: 'choice', ...spec };
}
function number(spec: Omit<NumberOptionSpec, 'type'>): NumberOptionSpec {
	return { type: 'number', ...spec };
}
function toggle(spec: Omit<SwitchOptionSpec, 'type'>): SwitchOptionSpec {
	return { type: 'switch', ...spec };
}

/**
 * Every panel option. The record key is the option's name in `PanelOptions`, in the worker protocol
 * and in the pipeline options the worker builds (so it is also the `--opt` key unless `opt` says
 * otherwise). Order = the order of the controls in a panel's header.
 * @example PANEL_OPTIONS.depth.default // 100
 */
export const PANEL_OPTIONS = {
	kernel: choice({
		label: 'MaxSim kernel',
		text: 'kernel',
		kinds: LATE_INTERACTION,
		values: MAXSIM_BACKENDS,
		default: 'auto',
		link: 'k',
		opt: 'maxsimBackend'
	}),
	firstStage: choice({
		label: 'first stage',
		text: 'first stage',
		kinds: RERANKERS,
		values: FIRST_STAGES,
		valueLabels: { bm25: 'BM25', dense: 'bi-encoder' },
		default: 'bm25',
		link: 'f',
		opt: 'firstStage',
		cliFlag: '--first-stage'
	}),
	depth: number({
		label: 'rerank depth',
		text: 'top',
		kinds: RERANKERS,
		min: 1,
		max: 1000,
		integer: true,
		presets: [20, 50, 100, 200],
		default: 100,
		link: 'd',
		opt: 'depth',
		cliFlag: '--depth'
	}),
	stem: toggle({
		label: 'stemming',
		text: 'stemming',
		kinds: ['bm25'],
		default: true,
		link: 'st',
		opt: 'stem',
		offText: 'no stemming'
	}),
	// ColBERT's cost options (issue 12): token pooling, a candidate stage or exhaustive MaxSim, the storage
	// format with exact rescoring, and each candidate stage's parameters (shown only where chosen).
	pool: number({
		label: 'Pool factor',
		text: 'pool',
		kinds: LATE_INTERACTION,
		min: 1,
		max: 64,
		integer: true,
		presets: [1, 2, 3, 4],
		default: 1,
		link: 'pf',
		opt: 'pool'
	}),
	candidates: choice({
		label: 'Candidates',
		text: 'candidates',
		kinds: EXHAUSTIVE_COLBERT,
		values: ['exhaustive', 'muvera', 'plaid'] as const,
		valueLabels: { exhaustive: 'exhaustive', muvera: 'MUVERA', plaid: 'PLAID' },
		default: 'exhaustive',
		link: 'cs',
		opt: 'candidates'
	}),
	storage: choice({
		label: 'Storage',
		text: 'storage',
		kinds: EXHAUSTIVE_COLBERT,
		values: ['fp32', 'fp16', 'int8', 'binary', 'residual'] as const,
		default: 'fp32',
		link: 'sf',
		opt: 'storage',
		when: { option: 'candidates', is: ['exhaustive'] }
	}),
	bits: choice({
		label: 'Residual bits',
		text: 'bits',
		kinds: EXHAUSTIVE_COLBERT,
		values: [1, 2] as const,
		default: 2,
		link: 'rb',
		opt: 'bits',
		when: { option: 'storage', is: ['residual'] }
	}),
	rescore: number({
		label: 'Rescore depth',
		text: 'rescore',
		kinds: EXHAUSTIVE_COLBERT,
		min: 0,
		max: 1000000,
		integer: true,
		presets: [0, 20, 50, 100, 200],
		default: 0,
		link: 'rs',
		opt: 'rescore',
		when: { option: 'storage', is: ['fp16', 'int8', 'binary', 'residual'] }
	}),
	muveraDepth: number({
		label: 'MUVERA depth',
		text: 'MaxSim on top',
		kinds: EXHAUSTIVE_COLBERT,
		min: 1,
		max: 1000,
		integer: true,
		presets: [20, 50, 100, 300],
		default: 100,
		link: 'md',
		opt: 'depth',
		when: { option: 'candidates', is: ['muvera'] }
	}),
	kSim: number({
		label: 'MUVERA k_sim',
		text: 'k_sim',
		kinds: EXHAUSTIVE_COLBERT,
		min: 1,
		max: 10,
		integer: true,
		presets: [3, 4, 5, 6],
		default: 5,
		link: 'mk',
		// The pipeline's alias of k_sim: the CLI's --opt k_sim keeps the pipeline's own range check.
		opt: 'kSim',
		when: { option: 'candidates', is: ['muvera'] }
	}),
	nprobe: number({
		label: 'PLAID nprobe',
		text: 'nprobe',
		kinds: EXHAUSTIVE_COLBERT,
		min: 1,
		max: 4096,
		integer: true,
		presets: [1, 2, 4, 8],
		default: 1,
		link: 'pn',
		// The pipeline's alias of nprobe (ColBERT's ncells): --opt nprobe keeps its check against the centroid count.
		opt: 'ncells',
		when: { option: 'candidates', is: ['plaid'] }
	}),
	ndocs: number({
		label: 'PLAID ndocs',
		text: 'ndocs',
		kinds: EXHAUSTIVE_COLBERT,
		min: 4,
		max: 1000000,
		integer: true,
		presets: [64, 256, 1024, 4096],
		default: 256,
		link: 'pd',
		opt: 'ndocs',
		when: { option: 'candidates', is: ['plaid'] }
	}),
	plaidBits: choice({
		label: 'PLAID residual bits',
		text: 'bits',
		kinds: EXHAUSTIVE_COLBERT,
		values: [1, 2] as const,
		default: 2,
		link: 'pb',
		opt: 'bits',
		when: { option: 'candidates', is: ['plaid'] }
	}),
	// k-means centroids of a residual index (PLAID or residual storage). 'auto' is ColBERTv2's
	// 2^floor(log2(16 sqrt(vectors))): as it is on the CLI; in the playground's worker capped so the
	// build fits a budget of work (worker/neural/centroid-budget.ts). Any integer works in a link or on the CLI.
	centroids: choice({
		label: 'Centroids',
		text: 'centroids',
		kinds: EXHAUSTIVE_COLBERT,
		values: ['auto', 256, 1024, 4096, 16384] as const,
		integers: { min: 1, max: 2 ** 20 },
		default: 'auto',
		link: 'ce',
		opt: 'centroids',
		when: [
			{ option: 'candidates', is: ['plaid'] },
			{ option: 'storage', is: ['residual'] }
		]
	})
} as const;

export type OptionKey = keyof typeof PANEL_OPTIONS;

/** The value type of one option entry. */
type ValueOf<S> = S extends ChoiceOptionSpec<infer V> ? (S extends { integers: object } ? V | number : V) : S extends NumberOptionSpec ? number : S extends SwitchOptionSpec ? boolean : OptionValue;

/** A panel's options: one value per schema entry (entries that do not apply to its kind keep their default). */
export type PanelOptions = { [K in OptionKey]: ValueOf<(typeof PANEL_OPTIONS)[K]> };

/** The MaxSim kernels a ColBERT panel can ask for. */
export type KernelChoice = PanelOptions['kernel'];
/** The first stages a reranking panel can use. */
export type FirstStageChoice = PanelOptions['firstStage'];
