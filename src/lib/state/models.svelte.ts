/**
 * The neural panels' page-side state: the model chosen per role (Hub id or served folder, dtype,
 * device), its load status with download progress, each neural panel's corpus encoding (documents/s,
 * ETA, cancel) and settings (MaxSim kernel, first stage), the browser caches, and explanations. It
 * drives the panels' state machines through `Playground.dispatch` and talks to the worker through
 * `EngineClient.send` (channels `model:<role>`, `prepare:<panel>`, `explain:<panel>`, `caches`).
 * Several models of a role can be loaded at once (keyed by `modelKey`): the model bar's model feeds the
 * default panels, and each added panel (`Playground.addPanel`) ranks with its own. Panel settings live in
 * `Playground.options` (so in the link); model-bar choices persist in localStorage and `?models=`;
 * `?hub=<url>` in the address sets the Hub (tests point it at the mock Hub).
 */
import type { ModelRole } from '$lib/engine/pipelines/registry';
import type { Playground } from '$lib/state/playground.svelte';
import type { EngineFailure, EngineProgress, PanelId } from '$lib/worker/protocol';
import type { PanelOptions } from '$lib/state/url-state';
import type { PanelKind } from '$lib/worker/protocol';
import {
	modelKey,
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
}

const defaultChoice = (role: ModelRole): ModelChoice => ({ spec: DEFAULT_SPECS[role], dtype: 'q8', device: 'wasm' });
const byRole = <T>(f: (r: ModelRole) => T) => Object.fromEntries(ROLES.map((r) => [r, f(r)])) as Record<ModelRole, T>;
const NO_PREP: PrepStatus = { kind: 'none' };
const NO_EXPLANATION: ExplainStatus = { kind: 'none' };

/** The key an explanation belongs to. */
export const explainKey = (docId: string, query: string, extra = '') => `${docId}\u0000${query}\u0000${extra}`;

export class ModelsState {
	readonly pg: Playground;
	hub = $state(DEFAULT_HUB);
	choices = $state<Record<ModelRole, ModelChoice>>(byRole(defaultChoice));
	/** The model bar's load status per role (the model the default panels use). */
	roles = $state.raw<Record<ModelRole, RoleStatus>>(byRole(() => ({ kind: 'empty' })));
	/** The key of the model bar's loaded model per role. */
	roleKeys = $state.raw<Partial<Record<ModelRole, string>>>({});
	/** Load status of every model asked for, by `modelKey`. */
	loaded = $state.raw<Record<string, RoleStatus>>({});
	prep = $state.raw<Record<PanelId, PrepStatus>>({} as Record<PanelId, PrepStatus>);
	explanations = $state.raw<Record<PanelId, ExplainStatus>>({} as Record<PanelId, ExplainStatus>);
	caches = $state.raw<{ encoded: EncodedCacheEntry[]; models: ModelCacheState; available: boolean } | undefined>(undefined);
	#storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
	#started = false;
	readonly #loads = new Map<string, Promise<RoleStatus>>();
	readonly #setSearch: ((search: string) => void) | undefined;

	/** `setSearch` replaces the address's query string (the page passes SvelteKit's `replaceState`). */
	constructor(pg: Playground, setSearch?: (search: string) => void) {
		this.pg = pg;
		this.#setSearch = setSearch;
		pg.onCorpusLoaded = () => this.#corpusChanged();
	}

	/** Each neural panel's kernel, first stage and depth (kept in `Playground.options`, so in the link). */
	get settings(): Record<PanelId, PanelOptions> {
		return this.pg.options;
	}

