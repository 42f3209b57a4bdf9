/**
 * The neural panels' page-side state: the model chosen per role (Hub id or served folder, dtype,
 * device), its load status with download progress, each neural panel's corpus encoding (documents/s,
 * ETA, cancel), the panels' options (rebuilding a panel when one changes) and the browser caches
 * (`browser-caches.svelte.ts`); the models themselves load through `ModelLoads`. It drives the panels'
 * state machines through `Playground.dispatch` and talks to the worker through `EngineClient.send`
 * (channels `model:<key>`, `prepare:<panel>`, `remove:<panel>`, `hub`).
 * Several models of a role can be loaded at once (keyed by `modelKey`): the model bar's model feeds the
 * default panels, and each added panel (`Playground.addPanel`) ranks with its own. Panel options live in
 * `Playground.options` (so in the link); readiness in `Playground.prepared`; model-bar choices persist
 * in localStorage (`model-bar-memory.ts`) and `?models=` (`url-models.ts`); `?hub=<url>` in the address sets the Hub (tests point it at the mock Hub).
 */
import { DEFAULT_MODELS } from '../engine/encoders/model-defaults';
import { isAddedPanel, kindOf, ROLE_NAMES, ROLES, roleOfPanel, type OptionKey, type PanelOptions } from '../engine/panels';
import type { ModelRole } from '../engine/pipelines/registry';
import type { Playground } from './playground.svelte';
import type { EngineFailure, EngineProgress, PanelId, PanelKind } from '../worker/protocol';
import { modelKey, type ModelChoice, type PreparedStats } from '../worker/neural/protocol';
import { hubAddressProblem, modelsFromParam, modelsToParam, searchWithModels } from './url-models';
import { MODEL_BAR_KEY, readModelBar, type SavedModelBar } from './model-bar-memory';
import { BrowserCaches } from './browser-caches.svelte';
import { ModelLoads, type RoleStatus } from './model-loads.svelte';

export const DEFAULT_HUB = 'https://huggingface.co/';

/**
 * Whether a loaded ColBERT model encodes free-text queries for a vectors folder: it must give vectors of
 * the folder's width (the engine leaves any other model unused there, with a warning).
 * @example encodesQueriesFor({ kind: 'ready', info: { dim: 96, ... } }, { dim: 96 }) // true
 */
export function encodesQueriesFor(status: RoleStatus | undefined, vectors: { dim: number } | undefined): status is Extract<RoleStatus, { kind: 'ready' }> {
	return status?.kind === 'ready' && vectors !== undefined && status.info.dim === vectors.dim;
}

export type PrepStatus =
	| { kind: 'none' }
	| { kind: 'encoding'; progress?: EngineProgress; started: number }
	| { kind: 'ready'; stats: PreparedStats }
	| { kind: 'cancelled' }
	| { kind: 'error'; failure: EngineFailure };

const defaultChoice = (role: ModelRole): ModelChoice => ({ spec: DEFAULT_MODELS[role], dtype: 'q8', device: 'wasm' });
const byRole = <T>(f: (r: ModelRole) => T) => Object.fromEntries(ROLES.map((r) => [r, f(r)])) as Record<ModelRole, T>;
const NO_PREP: PrepStatus = { kind: 'none' };

export class ModelsState {
	readonly pg: Playground;
	hub = $state(DEFAULT_HUB);
	choices = $state<Record<ModelRole, ModelChoice>>(byRole(defaultChoice));
	/** The model bar's load status per role (the model the default panels use). */
	roles = $state.raw<Record<ModelRole, RoleStatus>>(byRole(() => ({ kind: 'empty' })));
	/** The key of the model bar's loaded model per role. */
	roleKeys = $state.raw<Partial<Record<ModelRole, string>>>({});
	/** Every model asked for (model bar and added panels), by `modelKey`. */
	readonly loads: ModelLoads;
	prep = $state.raw<Record<PanelId, PrepStatus>>({} as Record<PanelId, PrepStatus>);
	/** The browser's caches (encoded corpora, model downloads) and storage quota. */
	readonly caches: BrowserCaches;
	#storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
	#started = false;
	readonly #setSearch: ((search: string) => void) | undefined;

