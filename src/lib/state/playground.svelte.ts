/**
 * The playground's state: corpus, query, panels (order, visibility, status, options, readiness),
 * linked hover and selection, and the explanations of the selected document (`Explanations`).
 * Components read it from context (`context.ts`) and call its methods; all engine work goes through
 * `EngineClient`; the link (URL fragment) is read and written by `playground-link.svelte.ts`. Big data
 * sits in `$state.raw` (replaced, never mutated). The neural models state (`models.svelte.ts`) follows
 * it through `subscribe` (corpus loaded, BM25 changed).
 */
import { defaultOptions, kindOf, pipelineOptionsOf, type OptionKey, type PanelOptions } from '../engine/panels';
import type { Bm25Config, Bm25Params, CorpusSource, CorpusSummary, EngineFailure, EngineProgress, PanelId, PanelKind } from '../worker/protocol';
import type { ModelChoice } from '../worker/neural/protocol';
import type { EngineClient } from './engine-client.svelte';
import { Explanations } from './explanations.svelte';
import { initialPanelStatus, panelResultOf, shownResult, transition, type PanelEvent, type PanelStatus } from './panel-machine';
import { DEFAULT_PANEL_ORDER, movedAmongVisible, nextPanelId, panelTitles, titleIn, type PanelInstance } from './panels';
import { PageImages } from './page-images.svelte';
import { exactPanelOf, isExactSetup, referenceOf, type ModelSetting, type PanelReference } from './exact-panel';

export type CorpusStatus =
	| { kind: 'loading'; label: string; progress?: EngineProgress }
	| { kind: 'ready' }
	| { kind: 'error'; failure: EngineFailure };

/** What the playground tells its followers: a new corpus, BM25's settings (the rerankers' first stage), a panel shown or hidden (hidden panels are not built). */
export type PlaygroundEvent = { type: 'corpus-loaded' } | { type: 'bm25-changed' } | { type: 'panel-shown' | 'panel-hidden'; panel: PanelId };

const SEARCH_DELAY_MS = 150;

export class Playground {
	readonly client: EngineClient;

	corpus = $state.raw<CorpusSummary | undefined>(undefined);
	corpusStatus = $state.raw<CorpusStatus>({ kind: 'loading', label: 'Starting the engine…' });
	/** Where the loaded documents came from. */
	corpusChoice = $state<CorpusSource['kind']>('demo');
	/** Text in the paste box (kept even when another corpus is loaded). */
	pasted = $state('');
	/** Name of the uploaded file, when `corpusChoice` is `file`. */
	fileName = $state('');

	query = $state('');
	k = $state(10);
	/** BM25 parameters (Pyserini's defaults until changed). */
	bm25 = $state.raw<Bm25Params>({ k1: 0.9, b: 0.4 });
	/** Why the last parameter change was refused, if it was. */
	bm25Error = $state<string | undefined>(undefined);
	order = $state<PanelId[]>([...DEFAULT_PANEL_ORDER]);
	hidden = $state<PanelId[]>([]);
	statuses = $state.raw<Record<PanelId, PanelStatus>>(
		Object.fromEntries(DEFAULT_PANEL_ORDER.map((id) => [id, initialPanelStatus(id)])) as Record<PanelId, PanelStatus>
	);
	/** Panels added to compare more models of a kind, each with its model. */
	added = $state.raw<PanelInstance[]>([]);
	/** Every panel's options (schema `engine/panels`; those that apply and differ from the default go into the link). */
	options = $state<Record<PanelId, PanelOptions>>(Object.fromEntries(DEFAULT_PANEL_ORDER.map((id) => [id, defaultOptions()])) as Record<PanelId, PanelOptions>);
	/** Each panel's title (its `<section>`'s accessible name): added panels say what sets them apart. */
	titles = $derived(panelTitles(this.added, this.options, (p) => this.modelOf(p.id) === this.modelOf(p.kind), this.corpus?.vectors ? `${this.corpus.name} vectors` : undefined));
	/** Neural panels whose pipeline is built in the worker (the one record of readiness; BM25 is ready with the corpus). */
	prepared = $state.raw<ReadonlySet<PanelId>>(new Set());

