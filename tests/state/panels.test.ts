import { describe, expect, it } from 'vitest';
import { movedAmongVisible, nextPanelId } from '../../src/lib/state/panels';

describe('panels: ids and order', () => {
	it('nextPanelId takes the first free <kind>@n from 2, filling gaps left by removed panels', () => {
		expect(nextPanelId(['bm25', 'colbert'], 'colbert')).toBe('colbert@2');
		expect(nextPanelId(['colbert', 'colbert@2', 'colbert@3'], 'colbert')).toBe('colbert@4');
		expect(nextPanelId(['colbert', 'colbert@3'], 'colbert')).toBe('colbert@2');
		expect(nextPanelId(['colbert@2'], 'bi-encoder')).toBe('bi-encoder@2');
	});

	it('movedAmongVisible swaps with the visible neighbour, stepping over hidden panels, which keep their places', () => {
		const order = ['bm25', 'bi-encoder', 'colbert', 'cross-encoder'] as const;
		const visible = ['bm25', 'colbert', 'cross-encoder'] as const;
		expect(movedAmongVisible(order, visible, 'bm25', 1)).toEqual(['colbert', 'bi-encoder', 'bm25', 'cross-encoder']);
		expect(movedAmongVisible(order, visible, 'cross-encoder', -1)).toEqual(['bm25', 'bi-encoder', 'cross-encoder', 'colbert']);
	});

	it('movedAmongVisible leaves the order as it is at either end, for a hidden panel, and never mutates its input', () => {
		const order = ['bm25', 'bi-encoder', 'colbert'] as const;
		const visible = ['bm25', 'colbert'] as const;
		expect(movedAmongVisible(order, visible, 'bm25', -1)).toEqual(order);
		expect(movedAmongVisible(order, visible, 'colbert', 1)).toEqual(order);
		expect(movedAmongVisible(order, visible, 'bi-encoder', 1)).toEqual(order);
		expect(order).toEqual(['bm25', 'bi-encoder', 'colbert']);
	});
});
