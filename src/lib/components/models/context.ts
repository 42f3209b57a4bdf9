/**
 * The neural models state in Svelte context (Symbol-keyed, as `src/lib/state/context.ts`): the page
 * sets it once, the model bar, panels and explanations read it.
 */
import { getContext, setContext } from 'svelte';
import type { ModelsState } from './models.svelte';

const KEY = Symbol('latelab-models');

export function setModels(models: ModelsState): ModelsState {
	return setContext(KEY, models);
}

export function getModels(): ModelsState {
	const models = getContext<ModelsState | undefined>(KEY);
	if (!models) throw new Error('getModels() called outside the playground page (setModels was not called)');
	return models;
}
