/**
 * The neural panels' page-side state: the model chosen per role (Hub id or served folder, dtype,
 * device), its load status with download progress, each neural panel's corpus encoding (documents/s,
 * ETA, cancel) and settings (MaxSim kernel, first stage), the browser caches, and explanations. It
 * drives the panels' state machines through `Playground.dispatch` and talks to the worker through
 * `EngineClient.send` (channels `model:<role>`, `prepare:<panel>`, `explain:<panel>`, `caches`).
 * Choices persist in localStorage; `?hub=<url>` in the address sets the Hub (tests point it at the mock Hub).
 */
import type { ModelRole } from '$lib/engine/pipelines/registry';
import type { Playground } from '$lib/state/playground.svelte';
import type { EngineFailure, EngineProgress, PanelId } from '$lib/worker/protocol';
import {
	roleOfPanel,
	type EncodedCacheEntry,
	type ModelCacheState,
	type ModelChoice,
	type ModelInfo,
	type NeuralExplanationView,
	type PanelSettings,
	type PreparedStats
} from '$lib/worker/neural/protocol';
import { modelsFromParam, modelsToParam, searchWithModels } from './url-models';

export const ROLES: readonly ModelRole[] = ['bi-encoder', 'cross-encoder', 'colbert'];
export const NEURAL_PANEL_IDS: readonly PanelId[] = ['bi-encoder', 'cross-encoder', 'colbert', 'colbert-two-stage'];

/** The default Hub model of each role (MODELS.md; the same as the engine's `DEFAULT_MODELS`). */
export const DEFAULT_SPECS: Record<ModelRole, string> = {
	'bi-encoder': 'Xenova/all-MiniLM-L6-v2',
	'cross-encoder': 'Xenova/ms-marco-MiniLM-L-6-v2',
	colbert: 'answerdotai/answerai-colbert-small-v1'
};
export const DEFAULT_HUB = 'https://huggingface.co/';
export const ROLE_LABELS: Record<ModelRole, string> = { 'bi-encoder': 'bi-encoder', 'cross-encoder': 'cross-encoder', colbert: 'ColBERT' };
const STORAGE_KEY = 'latelab:models';

export type RoleStatus =
	| { kind: 'empty' }
	| { kind: 'loading'; progress?: EngineProgress; started: number }
	| { kind: 'ready'; info: ModelInfo }
	| { kind: 'error'; failure: EngineFailure };

export type PrepStatus =
	| { kind: 'none' }
	| { kind: 'encoding'; progress?: EngineProgress; started: number }
	| { kind: 'ready'; stats: PreparedStats }
	| { kind: 'cancelled' }
	| { kind: 'error'; failure: EngineFailure };

export type ExplainStatus =
	| { kind: 'none' }
	| { kind: 'loading'; key: string; progress?: EngineProgress }
	| { kind: 'ready'; key: string; view: NeuralExplanationView }
	| { kind: 'error'; key: string; failure: EngineFailure };

interface Saved {
	hub?: string;
	choices?: Partial<Record<ModelRole, ModelChoice>>;
	loaded?: ModelRole[];
	settings?: Partial<Record<PanelId, PanelSettings>>;
}

const defaultChoice = (role: ModelRole): ModelChoice => ({ spec: DEFAULT_SPECS[role], dtype: 'q8', device: 'wasm' });
const defaultSettings = (): PanelSettings => ({ kernel: 'auto', firstStage: 'bm25', depth: 100 });
const byRole = <T>(f: (r: ModelRole) => T) => Object.fromEntries(ROLES.map((r) => [r, f(r)])) as Record<ModelRole, T>;
const byPanel = <T>(f: (p: PanelId) => T) => Object.fromEntries(NEURAL_PANEL_IDS.map((p) => [p, f(p)])) as Record<PanelId, T>;

/** The key an explanation belongs to. */
export const explainKey = (docId: string, query: string, extra = '') => `${docId}\u0000${query}\u0000${extra}`;

export class ModelsState {
	readonly pg: Playground;
	hub = $state(DEFAULT_HUB);
	choices = $state<Record<ModelRole, ModelChoice>>(byRole(defaultChoice));
	roles = $state.raw<Record<ModelRole, RoleStatus>>(byRole(() => ({ kind: 'empty' })));
	prep = $state.raw<Record<PanelId, PrepStatus>>(byPanel(() => ({ kind: 'none' })));
	settings = $state<Record<PanelId, PanelSettings>>(byPanel(defaultSettings));
	explanations = $state.raw<Record<PanelId, ExplainStatus>>(byPanel(() => ({ kind: 'none' })));
	caches = $state.raw<{ encoded: EncodedCacheEntry[]; models: ModelCacheState; available: boolean } | undefined>(undefined);
	#storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
	#started = false;
	readonly #setSearch: ((search: string) => void) | undefined;

	/** `setSearch` replaces the address's query string (the page passes SvelteKit's `replaceState`). */
	constructor(pg: Playground, setSearch?: (search: string) => void) {
		this.pg = pg;
		this.#setSearch = setSearch;
		pg.onCorpusLoaded = () => this.#corpusChanged();
	}

