import { describe, expect, it } from 'vitest';
import { finiteExtent, shadeColor, valueColor } from '../../src/lib/viz';

describe('color', () => {
	it('valueColor(extent, "auto") is sequential (viridis) for one sign and diverging around 0 for both', () => {
		const seq = valueColor([0, 1]);
		expect(seq(0)).toBe('#440154');
		expect(seq(1)).toBe('#fde725');
		const div = valueColor([-1, 2]);
		// 0 is the neutral middle of PuOr; +2 and -2 sit at opposite ends.
		expect(div(0)).toBe(valueColor([-5, 5], 'diverging')(0));
		expect(div(2)).not.toBe(div(-2));
	});

	it('finiteExtent(values) ignores NaN and infinities', () => {
		expect(finiteExtent([3, NaN, -1, Infinity])).toEqual([-1, 3]);
		expect(finiteExtent([])).toEqual([0, 0]);
	});

	it('shadeColor(weight, max) grows opacity with |weight| and marks negatives blue', () => {
		expect(shadeColor(0, 1)).toBe('transparent');
		expect(shadeColor(0.5, 1)).toBe('rgba(230, 159, 0, 0.425)');
		expect(shadeColor(1, 1)).toBe('rgba(230, 159, 0, 0.75)');
		expect(shadeColor(-1, 1)).toBe('rgba(0, 114, 178, 0.75)');
	});
});