	/** `setSearch` replaces the address's query string (the page passes SvelteKit's `replaceState`). */
	constructor(pg: Playground, setSearch?: (search: string) => void) {
		this.pg = pg;
		this.caches = new BrowserCaches(pg.client);
		this.loads = new ModelLoads(pg.client, (key, replacing) => this.#keep(key, replacing));
		this.#setSearch = setSearch;
		// Panels of one model share the exact reference their drift is measured against.
		// On a vectors folder without a ColBERT model every ColBERT panel ranks the folder's vectors: one model.
		pg.modelOf = (id) => (this.vectorsOnly(id) ? 'vectors folder' : this.modelKeyOf(id));
		pg.settingOf = (id) => (this.vectorsOnly(id) ? undefined : this.choiceOf(id));
		pg.subscribe((event) => {
			if (event.type === 'corpus-loaded') this.#corpusChanged();
			else if (event.type === 'bm25-changed') this.#bm25Changed();
			else if (event.type === 'panel-shown') void this.prepare(event.panel);
			else void this.#release(event.panel);
		});
		pg.client.onRestart(() => void this.#workerRestarted());
	}

	/** Panels that lost their model when the worker last crashed (the page names them). */
	lostPanels = $state.raw<PanelId[]>([]);

	/**
	 * The worker crashed and was restarted without any model: every neural panel that had one shows
	 * the crash, then, once the playground has reloaded the corpus, the models load again (model bar
	 * and added panels), which prepares the panels again (their encoded batches are still in IndexedDB).
	 */
	async #workerRestarted(): Promise<void> {
		const crash = this.pg.client.crashed;
		const lost = this.neuralPanels().filter((p) => this.modelStatusOf(p)?.kind === 'ready' || this.modelStatusOf(p)?.kind === 'loading');
		const roles = ROLES.filter((r) => this.roles[r].kind === 'ready' || this.roles[r].kind === 'loading');
		this.loads.clear();
		for (const r of roles) this.#setRole(r, { kind: 'empty' });
		this.lostPanels = lost;
		for (const p of lost) {
			this.#setPrep(p, { kind: 'none' });
			if (crash) {
				this.pg.dispatch(p, { type: 'reset' });
				this.pg.dispatch(p, { type: 'failed', failure: crash });
			}
		}
		await this.pg.recovering;
		await this.pg.client.send('hub', { type: 'configure-hub', hub: { remoteHost: this.hub } });
		await Promise.all([...roles.map((r) => this.load(r)), ...this.pg.added.filter((p) => lost.includes(p.id)).map((p) => this.loadPanelModel(p.id))]);
	}

	/** Reads saved choices and `?hub=`, tells the worker the Hub, reloads the model bar's models and the added panels' models. */
	async start(search: string, storage?: Pick<Storage, 'getItem' | 'setItem'>): Promise<void> {
		this.#storage = storage;
		const saved = readModelBar(storage?.getItem(MODEL_BAR_KEY));
		const params = new URLSearchParams(search);
		for (const r of ROLES) if (saved.choices?.[r]) this.choices[r] = { ...defaultChoice(r), ...saved.choices[r] };
		// A link's models win over this browser's last ones.
		const linked = modelsFromParam(params.get('models'));
		for (const { role, choice } of linked) this.choices[role] = choice;
		// A link's or this browser's address that is not a Hub leaves the default in use, and the error shown.
		const requested = params.get('hub') ?? saved.hub ?? DEFAULT_HUB;
		if (!(await this.setHub(requested))) {
			const problem = this.hubError;
			await this.setHub(DEFAULT_HUB);
			this.hubError = problem;
		}
		this.#started = true;
		const loaded = linked.length > 0 ? linked.map((l) => l.role) : (saved.loaded ?? []);
		await Promise.all([...loaded.map((r) => this.load(r)), ...this.pg.added.map((p) => this.loadPanelModel(p.id))]);
	}

	/** Why the last Hub address given was refused (the Hub in use stays), if it was. */
	hubError = $state<string | undefined>(undefined);

	/** Sets the Hub address for later loads; an address that is not http(s) is refused with `hubError` and returns false. */
	async setHub(url: string): Promise<boolean> {
		const problem = hubAddressProblem(url);
		this.hubError = problem;
		if (problem) return false;
		const hub = url.trim().replace(/\/?$/, '/');
		this.hub = hub;
		await this.pg.client.send('hub', { type: 'configure-hub', hub: { remoteHost: hub } });
		this.#save();
		return true;
	}

	#save(): void {
		const loaded = ROLES.filter((r) => this.roles[r].kind === 'ready');
		const saved: SavedModelBar = { hub: this.hub, choices: $state.snapshot(this.choices), loaded };
		this.#storage?.setItem(MODEL_BAR_KEY, JSON.stringify(saved));
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
		return this.neuralPanels().filter((p) => !isAddedPanel(p) && roleOfPanel(p) === role);
	}

