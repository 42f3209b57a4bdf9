/** The shared cases file parses, covers what issue 4 asks for, and its reference values are right. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseMaxSimCases, withinTolerance } from '../../kernels/cases/maxsim-cases';
import { uniformRandom } from '../../src/lib/engine/random';

const parsed = parseMaxSimCases(readFileSync('kernels/cases/maxsim.jsonc', 'utf8'));

it('parseMaxSimCases(text) computes the hand example 1.8', () => {
	expect(parsed.cases[0].expected![0]).toBeCloseTo(1.8, 6);
});

it('parseMaxSimCases(text) covers dims 48, 64, 96, 128, 768, 1..512 tokens, zero docs, empty docs and both error codes', () => {
	const dims = new Set(parsed.cases.map((c) => c.dim));
	for (const d of [48, 64, 96, 128, 768]) expect(dims.has(d)).toBe(true);
	const rows = parsed.cases.flatMap((c) => c.docs.map((d) => d.rows));
	expect(Math.min(...rows.filter((r) => r > 0))).toBe(1);
	expect(Math.max(...rows)).toBe(512);
	expect(rows.includes(0)).toBe(true);
	expect(parsed.cases.some((c) => c.docs.length === 0)).toBe(true);
	expect(new Set(parsed.cases.map((c) => c.expectError).filter(Boolean))).toEqual(new Set(['NOT_FINITE', 'DIM_MISMATCH']));
	expect(new Set(parsed.cases.map((c) => c.name)).size).toBe(parsed.cases.length);
});

it('parseMaxSimCases(text) draws "unit" rows of length 1 and plants poison values', () => {
	const unit = parsed.cases.find((c) => c.dim === 768)!.query;
	expect(Math.hypot(...unit.data.subarray(0, 768))).toBeCloseTo(1, 5);
	const poisoned = parsed.cases.find((c) => c.expectError === 'NOT_FINITE')!.query;
	expect(poisoned.data.some((v) => Number.isNaN(v))).toBe(true);
});

it('uniformRandom(seed) is deterministic and in [0, 1)', () => {
	const a = uniformRandom(7);
	const b = uniformRandom(7);
	for (let i = 0; i < 100; i++) {
		const x = a();
		expect(x).toBe(b());
		expect(x >= 0 && x < 1).toBe(true);
	}
});

it('withinTolerance(a, ref, magnitude, r) scales by the larger of |ref| and magnitude', () => {
	expect(withinTolerance(1.00005, 1, 0, 1e-4)).toBe(true);
	expect(withinTolerance(1.0002, 1, 0, 1e-4)).toBe(false);
	expect(withinTolerance(0.001, 0, 100, 1e-4)).toBe(true);
	expect(withinTolerance(1e-9, 0, 0, 1e-4)).toBe(false);
});