	/** Document under the pointer or keyboard focus, in any panel. */
	hovered = $state<string | undefined>(undefined);
	/** Document whose explanation is open. */
	selected = $state<string | undefined>(undefined);
	/** The selected document's explanations (BM25 and neural). */
	readonly explanations: Explanations;
	/** Page images of an image collection (thumbnails, patch heat maps). */
	readonly pageImages = new PageImages();
	/** A message about the URL (e.g. pasted text too long for a link). */
	notice = $state<string | undefined>(undefined);
	/** A message about the corpus on screen (a link's upload this browser does not have, an upload too big to keep). */
	corpusNotice = $state<string | undefined>(undefined);

	visiblePanels = $derived(this.order.filter((id) => !this.hidden.includes(id)));

	/** The model a panel ranks with (`ModelsState` sets it: its model key); panels of one model share an exact reference. */
	modelOf: (id: PanelId) => string | undefined = (id) => this.added.find((p) => p.id === id)?.model.spec;
	/** The model settings a panel ranks with (spec, revision, dtype, device; `ModelsState` sets it), for the weights/device comparison. */
	settingOf: (id: PanelId) => ModelSetting | undefined = (id) => this.added.find((p) => p.id === id)?.model;

	#timer: ReturnType<typeof setTimeout> | undefined;
	readonly #listeners = new Set<(event: PlaygroundEvent) => void>();

	/** The corpus reload after a worker restart, while it runs (the models state waits for it). */
	recovering: Promise<void> | undefined;
	#lastSource: CorpusSource | undefined;
	/** The source of the loaded corpus (raw: a vectors folder holds Blobs), for the link. */
	corpusSource = $state.raw<CorpusSource | undefined>(undefined);

	constructor(client: EngineClient) {
		this.client = client;
		this.explanations = new Explanations(client);
		// A restarted worker has nothing loaded: load the same corpus again (the query stays).
		client.onRestart(() => {
			this.recovering = this.#lastSource ? this.loadCorpus(this.#lastSource, { keepQuery: true, bm25: this.bm25Config() }) : undefined;
		});
	}

