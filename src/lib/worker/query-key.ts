/**
 * How a typed query is matched to a judged corpus query: lower-case, trimmed, single-spaced. Shared by
 * the worker (to attach judgments) and the page (to show an example's purpose) without pulling the
 * engine into the page bundle.
 * @example queryKey('  Heart   ATTACK ') // 'heart attack'
 */
export function queryKey(text: string): string {
	return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
