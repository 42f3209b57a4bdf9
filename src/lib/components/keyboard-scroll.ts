/**
 * A Svelte action for an element that scrolls (`overflow: auto`): while its content overflows it is a
 * tab stop, so the keyboard can scroll it too (WCAG 2.1.1; axe-core's scrollable-region-focusable); when
 * nothing overflows it is not, so wide screens get no empty stops. An element without a role of its own
 * also becomes a labelled group then, so a screen reader says what got focus.
 * @example <div class="scroll" use:keyboardScroll={'Metrics table'}>…</div>
 */
export function keyboardScroll(node: HTMLElement, label?: string): { update(label?: string): void; destroy(): void } {
	const ownRole = node.hasAttribute('role');
	let current = label;
	let focusable = false;
	const sync = () => {
		const overflows = node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1;
		if (overflows && !focusable) {
			node.tabIndex = 0;
			if (!ownRole && current) {
				node.setAttribute('role', 'group');
				node.setAttribute('aria-label', current);
			}
		} else if (!overflows && focusable) {
			node.removeAttribute('tabindex');
			if (!ownRole) {
				node.removeAttribute('role');
				node.removeAttribute('aria-label');
			}
		}
		focusable = overflows;
	};
	// Content drawn later (D3 views, lesson output) changes the overflow without resizing the element.
	const resized = new ResizeObserver(sync);
	resized.observe(node);
	const changed = new MutationObserver(sync);
	changed.observe(node, { childList: true, subtree: true });
	sync();
	return {
		update(next) {
			current = next;
			if (focusable && !ownRole && current) node.setAttribute('aria-label', current);
		},
		destroy() {
			resized.disconnect();
			changed.disconnect();
		}
	};
}

/**
 * `keyboardScroll` for every table inside `node` (rendered Markdown, whose tables scroll sideways on a
 * phone: see the `.prose table` style). Tables keep their own role; only the tab stop is added.
 */
export function keyboardScrollTables(node: HTMLElement): { destroy(): void } {
	const actions = [...node.querySelectorAll('table')].map((table) => keyboardScroll(table));
	return {
		destroy() {
			for (const a of actions) a.destroy();
		}
	};
}