	/** Follows the playground's events (the neural models state re-encodes on `corpus-loaded`). Returns the unsubscribe. */
	subscribe(listener: (event: PlaygroundEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#emit(event: PlaygroundEvent): void {
		for (const listener of this.#listeners) listener(event);
	}

	/** A panel's title. */
	title(id: PanelId): string {
		return titleIn(this.titles, id);
	}

	/** Whether a panel can rank now: BM25 with a corpus, a neural panel once its pipeline is prepared. */
	isReady(id: PanelId): boolean {
		return kindOf(id).role ? this.prepared.has(id) : this.corpus !== undefined;
	}

	/** Records a neural panel's readiness (the models state calls it when a prepare ends or starts over). */
	setPrepared(id: PanelId, ready: boolean): void {
		if (this.prepared.has(id) === ready) return;
		const next = new Set(this.prepared);
		if (ready) next.add(id);
		else next.delete(id);
		this.prepared = next;
		// A panel that just became ready explains the open document too.
		if (ready && this.selected) void this.explanations.open(this.selected, this.query.trim(), this.#explainable());
	}

	/** The exact fp32 exhaustive ColBERT panel of the same model that `id` is compared with, if one is open. */
	exactOf(id: PanelId): PanelId | undefined {
		return exactPanelOf(id, this.visiblePanels, this.options, this.modelOf);
	}

	/** What `id`'s ranking is compared with (the exact panel, or the same model with fp32 weights on WASM), if one is open. */
	referenceOf(id: PanelId): PanelReference | undefined {
		return referenceOf(id, this.visiblePanels, this.options, this.modelOf, this.settingOf);
	}

	/** Whether `id` is an exact reference (fp32, no pooling, exhaustive ColBERT). */
	isExactPanel(id: PanelId): boolean {
		return isExactSetup(id, this.options[id]);
	}

	/** The BM25 index's configuration: k1, b and the BM25 panel's options (by their pipeline names). */
	bm25Config(): Bm25Config {
		return { ...this.bm25, ...pipelineOptionsOf('bm25', this.options.bm25 ?? defaultOptions()) };
	}

	/** Visible panels ready to explain, in display order. */
	#explainable(): PanelId[] {
		return this.visiblePanels.filter((p) => kindOf(p).role && this.prepared.has(p));
	}

	/** The visible, ready panels (what the explanation pickers offer). */
	explainablePanels(): PanelId[] {
		return this.#explainable();
	}

	async loadCorpus(source: CorpusSource, options: { keepQuery?: boolean; bm25?: Bm25Config } = {}): Promise<void> {
		const label =
			source.kind === 'demo' ? 'Loading the demo corpus…'
			: source.kind === 'pasted' ? 'Reading pasted text…'
			: source.kind === 'vectors' ? 'Reading the vectors folder…'
			: source.kind === 'collection' ? `Loading ${source.name}…`
			: `Reading ${source.file.name}…`;
		this.corpusStatus = { kind: 'loading', label };
		const response = await this.client.loadCorpus(
			source,
			(progress) => {
				this.corpusStatus = { kind: 'loading', label, progress };
			},
			options.bm25
		);
		if (response.type === 'cancelled') {
			// Stopped by the user or overtaken by a newer load; the newer one sets its own status.
			if (this.corpusStatus.kind === 'loading' && this.corpusStatus.label === label) this.corpusStatus = this.corpus ? { kind: 'ready' } : { kind: 'loading', label: 'Choose a corpus' };
			return;
		}
		if (response.type === 'error') {
			this.corpusStatus = { kind: 'error', failure: response.error };
			return;
		}
		if (response.type !== 'corpus-loaded') return;
		this.#lastSource = source;
		this.corpusSource = source;
		this.corpus = response.corpus;
		this.pageImages.replace(response.corpus);
		this.corpusChoice = source.kind;
		this.corpusNotice = undefined;
		this.fileName = source.kind === 'file' ? source.file.name : '';
		this.corpusStatus = { kind: 'ready' };
		this.clearSelection();
		if (!options.keepQuery) this.query = '';
		this.explanations.forgetNeural();
		this.prepared = new Set();
		// Neural panels mark themselves loading here (their corpus must be re-encoded) before the search.
		this.#emit({ type: 'corpus-loaded' });
		this.searchNow();
	}

	/** Rebuilds BM25 with new k1 and b and reruns the query. */
	async setBm25(params: Bm25Params): Promise<void> {
		this.bm25 = params;
		await this.#configureBm25();
	}

	/** Sends the BM25 configuration (k1, b, options) to the worker; the rerankers with a BM25 first stage follow. */
	async #configureBm25(): Promise<void> {
		const r = await this.client.configureBm25(this.bm25Config());
		if (r.type === 'cancelled') return;
		if (r.type === 'error') {
			this.bm25Error = `${r.error.message}. ${r.error.fix}`;
			return;
		}
		this.bm25Error = undefined;
		this.#emit({ type: 'bm25-changed' });
		this.searchNow();
	}

	/** Updates the query and searches after a short pause in typing. */
	setQuery(text: string): void {
		this.query = text;
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => this.searchNow(), SEARCH_DELAY_MS);
	}

	/** Searches every visible panel that can run, now. */
	searchNow(): void {
		clearTimeout(this.#timer);
		// After a failed load the worker still holds the previous corpus, so searching goes on.
		if (!this.corpus || this.corpusStatus.kind === 'loading') return;
		const query = this.query.trim();
		for (const id of this.visiblePanels) void this.#searchPanel(id, query);
		// The open explanation belongs to the query: refresh it with the new one.
		if (this.selected) void this.select(this.selected);
	}

	async #searchPanel(id: PanelId, query: string): Promise<void> {
		const status = this.statuses[id];
		if (status.kind === 'needs-model' || status.kind === 'loading') return;
		if (!query) {
			this.#apply(id, { type: 'reset' });
			return;
		}
		this.#apply(id, { type: 'search', query });
		const t0 = performance.now();
		const reference = this.referenceOf(id)?.panel;
		const r = await this.client.search(id, query, this.k, reference && this.prepared.has(reference) ? reference : undefined);
		if (r.type === 'cancelled') return;
		if (r.type === 'error') return this.#apply(id, { type: 'failed', failure: r.error });
		if (r.type !== 'search-result') return;
		this.#apply(id, { type: 'result', result: panelResultOf(r, performance.now() - t0) });
	}

	/** Searches one panel with the current query (a neural panel whose model just became ready). */
	refreshPanel(id: PanelId): void {
		if (this.visiblePanels.includes(id)) void this.#searchPanel(id, this.query.trim());
	}