	/** Reads saved choices and `?hub=`, tells the worker the Hub, and reloads the models loaded last time. */
	async start(search: string, storage?: Pick<Storage, 'getItem' | 'setItem'>): Promise<void> {
		this.#storage = storage;
		let saved: Saved = {};
		try {
			saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as Saved;
		} catch {
			saved = {};
		}
		const params = new URLSearchParams(search);
		for (const r of ROLES) if (saved.choices?.[r]) this.choices[r] = { ...defaultChoice(r), ...saved.choices[r] };
		for (const p of NEURAL_PANEL_IDS) if (saved.settings?.[p]) this.settings[p] = { ...defaultSettings(), ...saved.settings[p] };
		// A link's models win over this browser's last ones.
		const linked = modelsFromParam(params.get('models'));
		for (const { role, choice } of linked) this.choices[role] = choice;
		await this.setHub(params.get('hub') ?? saved.hub ?? DEFAULT_HUB);
		this.#started = true;
		const loaded = linked.length > 0 ? linked.map((l) => l.role) : (saved.loaded ?? []).filter((r) => ROLES.includes(r));
		await Promise.all(loaded.map((r) => this.load(r)));
	}

	/** Sets the Hub address for later loads. */
	async setHub(url: string): Promise<void> {
		const hub = url.trim().replace(/\/?$/, '/');
		this.hub = hub;
		await this.pg.client.send('hub', { type: 'configure-hub', hub: { remoteHost: hub } });
		this.#save();
	}

