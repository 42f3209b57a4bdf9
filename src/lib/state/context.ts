/**
 * Symbol-keyed context for the playground state (as svelte.dev's `repl/src/lib/context.ts`), so every
 * component reaches the one `Playground` and the one `ModelsState` without prop drilling and without
 * a global: the page sets them once, the bars, panels and explanations read them.
 */
import { getContext, setContext } from 'svelte';
import type { ModelsState } from './models.svelte';
import type { Playground } from './playground.svelte';

/** A typed pair of context accessors under one Symbol; `get` throws outside the page that set it. */
function contextPair<T>(name: string): [set: (value: T) => T, get: () => T] {
	const key = Symbol(name);
	return [
		(value) => setContext(key, value),
		() => {
			const value = getContext<T | undefined>(key);
			if (!value) throw new Error(`${name} read outside the playground page (no context set)`);
			return value;
		}
	];
}

export const [setPlayground, getPlayground] = contextPair<Playground>('latelab-playground');
export const [setModels, getModels] = contextPair<ModelsState>('latelab-models');