	/** The key of the model a panel ranks with: its own (added panel) or the model bar's. */
	modelKeyOf(panel: PanelId): string | undefined {
		const added = this.pg.added.find((p) => p.id === panel);
		const role = roleOfPanel(panel);
		if (added && role) return modelKey(role, added.model);
		return role ? this.roleKeys[role] : undefined;
	}

	/** The loaded model choice a panel ranks with (spec, dtype, device, revision). */
	choiceOf(panel: PanelId): ModelChoice | undefined {
		const added = this.pg.added.find((p) => p.id === panel);
		if (added) return added.model;
		const key = this.modelKeyOf(panel);
		return key ? this.loads.choiceOf(key) : undefined;
	}

	/** Load status of a panel's model. */
	modelStatusOf(panel: PanelId): RoleStatus | undefined {
		const role = roleOfPanel(panel);
		if (!role) return undefined;
		if (!isAddedPanel(panel)) return this.roles[role];
		const key = this.modelKeyOf(panel);
		return (key && this.loads.status[key]) || { kind: 'empty' };
	}

	prepOf(panel: PanelId): PrepStatus {
		return this.prep[panel] ?? NO_PREP;
	}

	#setRole(role: ModelRole, status: RoleStatus): void {
		this.roles = { ...this.roles, [role]: status };
	}

	#setPrep(panel: PanelId, status: PrepStatus): void {
		this.prep = { ...this.prep, [panel]: status };
		this.pg.setPrepared(panel, status.kind === 'ready');
	}

	/** The model keys still in use (model bar and added panels), plus `extra`; the worker disposes the rest. */
	#keep(extra: string, replacing?: ModelRole): string[] {
		const keys = new Set<string>([extra]);
		for (const r of ROLES) if (r !== replacing && this.roleKeys[r]) keys.add(this.roleKeys[r]!);
		for (const p of this.pg.added) keys.add(modelKey(roleOfPanel(p.id)!, p.model));
		for (const k of this.loads.loadingKeys()) keys.add(k);
		return [...keys];
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
		const status = await this.loads.load(
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
			for (const p of panels) this.pg.dispatch(p, { type: 'model-missing', role, message: `The ${ROLE_NAMES[role]} model did not load.` });
			this.#save();
			return;
		}
		this.roleKeys = { ...this.roleKeys, [role]: modelKey(role, choice) };
		this.#save();
		// A dense first stage reads the model bar's bi-encoder: rebuild the rerankers that use it.
		const dependents = role === 'bi-encoder' ? this.neuralPanels().filter((p) => kindOf(p).reranks && this.pg.options[p]?.firstStage === 'dense' && this.prepOf(p).kind === 'ready') : [];
		await Promise.all([...panels, ...dependents].map((p) => this.prepare(p)));
		void this.caches.refresh();
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
		// On a vectors folder an added ColBERT panel ranks the folder's vectors: nothing to load.
		if (role === 'colbert' && this.pg.corpus?.vectors) return this.prepare(panel);
		this.pg.dispatch(panel, { type: 'reset' });
		this.pg.dispatch(panel, { type: 'progress', progress: { stage: 'loading the model', done: 0, total: 0, unit: 'bytes' } });
		const status = await this.loads.load(role, instance.model, (progress) => this.pg.dispatch(panel, { type: 'progress', progress }));
		if (!this.pg.order.includes(panel) || status.kind === 'empty') return;
		if (status.kind === 'error') {
			this.pg.dispatch(panel, { type: 'model-missing', role, message: `The ${ROLE_NAMES[role]} model ${instance.model.spec} did not load.` });
			return;
		}
		await this.prepare(panel);
		void this.caches.refresh();
	}

	/** A vectors folder brings ColBERT's vectors: its panels rank without a model (one of the folder's width only adds free-text queries: `encodesQueriesFor`). */
	vectorsOnly(panel: PanelId): boolean {
		return roleOfPanel(panel) === 'colbert' && this.pg.corpus?.vectors !== undefined && this.modelStatusOf(panel)?.kind !== 'ready';
	}

	/**
	 * Builds a panel's pipeline in the worker (encoding the corpus, or reading it from IndexedDB). A
	 * hidden panel is not built (it is when shown): its index would sit in the worker's memory unused,
	 * e.g. the two-stage panel's fp32 copy of a vectors folder beside a binary panel.
	 */
	async prepare(panel: PanelId): Promise<void> {
		if (this.pg.hidden.includes(panel)) return;
		const role = roleOfPanel(panel);
		if (!role) return;
		const vectorsOnly = this.vectorsOnly(panel);
		const model = vectorsOnly ? undefined : this.modelKeyOf(panel);
		if (!vectorsOnly && (this.modelStatusOf(panel)?.kind !== 'ready' || !model)) return;
		if (!this.pg.corpus) return;
		const options = $state.snapshot(this.pg.options[panel]) as PanelOptions;
		const started = performance.now();
		this.#setPrep(panel, { kind: 'encoding', started });
		this.pg.dispatch(panel, { type: 'reset' });
		this.pg.dispatch(panel, { type: 'progress', progress: { stage: 'encode-corpus', done: 0, total: this.pg.corpus.nDocs, unit: 'docs' } });
		const firstStageModel = this.roleKeys['bi-encoder'];
		const request = { type: 'prepare-panel' as const, panel, options, bm25: this.pg.bm25Config(), ...(model ? { model } : {}), ...(firstStageModel ? { firstStageModel } : {}) };
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

	/** A panel was hidden: its build stops and the worker disposes its pipeline (the memory it held goes). */
	async #release(panel: PanelId): Promise<void> {
		if (!roleOfPanel(panel) || this.prepOf(panel).kind === 'none') return;
		this.pg.client.cancelChannel(`prepare:${panel}`);
		this.#setPrep(panel, { kind: 'none' });
		await this.pg.client.send(`remove:${panel}`, { type: 'remove-panel', panel });
	}

	/** Stops a panel's corpus encoding after the current batch. */
	cancelPrepare(panel: PanelId): void {
		this.pg.client.cancelChannel(`prepare:${panel}`);
	}

	/** Changes one option of any panel (the schema's controls call this): BM25 rebuilds its index, a neural panel is rebuilt. */
	async setOption<K extends OptionKey>(panel: PanelId, key: K, value: PanelOptions[K]): Promise<void> {
		await this.pg.setOption(panel, key, value);
		if (kindOf(panel).role) await this.prepare(panel);
	}

	/** The BM25 panel's configuration changed: rebuild the rerankers whose first stage is BM25, so they rerank the same list. */
	#bm25Changed(): void {
		for (const p of this.neuralPanels()) {
			if (kindOf(p).reranks && this.pg.options[p]?.firstStage === 'bm25' && this.prepOf(p).kind === 'ready') void this.prepare(p);
		}
	}

	#corpusChanged(): void {
		for (const p of this.neuralPanels()) {
			if (this.modelStatusOf(p)?.kind !== 'ready' && !this.vectorsOnly(p)) continue;
			if (this.pg.hidden.includes(p)) continue;
			// Loading now, so the search that follows skips this panel until its corpus is encoded.
			this.pg.dispatch(p, { type: 'reset' });
			this.pg.dispatch(p, { type: 'progress', progress: { stage: 'encode-corpus', done: 0, total: this.pg.corpus?.nDocs ?? 0, unit: 'docs' } });
			void this.prepare(p);
		}
	}
}