	/** Feeds an event to one panel's state machine (neural panels' wiring calls this too). */
	dispatch(id: PanelId, event: PanelEvent): void {
		this.#apply(id, event);
	}

	#apply(id: PanelId, event: PanelEvent): void {
		this.statuses = { ...this.statuses, [id]: transition(this.statuses[id], event) };
	}

	/** The rank of `docId` in a panel's shown results, or undefined. */
	rankIn(panel: PanelId, docId: string): number | undefined {
		return shownResult(this.statuses[panel])?.hits.find((h) => h.id === docId)?.rank;
	}

	/** The title of a document, from any panel that shows it. */
	titleOf(docId: string): string {
		for (const id of this.order) {
			const hit = shownResult(this.statuses[id])?.hits.find((h) => h.id === docId);
			if (hit) return hit.title || hit.id;
		}
		return docId;
	}

	setHidden(id: PanelId, hidden: boolean): void {
		if (this.hidden.includes(id) === hidden) return;
		this.hidden = hidden ? [...this.hidden, id] : this.hidden.filter((p) => p !== id);
		// First, so a neural panel shown again is already loading (being built) when its search is asked for.
		this.#emit({ type: hidden ? 'panel-hidden' : 'panel-shown', panel: id });
		if (!hidden) void this.#searchPanel(id, this.query.trim());
	}

	/** Adds a panel of `kind` ranking with `model` (placed last, waiting for its model). Returns its id. */
	addPanel(kind: PanelKind, model: ModelChoice): PanelId {
		const id = nextPanelId(this.order, kind);
		this.registerPanel({ id, kind, model: { ...model } });
		this.order = [...this.order, id];
		return id;
	}

	/** Removes an added panel (the five default ones can only be hidden). */
	removePanel(id: PanelId): void {
		if (!this.added.some((p) => p.id === id)) return;
		this.added = this.added.filter((p) => p.id !== id);
		this.order = this.order.filter((p) => p !== id);
		this.hidden = this.hidden.filter((p) => p !== id);
		const { [id]: _s, ...statuses } = this.statuses;
		this.statuses = statuses as Record<PanelId, PanelStatus>;
		delete this.options[id];
		this.setPrepared(id, false);
		if (this.hovered && !this.order.some((p) => this.rankIn(p, this.hovered!))) this.hovered = undefined;
	}

	/**
	 * Sets one option of a panel. BM25's options rebuild its index here; a neural panel's caller
	 * (`ModelsState.setOption`) rebuilds the panel.
	 */
	async setOption<K extends OptionKey>(id: PanelId, key: K, value: PanelOptions[K]): Promise<void> {
		this.options[id] = { ...(this.options[id] ?? defaultOptions()), [key]: value };
		if (!kindOf(id).role) await this.#configureBm25();
	}

	/** Registers an added panel (one from `addPanel` or a restored link) with its first status and default options. */
	registerPanel(instance: PanelInstance): void {
		this.added = [...this.added.filter((p) => p.id !== instance.id), instance];
		this.statuses = { ...this.statuses, [instance.id]: initialPanelStatus(instance.id) };
		this.options[instance.id] = defaultOptions();
	}

	/** Moves a panel one place left (-1) or right (+1) among the visible ones. */
	move(id: PanelId, direction: -1 | 1): void {
		const moved = movedAmongVisible(this.order, this.visiblePanels, id, direction);
		// No move, no new order (it would rewrite the link for nothing).
		if (moved.some((p, i) => p !== this.order[i])) this.order = moved;
	}

	/**
	 * Bumped when a user opens a document (click or Enter on a result), not when a link restores one:
	 * the explanation then scrolls into view and takes focus (`DocumentDetail`).
	 */
	revealRequests = $state(0);

	/** Opens a document's explanations (BM25 and the ready neural panels'); `reveal`: the user asked, show them. */
	async select(docId: string, options: { reveal?: boolean } = {}): Promise<void> {
		this.selected = docId;
		if (options.reveal) this.revealRequests++;
		await this.explanations.open(docId, this.query.trim(), this.#explainable());
	}

	clearSelection(): void {
		this.selected = undefined;
		this.explanations.close();
	}
}