	#save(): void {
		const loaded = ROLES.filter((r) => this.roles[r].kind === 'ready');
		const saved: Saved = { hub: this.hub, choices: $state.snapshot(this.choices), loaded, settings: $state.snapshot(this.settings) };
		this.#storage?.setItem(STORAGE_KEY, JSON.stringify(saved));
		if (this.#started && this.#setSearch && typeof location !== 'undefined') {
			const models = modelsToParam(loaded.map((role) => ({ role, choice: $state.snapshot(this.choices[role]) })));
			const search = searchWithModels(location.search, models, this.hub, DEFAULT_HUB);
			if (search !== location.search) this.#setSearch(search);
		}
	}

	panelsOf(role: ModelRole): PanelId[] {
		return NEURAL_PANEL_IDS.filter((p) => roleOfPanel(p) === role);
	}

	#setRole(role: ModelRole, status: RoleStatus): void {
		this.roles = { ...this.roles, [role]: status };
	}

	#setPrep(panel: PanelId, status: PrepStatus): void {
		this.prep = { ...this.prep, [panel]: status };
	}

	/** Loads the chosen model of `role`, then prepares (encodes the corpus for) each panel that uses it. */
	async load(role: ModelRole): Promise<void> {
		const choice = $state.snapshot(this.choices[role]);
		const panels = this.panelsOf(role);
		this.#setRole(role, { kind: 'loading', started: performance.now() });
		for (const p of panels) {
			this.pg.dispatch(p, { type: 'reset' });
			this.pg.dispatch(p, { type: 'progress', progress: { stage: 'loading the model', done: 0, total: 0, unit: 'bytes' } });
			this.#setPrep(p, { kind: 'none' });
		}
		const r = await this.pg.client.send(`model:${role}`, { type: 'load-model', role, choice }, (progress) => {
			const current = this.roles[role];
			this.#setRole(role, { kind: 'loading', progress, started: current.kind === 'loading' ? current.started : performance.now() });
			for (const p of panels) this.pg.dispatch(p, { type: 'progress', progress });
		});
		if (r.type === 'cancelled') return;
		if (r.type === 'error' || r.type !== 'model-loaded') {
			const failure = r.type === 'error' ? r.error : { code: 'INTERNAL', message: `unexpected answer ${r.type}`, fix: 'Reload the page.' };
			this.#setRole(role, { kind: 'error', failure });
			for (const p of panels) this.pg.dispatch(p, { type: 'model-missing', role, message: `The ${ROLE_LABELS[role]} model did not load.` });
			this.#save();
			return;
		}
		this.#setRole(role, { kind: 'ready', info: r.info });
		this.#save();
		// A dense first stage reads the bi-encoder: rebuild the rerankers that use it.
		const dependents = role === 'bi-encoder' ? NEURAL_PANEL_IDS.filter((p) => p !== 'bi-encoder' && this.settings[p].firstStage === 'dense' && this.prep[p].kind === 'ready') : [];
		await Promise.all([...panels, ...dependents].map((p) => this.prepare(p)));
		void this.refreshCaches();
	}

	/** Builds a panel's pipeline in the worker (encoding the corpus, or reading it from IndexedDB). */
	async prepare(panel: PanelId): Promise<void> {
		const role = roleOfPanel(panel)!;
		if (this.roles[role].kind !== 'ready' || !this.pg.corpus) return;
		const settings = { ...$state.snapshot(this.settings[panel]), bm25: { ...this.pg.bm25 } };
		const started = performance.now();
		this.#setPrep(panel, { kind: 'encoding', started });
		this.pg.dispatch(panel, { type: 'reset' });
		this.pg.dispatch(panel, { type: 'progress', progress: { stage: 'encode-corpus', done: 0, total: this.pg.corpus.nDocs, unit: 'docs' } });
		const r = await this.pg.client.send(`prepare:${panel}`, { type: 'prepare-panel', panel, settings }, (progress) => {
			this.#setPrep(panel, { kind: 'encoding', progress, started });
			this.pg.dispatch(panel, { type: 'progress', progress });
		});
		if (r.type === 'cancelled') {
			// A newer prepare of this panel replaced this one; only a user cancel leaves it cancelled.
			if (this.prep[panel].kind === 'encoding' && (this.prep[panel] as { started: number }).started === started) {
				this.#setPrep(panel, { kind: 'cancelled' });
				this.pg.dispatch(panel, { type: 'model-missing', role, message: 'Encoding stopped. Finished batches are kept: resume to encode the rest.' });
			}
			return;
		}
		if (r.type === 'error' || r.type !== 'panel-prepared') {
			const failure = r.type === 'error' ? r.error : { code: 'INTERNAL', message: `unexpected answer ${r.type}`, fix: 'Reload the page.' };
			this.#setPrep(panel, { kind: 'error', failure });
			this.pg.dispatch(panel, { type: 'reset' });
			this.pg.dispatch(panel, { type: 'failed', failure });
			return;
		}
		this.#setPrep(panel, { kind: 'ready', stats: r.stats });
		this.pg.dispatch(panel, { type: 'model-ready' });
		this.pg.refreshPanel(panel);
	}

	/** Stops a panel's corpus encoding after the current batch. */
	cancelPrepare(panel: PanelId): void {
		this.pg.client.cancelChannel(`prepare:${panel}`);
	}

	/** Changes a panel setting (kernel, first stage, depth) and rebuilds the panel. */
	async setSetting<K extends keyof PanelSettings>(panel: PanelId, key: K, value: PanelSettings[K]): Promise<void> {
		this.settings[panel][key] = value;
		this.#save();
		await this.prepare(panel);
	}

	/** The BM25 panel's k1/b changed: rebuild the rerankers whose first stage is BM25, so they rerank the same list. */
	bm25Changed(): void {
		for (const p of ['cross-encoder', 'colbert-two-stage'] as PanelId[]) {
			if (this.settings[p].firstStage === 'bm25' && this.prep[p].kind === 'ready') void this.prepare(p);
		}
	}

	#corpusChanged(): void {
		this.explanations = byPanel(() => ({ kind: 'none' }));
		for (const p of NEURAL_PANEL_IDS) {
			if (this.roles[roleOfPanel(p)!].kind !== 'ready') continue;
			// Loading now, so the search that follows skips this panel until its corpus is encoded.
			this.pg.dispatch(p, { type: 'reset' });
			this.pg.dispatch(p, { type: 'progress', progress: { stage: 'encode-corpus', done: 0, total: this.pg.corpus?.nDocs ?? 0, unit: 'docs' } });
			void this.prepare(p);
		}
	}

	/** Asks the worker for one panel's explanation of `docId` for `query` (occlusion: `maxVariants`). */
	async explain(panel: PanelId, docId: string, query: string, maxVariants?: number): Promise<void> {
		const key = explainKey(docId, query, maxVariants ? String(maxVariants) : '');
		const current = this.explanations[panel];
		if (current.kind !== 'none' && current.kind !== 'error' && current.key === key) return;
		const set = (s: ExplainStatus) => (this.explanations = { ...this.explanations, [panel]: s });
		set({ kind: 'loading', key });
		const r = await this.pg.client.send(`explain:${panel}`, { type: 'explain-neural', panel, docId, query, ...(maxVariants ? { maxVariants } : {}) }, (progress) =>
			set({ kind: 'loading', key, progress })
		);
		if (r.type === 'cancelled') {
			if ((this.explanations[panel] as { key?: string }).key === key) set({ kind: 'none' });
			return;
		}
		if (r.type === 'error') set({ kind: 'error', key, failure: r.error });
		else if (r.type === 'neural-explanation') set({ kind: 'ready', key, view: r.view });
	}

	cancelExplain(panel: PanelId): void {
		this.pg.client.cancelChannel(`explain:${panel}`);
	}

	async refreshCaches(): Promise<void> {
		const r = await this.pg.client.send('caches', { type: 'list-caches' });
		if (r.type === 'caches') this.caches = { encoded: r.encoded, models: r.models, available: r.available };
	}

	async clearCache(what: 'encoded' | 'models', name?: string): Promise<void> {
		const r = await this.pg.client.send('caches', { type: 'clear-cache', what, ...(name ? { name } : {}) });
		if (r.type === 'caches') this.caches = { encoded: r.encoded, models: r.models, available: r.available };
	}
}
