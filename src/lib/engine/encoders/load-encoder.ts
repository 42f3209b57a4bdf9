/**
 * One entry point for the three model families, by retrieval role.
 *
 * @example
 * const enc = await loadEncoder('colbert', { id: 'answerdotai/answerai-colbert-small-v1' });
 * enc.kind // 'colbert'
 */
import { createError } from '../errors';
import { loadBiEncoder } from './bi-encoder';
import { loadColbertEncoder } from './colbert';
import { loadCrossEncoder } from './cross-encoder';
import type { BiEncoder, ColbertEncoder, CrossEncoder, ModelProgress, ModelRef } from './encoder';

export type EncoderRole = 'bi-encoder' | 'cross-encoder' | 'colbert';

export interface LoadEncoderOptions {
	onProgress?(p: ModelProgress): void;
	/** ColBERT only: [MASK] query augmentation (default true). */
	queryAugmentation?: boolean;
}

export function loadEncoder(role: 'bi-encoder', ref: ModelRef, options?: LoadEncoderOptions): Promise<BiEncoder>;
export function loadEncoder(role: 'cross-encoder', ref: ModelRef, options?: LoadEncoderOptions): Promise<CrossEncoder>;
export function loadEncoder(role: 'colbert', ref: ModelRef, options?: LoadEncoderOptions): Promise<ColbertEncoder>;
export function loadEncoder(role: EncoderRole, ref: ModelRef, options?: LoadEncoderOptions): Promise<BiEncoder | CrossEncoder | ColbertEncoder>;
export function loadEncoder(role: EncoderRole, ref: ModelRef, options: LoadEncoderOptions = {}): Promise<BiEncoder | CrossEncoder | ColbertEncoder> {
	switch (role) {
		case 'bi-encoder':
			return loadBiEncoder(ref, options);
		case 'cross-encoder':
			return loadCrossEncoder(ref, options);
		case 'colbert':
			return loadColbertEncoder(ref, options);
		default:
			return Promise.reject(createError('UNKNOWN_OPTION', { what: 'encoder role', value: String(role), expected: 'bi-encoder, cross-encoder, colbert' }));
	}
}
