import { describe, expect, it } from 'vitest';
import { lnGamma, regularizedBeta, studentTTwoSided } from '../../../src/lib/engine/eval/student-t';

describe('lnGamma', () => {
	it('lnGamma(x) matches factorials and Gamma(1/2) = sqrt(pi)', () => {
		expect(lnGamma(1)).toBeCloseTo(0, 12);
		expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
		expect(lnGamma(20)).toBeCloseTo(Math.log(121645100408832000), 10);
		expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
		expect(lnGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
	});
});

describe('regularizedBeta', () => {
	it('regularizedBeta(x, a, b) matches closed forms I_x(1, 1) = x and I_x(a, 1) = x^a', () => {
		for (const x of [0.01, 0.2, 0.5, 0.77, 0.99]) {
			expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 12);
			expect(regularizedBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 12);
			// I_x(a, b) = 1 - I_{1-x}(b, a)
			expect(regularizedBeta(x, 2.5, 7)).toBeCloseTo(1 - regularizedBeta(1 - x, 7, 2.5), 12);
		}
		expect(regularizedBeta(0, 2, 3)).toBe(0);
		expect(regularizedBeta(1, 2, 3)).toBe(1);
	});
});

describe('studentTTwoSided', () => {
	it('studentTTwoSided(t, df) matches published values', () => {
		expect(studentTTwoSided(2.0, 10)).toBeCloseTo(0.07338803, 7);
		// Critical values from t tables: two-sided 0.05 and 0.01.
		expect(studentTTwoSided(2.228139, 10)).toBeCloseTo(0.05, 6);
		expect(studentTTwoSided(2.085963, 20)).toBeCloseTo(0.05, 6);
		expect(studentTTwoSided(3.169273, 10)).toBeCloseTo(0.01, 6);
		expect(studentTTwoSided(1.959964, 1e7)).toBeCloseTo(0.05, 5);
	});

	it('studentTTwoSided(t, df) matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
		for (const t of [0.1, 0.5, 1, 2.5, 10, 100]) {
			expect(studentTTwoSided(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 12);
			expect(studentTTwoSided(-t, 2)).toBeCloseTo(1 - t / Math.sqrt(t * t + 2), 12);
		}
	});

	it('studentTTwoSided(t, df) gives 1 at t = 0, 0 at infinity and NaN without degrees of freedom', () => {
		expect(studentTTwoSided(0, 5)).toBe(1);
		expect(studentTTwoSided(Infinity, 5)).toBe(0);
		expect(studentTTwoSided(1, 0)).toBeNaN();
	});
});
