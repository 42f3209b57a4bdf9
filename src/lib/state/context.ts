/**
 * Symbol-keyed context for the playground state (as svelte.dev's `repl/src/lib/context.ts`), so every
 * component reaches the one `Playground` without prop drilling and without a global.
 */
import { getContext, setContext } from 'svelte';
import type { Playground } from './playground.svelte';

const KEY = Symbol('latelab-playground');

export function setPlayground(playground: Playground): Playground {
	return setContext(KEY, playground);
}

export function getPlayground(): Playground {
	const playground = getContext<Playground | undefined>(KEY);
	if (!playground) throw new Error('getPlayground() called outside the playground page (no context set)');
	return playground;
}
