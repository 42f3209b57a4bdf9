/**
 * The models loaded in the worker, by `modelKey`: each key loads once and every panel asking for it
 * while it loads shares that load (the model bar's model and added panels often name the same one).
 */
import type { ModelRole } from '../engine/pipelines/registry';
import type { EngineFailure, EngineProgress } from '../worker/protocol';
import { modelKey, type ModelChoice, type ModelInfo } from '../worker/neural/protocol';
import type { EngineClient } from './engine-client.svelte';

export type RoleStatus =
	| { kind: 'empty' }
	| { kind: 'loading'; progress?: EngineProgress; started: number }
	| { kind: 'ready'; info: ModelInfo }
	| { kind: 'error'; failure: EngineFailure };

export class ModelLoads {
	/** Load status of every model asked for, by `modelKey`. */
	status = $state.raw<Record<string, RoleStatus>>({});
	readonly #running = new Map<string, Promise<RoleStatus>>();
	/** The choice behind each key asked for (keys are strings; the comparisons need the fields). */
	readonly #choices = new Map<string, ModelChoice>();
	readonly #client: EngineClient;
	readonly #keep: (key: string, replacing?: ModelRole) => string[];

	/** `keep` names the model keys still in use besides `key` (the worker disposes the rest when it loads `key`). */
	constructor(client: EngineClient, keep: (key: string, replacing?: ModelRole) => string[]) {
		this.#client = client;
		this.#keep = keep;
	}

	/** The choice a key was loaded from. */
	choiceOf(key: string): ModelChoice | undefined {
		return this.#choices.get(key);
	}

	/** Keys whose load is running. */
	loadingKeys(): string[] {
		return Object.entries(this.status).flatMap(([k, st]) => (st.kind === 'loading' ? [k] : []));
	}

	/** Forgets every model (the worker restarted without any). */
	clear(): void {
		this.#running.clear();
		this.status = {};
	}

	/** Loads one model, or joins its running load; `replacing` reloads a model bar role's model even when ready. */
	load(role: ModelRole, choice: ModelChoice, onProgress: (p: EngineProgress) => void, replacing?: ModelRole): Promise<RoleStatus> {
		const key = modelKey(role, choice);
		this.#choices.set(key, { ...choice, spec: choice.spec.trim() });
		const current = this.status[key];
		if (current?.kind === 'ready' && !replacing) return Promise.resolve(current);
		const running = this.#running.get(key);
		if (running) return running;
		const setKey = (st: RoleStatus) => (this.status = { ...this.status, [key]: st });
		const started = performance.now();
		setKey({ kind: 'loading', started });
		const promise = (async (): Promise<RoleStatus> => {
			const r = await this.#client.send(`model:${key}`, { type: 'load-model', role, choice, keep: this.#keep(key, replacing) }, (progress) => {
				setKey({ kind: 'loading', progress, started });
				onProgress(progress);
			});
			this.#running.delete(key);
			let status: RoleStatus;
			if (r.type === 'cancelled') status = { kind: 'empty' };
			else if (r.type === 'model-loaded') status = { kind: 'ready', info: r.info };
			else status = { kind: 'error', failure: r.type === 'error' ? r.error : { code: 'INTERNAL', message: `unexpected answer ${r.type}`, fix: 'Reload the page.' } };
			setKey(status);
			return status;
		})();
		this.#running.set(key, promise);
		return promise;
	}
}
