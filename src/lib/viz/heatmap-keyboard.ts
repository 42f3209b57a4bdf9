/**
 * Keyboard access to heatmap cells, the same for SVG and canvas rendering: the view's cells are one tab
 * stop; arrow keys, Home/End, PageUp/PageDown and `m` (the row's MaxSim pick) move a focus ring, and a
 * polite live region reads the cell ("cat × feline: 0.812 — max of row"). Moving past the visible window
 * scrolls the window.
 */
export interface KeyboardTarget {
	nq: number;
	nd: number;
	value(i: number, j: number): number;
	isArgmax(i: number, j: number): boolean;
	/** Column of row `i`'s maximum, -1 for none. */
	argmaxOf(i: number): number;
	visible(): [number, number];
	reveal(j: number): void;
	describe(i: number, j: number): string;
	geometry(): { left: number; top: number; cell: number; start: number };
	onCellFocus?: (cell: { row: number; col: number; value: number; argmax: boolean }) => void;
}

/**
 * Makes `cells` (inside `root`: the element that scrolls sideways over the cells) the keyboard's tab
 * stop over the target's cells; the live region goes at the end of `root`. Returns a function that
 * focuses (i, j).
 */
export function attachHeatmapKeyboard(root: HTMLElement, cells: HTMLElement, target: KeyboardTarget): (i: number, j: number) => void {
	const doc = root.ownerDocument;
	const live = doc.createElement('p');
	live.className = 'latelab-heatmap-live';
	live.setAttribute('aria-live', 'polite');
	live.style.margin = '0.25rem 0 0';
	live.style.fontSize = '0.85em';
	root.append(live);
	// The tab stop is the scrolling element itself, so focusing it also lets the keyboard reach what is
	// scrolled out of sight. A group, not an ARIA grid: the cells are SVG rects or canvas pixels, not rows
	// of gridcells, so the live region (not aria-activedescendant) reads the focused cell.
	cells.tabIndex = 0;
	cells.setAttribute('role', 'group');
	cells.setAttribute('aria-roledescription', 'heatmap');
	cells.setAttribute('aria-label', 'cells (arrow keys move, m jumps to the row maximum)');
	let row = 0;
	let col = Math.max(0, target.visible()[0]);

	const show = (i: number, j: number) => {
		row = Math.max(0, Math.min(target.nq - 1, i));
		col = Math.max(0, Math.min(target.nd - 1, j));
		if (target.nq === 0 || target.nd === 0) return;
		target.reveal(col);
		const { left, top, cell, start } = target.geometry();
		const ring = root.querySelector('.focus-ring');
		const x = left + (col - start) * cell;
		if (ring) {
			ring.setAttribute('x', String(x - 2));
			ring.setAttribute('y', String(top + row * cell - 2));
			ring.setAttribute('visibility', 'visible');
		}
		// Keep the focused cell (and the row labels, for the first columns) in sight within the scroller.
		if (x - cell < cells.scrollLeft + left) cells.scrollLeft = Math.max(0, x - left - cell);
		else if (x + 2 * cell > cells.scrollLeft + cells.clientWidth) cells.scrollLeft = x + 2 * cell - cells.clientWidth;
		root.dataset.focusRow = String(row);
		root.dataset.focusCol = String(col);
		live.textContent = target.describe(row, col);
		target.onCellFocus?.({ row, col, value: target.value(row, col), argmax: target.isArgmax(row, col) });
	};

	cells.addEventListener('focus', () => show(row, col));
	cells.addEventListener('keydown', (event: KeyboardEvent) => {
		const page = Math.max(1, target.visible()[1] - target.visible()[0] - 1);
		const moves: Record<string, [number, number]> = {
			ArrowUp: [row - 1, col],
			ArrowDown: [row + 1, col],
			ArrowLeft: [row, col - 1],
			ArrowRight: [row, col + 1],
			Home: [row, 0],
			End: [row, target.nd - 1],
			PageUp: [row, col - page],
			PageDown: [row, col + page]
		};
		if (event.key === 'm' && target.argmaxOf(row) >= 0) moves.m = [row, target.argmaxOf(row)];
		const move = moves[event.key];
		if (!move) return;
		event.preventDefault();
		show(move[0], move[1]);
	});
	return show;
}
