import { describe, expect, it } from 'vitest';
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import { randomUnitRows, uniformRandom } from '../../src/lib/engine/random';

describe('randomUnitRows', () => {
	it('randomUnitRows(rows, dim, seed) gives unit vectors, the same for the same seed', () => {
		const a = randomUnitRows(3, 8, 7);
		const b = randomUnitRows(3, 8, 7);
		expect([...a.data]).toEqual([...b.data]);
		expect([...randomUnitRows(3, 8, 8).data]).not.toEqual([...a.data]);
		for (let r = 0; r < 3; r++) {
			let n = 0;
			for (let k = 0; k < 8; k++) n += a.data[r * 8 + k] ** 2;
			expect(n).toBeCloseTo(1, 5);
		}
		// Each row's best match in itself is itself: MaxSim of a matrix with itself is its row count.
		expect(maxSim(a, a)).toBeCloseTo(3, 5);
	});

	it('randomUnitRows(rows, dim, stream) continues a stream: two matrices drawn in turn equal one twice as tall', () => {
		const stream = uniformRandom(11);
		const first = randomUnitRows(2, 4, stream);
		const second = randomUnitRows(2, 4, stream);
		expect([...first.data, ...second.data]).toEqual([...randomUnitRows(4, 4, 11).data]);
	});
});
