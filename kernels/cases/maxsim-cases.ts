/**
 * Reader of `kernels/cases/maxsim.jsonc` (its header documents the format): strips comment lines,
 * expands generated matrices with a seeded PRNG and computes each case's expected scores with the JS
 * reference `maxSim`. Pure TypeScript (no fs), so the Node tests and the browser tests share it:
 * pass the file's text in.
 * @example
 * const { cases } = parseMaxSimCases(readFileSync('kernels/cases/maxsim.jsonc', 'utf8'));
 * cases[0].expected // Float32Array [1.8]
 */
import { maxSim } from '../../src/lib/engine/maxsim/maxsim';
import { uniformRandom } from '../../src/lib/engine/random';
import type { TokenMatrix } from '../../src/lib/engine/types';

type Value = number | 'NaN' | 'Infinity' | '-Infinity';

interface MatrixSpec {
	rows: number;
	dim?: number;
	data?: Value[];
	fill?: 'unit' | 'uniform' | 'constant' | 'query';
	seed?: number;
	lo?: number;
	hi?: number;
	scale?: number;
	value?: number;
	poison?: { row: number; col: number; value: Value };
}

interface CaseSpec {
	name: string;
	dim: number;
	query: MatrixSpec;
	docs: MatrixSpec[];
	subset?: number[];
	topK?: { k: number; expected?: number[] };
	expectError?: 'NOT_FINITE' | 'DIM_MISMATCH';
}

/** One expanded case, ready to feed a `MaxSimScorer`. */
export interface MaxSimCase {
	name: string;
	dim: number;
	query: TokenMatrix;
	docs: TokenMatrix[];
	subset?: number[];
	topK?: { k: number; expected?: number[] };
	expectError?: 'NOT_FINITE' | 'DIM_MISMATCH';
	/** Reference score per doc (absent for error cases). */
	expected?: Float64Array;
	/** Per doc: the Cauchy-Schwarz bound sum_i ||q_i|| max_j ||d_j|| that scales the tolerance. */
	magnitude?: Float64Array;
}

export interface MaxSimCases {
	relativeTolerance: number;
	cases: MaxSimCase[];
}

function toNumber(value: Value): number {
	return typeof value === 'number' ? value : Number(value);
}

function expand(spec: MatrixSpec, dim: number, query?: TokenMatrix): TokenMatrix {
	const d = spec.dim ?? dim;
	const data = new Float32Array(spec.rows * d);
	if (spec.data) data.set(spec.data.map(toNumber));
	else if (spec.fill === 'constant') data.fill(spec.value ?? 0);
	else if (spec.fill === 'query') {
		if (!query || query.rows === 0) throw new Error('fill "query" needs a query with rows');
		for (let r = 0; r < spec.rows; r++) data.set(query.data.subarray((r % query.rows) * d, ((r % query.rows) + 1) * d), r * d);
	} else {
		const random = uniformRandom(spec.seed ?? 1);
		const lo = spec.lo ?? -1;
		const hi = spec.hi ?? 1;
		const scale = spec.scale ?? 1;
		for (let i = 0; i < data.length; i++) data[i] = (lo + (hi - lo) * random()) * scale;
		if (spec.fill === 'unit') {
			for (let r = 0; r < spec.rows; r++) {
				const row = data.subarray(r * d, (r + 1) * d);
				const norm = Math.hypot(...row);
				for (let k = 0; k < d; k++) row[k] /= norm;
			}
		}
	}
	if (spec.poison) data[spec.poison.row * d + spec.poison.col] = toNumber(spec.poison.value);
	return { data, rows: spec.rows, dim: d };
}

function rowNorm(m: TokenMatrix, r: number): number {
	let s = 0;
	for (let k = 0; k < m.dim; k++) s += m.data[r * m.dim + k] ** 2;
	return Math.sqrt(s);
}

/**
 * Parses a cases file's text (comment lines start with `//`) and expands every case's matrices,
 * without reference values (`parseMaxSimCases` adds f32 ones, `storage-cases.ts` int8 / binary ones).
 */
export function expandCases(text: string): MaxSimCases {
	const json = text
		.split('\n')
		.filter((line) => !line.trimStart().startsWith('//'))
		.join('\n');
	const file = JSON.parse(json) as { tolerance: { relative: number }; cases: CaseSpec[] };
	const cases = file.cases.map((spec): MaxSimCase => {
		const query = expand(spec.query, spec.dim);
		const docs = spec.docs.map((doc) => expand(doc, spec.dim, query));
		return { name: spec.name, dim: spec.dim, query, docs, subset: spec.subset, topK: spec.topK, expectError: spec.expectError };
	});
	return { relativeTolerance: file.tolerance.relative, cases };
}

/** The Cauchy-Schwarz bound sum_i ||q_i|| max_j ||d_j|| of |MaxSim(query, doc)|. */
export function magnitudeOf(query: TokenMatrix, doc: TokenMatrix): number {
	let best = 0;
	for (let j = 0; j < doc.rows; j++) best = Math.max(best, rowNorm(doc, j));
	let sum = 0;
	for (let i = 0; i < query.rows; i++) sum += rowNorm(query, i) * best;
	return sum;
}

/** Parses the cases file text (comment lines start with `//`) and expands every case. */
export function parseMaxSimCases(text: string): MaxSimCases {
	const parsed = expandCases(text);
	for (const c of parsed.cases) {
		if (c.expectError) continue;
		c.expected = Float64Array.from(c.docs, (doc) => maxSim(c.query, doc));
		c.magnitude = Float64Array.from(c.docs, (doc) => magnitudeOf(c.query, doc));
	}
	return parsed;
}

/** True when `actual` matches the reference `expected` within the file's tolerance rule. */
export function withinTolerance(actual: number, expected: number, magnitude: number, relative: number): boolean {
	return Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), magnitude);
}