	/** Reads saved choices and `?hub=`, tells the worker the Hub, reloads the model bar's models and the added panels' models. */
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
		// A link's models win over this browser's last ones.
		const linked = modelsFromParam(params.get('models'));
		for (const { role, choice } of linked) this.choices[role] = choice;
		await this.setHub(params.get('hub') ?? saved.hub ?? DEFAULT_HUB);
		this.#started = true;
		const loaded = linked.length > 0 ? linked.map((l) => l.role) : (saved.loaded ?? []).filter((r) => ROLES.includes(r));
		await Promise.all([...loaded.map((r) => this.load(r)), ...this.pg.added.map((p) => this.loadPanelModel(p.id))]);
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
		const saved: Saved = { hub: this.hub, choices: $state.snapshot(this.choices), loaded };
		this.#storage?.setItem(STORAGE_KEY, JSON.stringify(saved));
		if (this.#started && this.#setSearch && typeof location !== 'undefined') {
			const models = modelsToParam(loaded.map((role) => ({ role, choice: $state.snapshot(this.choices[role]) })));
			const search = searchWithModels(location.search, models, this.hub, DEFAULT_HUB);
			if (search !== location.search) this.#setSearch(search);
		}
	}

	/** The neural panels on the page (default and added), in display order. */
	neuralPanels(): PanelId[] {
		return this.pg.order.filter((p) => roleOfPanel(p));
	}

	/** The default panels of `role` (those that use the model bar's model). */
	panelsOf(role: ModelRole): PanelId[] {
		return this.neuralPanels().filter((p) => !p.includes('@') && roleOfPanel(p) === role);
	}

	/** The key of the model a panel ranks with: its own (added panel) or the model bar's. */
	modelKeyOf(panel: PanelId): string | undefined {
		const added = this.pg.added.find((p) => p.id === panel);
		const role = roleOfPanel(panel);
		if (added && role) return modelKey(role, added.model);
		return role ? this.roleKeys[role] : undefined;
	}

	/** Load status of a panel's model. */
	modelStatusOf(panel: PanelId): RoleStatus | undefined {
		const role = roleOfPanel(panel);
		if (!role) return undefined;
		if (!panel.includes('@')) return this.roles[role];
		const key = this.modelKeyOf(panel);
		return (key && this.loaded[key]) || { kind: 'empty' };
	}

	prepOf(panel: PanelId): PrepStatus {
		return this.prep[panel] ?? NO_PREP;
	}

	explanationOf(panel: PanelId): ExplainStatus {
		return this.explanations[panel] ?? NO_EXPLANATION;
	}

	#setRole(role: ModelRole, status: RoleStatus): void {
		this.roles = { ...this.roles, [role]: status };
	}

	#setPrep(panel: PanelId, status: PrepStatus): void {
		this.prep = { ...this.prep, [panel]: status };
	}

	/** The model keys still in use (model bar and added panels), plus `extra`; the worker disposes the rest. */
	#keep(extra: string, replacing?: ModelRole): string[] {
		const keys = new Set<string>([extra]);
		for (const r of ROLES) if (r !== replacing && this.roleKeys[r]) keys.add(this.roleKeys[r]!);
		for (const p of this.pg.added) keys.add(modelKey(roleOfPanel(p.id)!, p.model));
		for (const [k, st] of Object.entries(this.loaded)) if (st.kind === 'loading') keys.add(k);
		return [...keys];
	}

	/** Loads one model (shared by every panel asking for the same key while it loads). */
	#loadModel(role: ModelRole, choice: ModelChoice, onProgress: (p: EngineProgress) => void, replacing?: ModelRole): Promise<RoleStatus> {
		const key = modelKey(role, choice);
		const current = this.loaded[key];
		if (current?.kind === 'ready' && !replacing) return Promise.resolve(current);
		const running = this.#loads.get(key);
		if (running) return running;
		const setKey = (st: RoleStatus) => (this.loaded = { ...this.loaded, [key]: st });
		const started = performance.now();
		setKey({ kind: 'loading', started });
		const promise = (async (): Promise<RoleStatus> => {
			const r = await this.pg.client.send(`model:${key}`, { type: 'load-model', role, choice, keep: this.#keep(key, replacing) }, (progress) => {
				setKey({ kind: 'loading', progress, started });
				onProgress(progress);
			});
			this.#loads.delete(key);
			let status: RoleStatus;
			if (r.type === 'cancelled') status = { kind: 'empty' };
			else if (r.type === 'model-loaded') status = { kind: 'ready', info: r.info };
			else status = { kind: 'error', failure: r.type === 'error' ? r.error : { code: 'INTERNAL', message: `unexpected answer ${r.type}`, fix: 'Reload the page.' } };
			setKey(status);
			return status;
		})();
		this.#loads.set(key, promise);
		return promise;
	}

	/** Loads the model bar's model of `role`, then prepares (encodes the corpus for) each default panel of the role. */
	async load(role: ModelRole): Promise<void> {
		const choice = $state.snapshot(this.choices[role]);
		const panels = this.panelsOf(role);
		this.#setRole(role, { kind: 'loading', started: performance.now() });
		for (const p of panels) {
			this.pg.dispatch(p, { type: 'reset' });
			this.pg.dispatch(p, { type: 'progress', progress: { stage: 'loading the model', done: 0, total: 0, unit: 'bytes' } });
			this.#setPrep(p, { kind: 'none' });
		}
		const status = await this.#loadModel(
			role,
			choice,
			(progress) => {
				const current = this.roles[role];
				this.#setRole(role, { kind: 'loading', progress, started: current.kind === 'loading' ? current.started : performance.now() });
				for (const p of panels) this.pg.dispatch(p, { type: 'progress', progress });
			},
			role
		);
		if (status.kind === 'empty') return;
		this.#setRole(role, status);
		if (status.kind === 'error') {
			for (const p of panels) this.pg.dispatch(p, { type: 'model-missing', role, message: `The ${ROLE_LABELS[role]} model did not load.` });
			this.#save();
			return;
		}
		this.roleKeys = { ...this.roleKeys, [role]: modelKey(role, choice) };
		this.#save();
		// A dense first stage reads the model bar's bi-encoder: rebuild the rerankers that use it.
		const dependents = role === 'bi-encoder' ? this.neuralPanels().filter((p) => roleOfPanel(p) !== 'bi-encoder' && this.settings[p]?.firstStage === 'dense' && this.prepOf(p).kind === 'ready') : [];
		await Promise.all([...panels, ...dependents].map((p) => this.prepare(p)));
		void this.refreshCaches();
	}

	/** Adds a panel of `kind` ranking with `choice` (loaded if needed) and prepares it. Returns its id. */
	async addPanel(kind: PanelKind, choice: ModelChoice): Promise<PanelId> {
		const id = this.pg.addPanel(kind, { ...choice, spec: choice.spec.trim() });
		await this.loadPanelModel(id);
		return id;
	}

	/** Removes an added panel here and in the worker. */
	async removePanel(panel: PanelId): Promise<void> {
		this.pg.client.cancelChannel(`prepare:${panel}`);
		this.pg.removePanel(panel);
		const { [panel]: _p, ...prep } = this.prep;
		this.prep = prep as Record<PanelId, PrepStatus>;
		await this.pg.client.send(`remove:${panel}`, { type: 'remove-panel', panel });
	}

	/** Loads an added panel's own model, then prepares the panel. */
	async loadPanelModel(panel: PanelId): Promise<void> {
		const instance = this.pg.added.find((p) => p.id === panel);
		const role = roleOfPanel(panel);
		if (!instance || !role) return;
		this.pg.dispatch(panel, { type: 'reset' });
		this.pg.dispatch(panel, { type: 'progress', progress: { stage: 'loading the model', done: 0, total: 0, unit: 'bytes' } });
		const status = await this.#loadModel(role, instance.model, (progress) => this.pg.dispatch(panel, { type: 'progress', progress }));
		if (!this.pg.order.includes(panel) || status.kind === 'empty') return;
		if (status.kind === 'error') {
			this.pg.dispatch(panel, { type: 'model-missing', role, message: `The ${ROLE_LABELS[role]} model ${instance.model.spec} did not load.` });
			return;
		}
		await this.prepare(panel);
		void this.refreshCaches();
	}

	/** Builds a panel's pipeline in the worker (encoding the corpus, or reading it from IndexedDB). */
	async prepare(panel: PanelId): Promise<void> {
		const role = roleOfPanel(panel)!;
		const model = this.modelKeyOf(panel);
		if (this.modelStatusOf(panel)?.kind !== 'ready' || !model || !this.pg.corpus) return;
		const settings: PanelSettings = { ...$state.snapshot(this.settings[panel] ?? { kernel: 'auto', firstStage: 'bm25', depth: 100 }), bm25: { ...this.pg.bm25 } };
		const started = performance.now();
		this.#setPrep(panel, { kind: 'encoding', started });
		this.pg.dispatch(panel, { type: 'reset' });
		this.pg.dispatch(panel, { type: 'progress', progress: { stage: 'encode-corpus', done: 0, total: this.pg.corpus.nDocs, unit: 'docs' } });
		const firstStageModel = this.roleKeys['bi-encoder'];
		const request = { type: 'prepare-panel' as const, panel, settings, model, ...(firstStageModel ? { firstStageModel } : {}) };
		const r = await this.pg.client.send(`prepare:${panel}`, request, (progress) => {
			this.#setPrep(panel, { kind: 'encoding', progress, started });
			this.pg.dispatch(panel, { type: 'progress', progress });
		});
		if (r.type === 'cancelled') {
			// A newer prepare of this panel replaced this one; only a user cancel leaves it cancelled.
			if (this.prepOf(panel).kind === 'encoding' && (this.prep[panel] as { started: number }).started === started) {
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
	async setSetting<K extends keyof PanelOptions>(panel: PanelId, key: K, value: PanelOptions[K]): Promise<void> {
		this.pg.setOption(panel, key, value);
		await this.prepare(panel);
	}

	/** The BM25 panel's k1/b changed: rebuild the rerankers whose first stage is BM25, so they rerank the same list. */
	bm25Changed(): void {
		for (const p of this.neuralPanels()) {
			const kind = p.split('@')[0];
			if ((kind === 'cross-encoder' || kind === 'colbert-two-stage') && this.settings[p]?.firstStage === 'bm25' && this.prepOf(p).kind === 'ready') void this.prepare(p);
		}
	}

	#corpusChanged(): void {
		this.explanations = {} as Record<PanelId, ExplainStatus>;
		for (const p of this.neuralPanels()) {
			if (this.modelStatusOf(p)?.kind !== 'ready') continue;
			// Loading now, so the search that follows skips this panel until its corpus is encoded.
			this.pg.dispatch(p, { type: 'reset' });
			this.pg.dispatch(p, { type: 'progress', progress: { stage: 'encode-corpus', done: 0, total: this.pg.corpus?.nDocs ?? 0, unit: 'docs' } });
			void this.prepare(p);
		}
	}

	/** Asks the worker for one panel's explanation of `docId` for `query` (occlusion: `maxVariants`). */
	async explain(panel: PanelId, docId: string, query: string, maxVariants?: number): Promise<void> {
		const key = explainKey(docId, query, maxVariants ? String(maxVariants) : '');
		const current = this.explanationOf(panel);
		if (current.kind !== 'none' && current.kind !== 'error' && current.key === key) return;
		const set = (s: ExplainStatus) => (this.explanations = { ...this.explanations, [panel]: s });
		set({ kind: 'loading', key });
		const r = await this.pg.client.send(`explain:${panel}`, { type: 'explain-neural', panel, docId, query, ...(maxVariants ? { maxVariants } : {}) }, (progress) =>
			set({ kind: 'loading', key, progress })
		);
		if (r.type === 'cancelled') {
			if ((this.explanationOf(panel) as { key?: string }).key === key) set({ kind: 'none' });
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
