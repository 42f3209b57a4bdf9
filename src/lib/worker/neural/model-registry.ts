/**
 * The models the worker holds: several per role, keyed by `modelKey(role, choice)`, plus the last one
 * loaded per role (a prepare without a model key uses it). Loads a model (download progress
 * throttled, the encoder made serial), reports where its files came from, and disposes models no
 * panel uses any more.
 */
import { createError } from '../../engine/errors';
import type { BiEncoder, ColbertEncoder, CrossEncoder, ModelProgress, ModelRef } from '../../engine/encoders/encoder';
import { loadEncoder } from '../../engine/encoders/load-encoder';
import { modelRefFromSpec } from '../../engine/pipelines/neural-context';
import type { ModelRole } from '../../engine/pipelines/registry';
import type { EngineProgress } from '../protocol';
import { modelCacheState } from './caches';
import { throttledModelProgress } from './model-progress';
import { modelKey, type ModelChoice, type ModelInfo } from './protocol';
import { serialEncoder } from './serial-encoder';

export type AnyEncoder = BiEncoder | CrossEncoder | ColbertEncoder;

/** Loads an encoder for a role (tests swap it). */
export type EncoderLoader = (role: ModelRole, ref: ModelRef, onProgress: (p: ModelProgress) => void) => Promise<AnyEncoder>;

export interface LoadedModel {
	encoder: AnyEncoder;
	choice: ModelChoice;
	info: ModelInfo;
}

const NO_FILES = { files: 0, bytes: 0 };

export class ModelRegistry {
	private readonly models = new Map<string, LoadedModel>();
	private readonly latest = new Map<ModelRole, string>();
	private readonly loader: EncoderLoader;

	constructor(loader: EncoderLoader = (role, ref, onProgress) => loadEncoder(role, ref, { onProgress })) {
		this.loader = loader;
	}

	get(key: string | undefined): LoadedModel | undefined {
		return key === undefined ? undefined : this.models.get(key);
	}

	/** The key of the last model loaded for `role`. */
	latestKey(role: ModelRole): string | undefined {
		return this.latest.get(role);
	}

	/** The loaded model of `role` under `key` (default: the role's latest), or undefined. */
	ofRole(role: ModelRole, key = this.latest.get(role)): { key: string; model: LoadedModel } | undefined {
		const model = this.get(key);
		return model && model.info.role === role ? { key: key!, model } : undefined;
	}

	/**
	 * Loads `choice` for `role`. With `keep` (several models per role) an already loaded model is
	 * reused and every model not in `keep` is disposed; without, the role's previous model is.
	 * `onDrop(keys)` runs before models are disposed (the host drops the pipelines using them).
	 */
	async load(
		request: { id: number; role: ModelRole; choice: ModelChoice; keep?: string[] },
		signal: AbortSignal,
		onProgress: ((p: EngineProgress) => void) | undefined,
		onDrop: (keys: string[]) => Promise<void>
	): Promise<ModelInfo> {
		const { id, role, choice, keep } = request;
		const key = modelKey(role, choice);
		const loaded = keep ? this.models.get(key) : undefined;
		if (loaded) {
			this.latest.set(role, key);
			await this.drop((k) => k !== key && !keep!.includes(k), onDrop);
			return { ...loaded.info, loadMs: 0, fromCache: true };
		}
		const spec = choice.spec.trim();
		if (!spec) throw createError('BAD_ARGUMENT', { detail: `enter a Hub id (org/name) or a folder path (/models/name) for the ${role}` });
		const ref: ModelRef = { ...modelRefFromSpec(spec), dtype: choice.dtype, device: choice.device };
		if (choice.revision) ref.revision = choice.revision;
		const before = ref.localDir ? NO_FILES : await modelCacheState(ref.id).catch(() => NO_FILES);
		const t0 = performance.now();
		const encoder = serialEncoder(await this.loader(role, ref, throttledModelProgress(id, onProgress)));
		if (signal.aborted) {
			await encoder.dispose();
			throw signal.reason;
		}
		const loadMs = performance.now() - t0;
		await this.drop(keep ? (k) => !keep.includes(k) : (k) => this.models.get(k)?.info.role === role, onDrop);
		const cache = ref.localDir ? NO_FILES : await modelCacheState(ref.id).catch(() => NO_FILES);
		const info: ModelInfo = {
			role,
			name: encoder.modelId,
			dtype: choice.dtype,
			device: choice.device,
			details: describeEncoder(encoder),
			...(encoder.kind === 'bi-encoder' ? { dim: encoder.dim } : encoder.kind === 'colbert' ? { dim: encoder.settings.dim } : {}),
			loadMs,
			cache,
			fromCache: before.files > 0 && cache.files === before.files
		};
		this.models.set(key, { encoder, choice, info });
		this.latest.set(role, key);
		return info;
	}

	/** Disposes the loaded models whose key matches (after `onDrop` released what uses them). */
	async drop(match: (key: string) => boolean, onDrop: (keys: string[]) => Promise<void>): Promise<void> {
		const keys = [...this.models.keys()].filter(match);
		if (keys.length === 0) return;
		await onDrop(keys);
		for (const key of keys) {
			const old = this.models.get(key);
			this.models.delete(key);
			await old?.encoder.dispose().catch(() => undefined);
		}
	}
}

/** One line about a loaded encoder (pooling, lengths, dimension). */
export function describeEncoder(encoder: AnyEncoder): string {
	if (encoder.kind === 'bi-encoder') return `dim ${encoder.dim}, ${encoder.pooling.mode} pooling (${encoder.pooling.source})`;
	if (encoder.kind === 'colbert') {
		const s = encoder.settings;
		return `dim ${s.dim}, query ${s.queryLength} tokens${s.queryAugmentation ? ' with [MASK] augmentation' : ''}, document ${s.documentLength}, projection ${s.projection}`;
	}
	return 'one logit per (query, document) pair';
}
